package org.p2psip.tcprelay;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATed side of TCP relaying: makes a local TCP service reachable at a public port of a
 * {@link TcpRelay} using outbound connections only.
 *
 * <p>Keeps a control connection to the relay ({@code LISTEN}); for every announced inbound
 * connection ({@code CONNECT}) it dials a data connection ({@code BIND}), connects to the local
 * target and splices the two. It sends {@code PING} every keepalive interval (shorter than the
 * NAT's binding timeout) and, when the control connection dies, reconnects with backoff
 * (0.5 s doubling up to 5 s), asking for the same public port again.
 *
 * <p>All threads are named daemon threads {@code relayed-listener-<name>-...};
 * {@link #close()} closes every socket and joins them.
 */
public final class RelayedListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedListener.class);

    /** Default keepalive interval. */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    /** Timeout for connecting to the relay or the local target and for the relay's {@code OK}. */
    static final int HANDSHAKE_MILLIS = 10_000;
    private static final long BACKOFF_MIN_MILLIS = 500;
    private static final long BACKOFF_MAX_MILLIS = 5_000;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Counters of a listener.
     *
     * @param allocations        successful {@code LISTEN}s (1 + re-allocations after reconnects)
     * @param connected          whether the control connection is currently up
     * @param connectionsRelayed inbound connections spliced to the local target
     * @param connectionsActive  spliced connections currently open
     * @param bytesToLocal       bytes copied from the relay to the local target
     * @param bytesFromLocal     bytes copied from the local target to the relay
     */
    public record Stats(long allocations, boolean connected, long connectionsRelayed, int connectionsActive,
            long bytesToLocal, long bytesFromLocal) {
    }

    /** One control connection with its allocation. */
    private record Control(Socket socket, LineReader reader, OutputStream out, InetSocketAddress publicAddress) {
    }

    private final InetSocketAddress relay;
    /** Mutual TLS with the relay (a secured overlay); null: plain TCP. */
    private final RelaySecurity security;
    private final String name;
    private final Supplier<InetSocketAddress> localTarget;
    private final long keepaliveNanos;
    private final long deadNanos;
    private final Lifecycle lifecycle;
    private final List<Consumer<InetSocketAddress>> addressListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong connectionsRelayed = new AtomicLong();
    private final AtomicInteger connectionsActive = new AtomicInteger();
    private final AtomicLong dataCounter = new AtomicLong();
    private final LongAdder bytesToLocal = new LongAdder();
    private final LongAdder bytesFromLocal = new LongAdder();
    private volatile InetSocketAddress publicAddress;
    private volatile boolean connected;

    private RelayedListener(InetSocketAddress relay, String name, Supplier<InetSocketAddress> localTarget,
            Duration keepalive, RelaySecurity security) {
        this.relay = relay;
        this.security = security;
        this.name = name;
        this.localTarget = localTarget;
        this.keepaliveNanos = keepalive.toNanos();
        this.deadNanos = 2 * keepalive.toNanos() + Duration.ofSeconds(5).toNanos();
        this.lifecycle = new Lifecycle("relayed-listener-" + name + "-");
    }

    /**
     * Allocates a public port at a relay and starts relaying its connections to a local target.
     *
     * @param relay       the relay's address ({@link TcpRelay#address()})
     * @param name        allocation name, {@code [A-Za-z0-9._-]{1,64}}; a new {@code LISTEN} with the
     *                    same name replaces the relay's previous allocation of that name
     * @param localTarget called for every inbound connection: where to connect locally
     * @param keepalive   PING interval, shorter than the NAT binding timeout; {@code null}: {@link #DEFAULT_KEEPALIVE}
     * @throws IOException if the relay cannot be reached or refuses the allocation
     */
    public static RelayedListener open(InetSocketAddress relay, String name, Supplier<InetSocketAddress> localTarget,
            Duration keepalive) throws IOException {
        return open(relay, name, localTarget, keepalive, null);
    }

    /**
     * As {@link #open(InetSocketAddress, String, Supplier, Duration)}, with mutual TLS to a secured
     * relay: the control and data connections present this node's certificate, and the allocation
     * belongs to the Node-ID in it (another node's {@code LISTEN} for {@code name} is refused).
     *
     * @param security mutual TLS with the overlay's CA; {@code null}: plain TCP (an unsecured relay)
     * @throws IOException if the relay cannot be reached, the TLS handshake fails, or the relay refuses
     *                     the allocation (for example {@code allocation NAME belongs to another node})
     */
    public static RelayedListener open(InetSocketAddress relay, String name, Supplier<InetSocketAddress> localTarget,
            Duration keepalive, RelaySecurity security) throws IOException {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(localTarget, "localTarget");
        if (name == null || !RelayProtocol.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad allocation name: " + name);
        }
        Duration interval = keepalive != null ? keepalive : DEFAULT_KEEPALIVE;
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("keepalive must be at least 1 ms");
        }
        RelayedListener listener = new RelayedListener(relay, name, localTarget, interval, security);
        Control control;
        try {
            control = listener.listen(0);
            listener.established(control);
        } catch (IOException e) {
            listener.lifecycle.close(JOIN_TIMEOUT);
            throw e;
        }
        listener.lifecycle.start("control", () -> listener.supervise(control));
        return listener;
    }

    /** The public address at the relay (host as the relay sent it), as of the current allocation. */
    public InetSocketAddress publicAddress() {
        return publicAddress;
    }

    /** Calls {@code listener} (on the control thread) whenever a re-allocation changes the public address. */
    public void onAddressChange(Consumer<InetSocketAddress> listener) {
        addressListeners.add(Objects.requireNonNull(listener));
    }

    public Stats stats() {
        return new Stats(allocations.get(), connected, connectionsRelayed.get(), connectionsActive.get(),
                bytesToLocal.sum(), bytesFromLocal.sum());
    }

    /** Closes the control connection and every relayed connection, and joins all threads. */
    @Override
    public void close() {
        if (lifecycle.isClosed()) {
            return;
        }
        connected = false;
        lifecycle.close(JOIN_TIMEOUT);
        LOG.info("relayed listener {} closed", name);
    }

    // ---- control connection

    /** Connects, sends {@code LISTEN} and waits for {@code OK <host>:<port>}. */
    private Control listen(int portHint) throws IOException {
        Socket socket = newSocket();
        if (!lifecycle.adopt(socket)) {
            throw new IOException("listener closed");
        }
        try {
            socket.setTcpNoDelay(true);
            socket.connect(relay, HANDSHAKE_MILLIS);
            socket.setSoTimeout(HANDSHAKE_MILLIS);
            tlsHandshake(socket);
            LineReader reader = new LineReader(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            RelayProtocol.send(out, RelayProtocol.LISTEN + " " + name + (portHint > 0 ? " " + portHint : ""));
            String answer = reader.readLine();
            if (answer == null) {
                throw new EOFException("relay closed the connection");
            }
            if (answer.startsWith(RelayProtocol.OK + " ")) {
                InetSocketAddress address = RelayProtocol.parseAddress(answer.substring(3));
                return new Control(socket, reader, out, address);
            }
            if (answer.startsWith(RelayProtocol.ERR + " ")) {
                throw new IOException("relay refused LISTEN " + name + ": " + answer.substring(4));
            }
            throw new ProtocolException("unexpected answer from relay: " + answer);
        } catch (IOException e) {
            lifecycle.release(socket);
            throw e;
        }
    }

    private Socket newSocket() throws IOException {
        return security != null ? security.newSocket() : new Socket();
    }

    /** Secured: the TLS handshake with the relay (bounded by the socket's timeout). */
    private void tlsHandshake(Socket socket) throws IOException {
        if (security == null) {
            return;
        }
        try {
            String relayNode = security.handshake(socket);
            LOG.debug("relayed listener {}: relay {} is node {}", name, RelayProtocol.format(relay), RelaySecurity.shortId(relayNode));
        } catch (IOException e) {
            throw new IOException("TLS handshake with the relay " + RelayProtocol.format(relay) + " failed: "
                    + RelaySecurity.reason(e), e);
        }
    }

    /** Runs the (established) control connection and re-establishes it with backoff until closed. */
    private void supervise(Control first) {
        Control control = first;
        long backoff = BACKOFF_MIN_MILLIS;
        boolean failureReported = false;
        while (!lifecycle.isClosed()) {
            if (control != null) {
                try {
                    runControl(control);
                } catch (IOException e) {
                    if (!lifecycle.isClosed()) {
                        LOG.warn("relayed listener {}: control connection to {} lost ({}), reconnecting", name,
                                RelayProtocol.format(relay), e.toString());
                    }
                } finally {
                    connected = false;
                    lifecycle.release(control.socket());
                }
                control = null;
                backoff = BACKOFF_MIN_MILLIS;
                failureReported = false;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            try {
                InetSocketAddress previous = publicAddress;
                control = listen(previous == null ? 0 : previous.getPort());
                established(control);
            } catch (IOException e) {
                if (!failureReported && !lifecycle.isClosed()) {
                    LOG.info("relayed listener {}: reconnecting to {} failed ({}), retrying with backoff up to {} ms",
                            name, RelayProtocol.format(relay), e.toString(), BACKOFF_MAX_MILLIS);
                    failureReported = true;
                } else {
                    LOG.debug("relayed listener {}: reconnecting to {}: {}", name, RelayProtocol.format(relay),
                            e.toString());
                }
                backoff = Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
            }
        }
    }

    private void established(Control control) {
        InetSocketAddress previous = publicAddress;
        publicAddress = control.publicAddress();
        connected = true;
        long count = allocations.incrementAndGet();
        LOG.info("relayed listener {}: public address {} at relay {}{}", name, RelayProtocol.format(publicAddress),
                RelayProtocol.format(relay), count > 1 ? " (re-allocated)" : "");
        if (previous != null && !sameAddress(previous, publicAddress)) {
            for (Consumer<InetSocketAddress> listener : addressListeners) {
                try {
                    listener.accept(publicAddress);
                } catch (RuntimeException e) {
                    LOG.warn("relayed listener {}: address change callback failed", name, e);
                }
            }
        }
    }

    private static boolean sameAddress(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && a.getHostString().equals(b.getHostString());
    }

    /** Sends keepalives and handles {@code CONNECT}s until the control connection fails. */
    private void runControl(Control control) throws IOException {
        long lastPing = System.nanoTime();
        long lastHeard = lastPing;
        while (!lifecycle.isClosed()) {
            long now = System.nanoTime();
            if (now - lastPing >= keepaliveNanos) {
                RelayProtocol.send(control.out(), RelayProtocol.PING);
                lastPing = now;
            }
            if (now - lastHeard >= deadNanos) {
                throw new SocketTimeoutException(
                        "nothing heard from the relay for " + (now - lastHeard) / 1_000_000 + " ms");
            }
            long wait = Math.min(lastPing + keepaliveNanos, lastHeard + deadNanos) - now;
            control.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait / 1_000_000)));
            String line;
            try {
                line = control.reader().readLine();
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (line == null) {
                throw new EOFException("relay closed the control connection");
            }
            lastHeard = System.nanoTime();
            if (line.startsWith(RelayProtocol.CONNECT + " ")) {
                onConnect(line);
            } else if (line.startsWith(RelayProtocol.ERR + " ")) {
                throw new ProtocolException("relay: " + line);
            } else if (!line.equals(RelayProtocol.PONG)) {
                throw new ProtocolException("unexpected line from relay: " + line);
            }
        }
    }

    private void onConnect(String line) throws ProtocolException {
        String[] words = line.split(" ", -1);
        if (words.length != 3 || !RelayProtocol.ID.matcher(words[1]).matches()) {
            throw new ProtocolException("bad CONNECT from relay: " + line);
        }
        String id = words[1];
        String remote = words[2];
        try {
            lifecycle.start("data-" + dataCounter.incrementAndGet(), () -> relayConnection(id, remote));
        } catch (RejectedExecutionException e) {
            LOG.debug("relayed listener {}: closed, ignoring connection {}", name, id);
        }
    }

    // ---- data connections

    /** Dials the relay for one announced connection and splices it with a new local connection. */
    private void relayConnection(String id, String remote) {
        Socket data;
        try {
            data = newSocket();
        } catch (IOException e) {
            LOG.info("relayed listener {}: data connection for {} from {} failed: {}", name, id, remote, e.toString());
            return;
        }
        if (!lifecycle.adopt(data)) {
            return;
        }
        InputStream dataIn;
        try {
            data.setTcpNoDelay(true);
            data.connect(relay, HANDSHAKE_MILLIS);
            data.setSoTimeout(HANDSHAKE_MILLIS);
            tlsHandshake(data);
            dataIn = new BufferedInputStream(data.getInputStream());
            RelayProtocol.send(data.getOutputStream(), RelayProtocol.BIND + " " + id);
            String answer = new LineReader(dataIn).readLine();
            if (!RelayProtocol.OK.equals(answer)) {
                LOG.info("relayed listener {}: relay refused BIND for {} from {}: {}", name, id, remote, answer);
                lifecycle.release(data);
                return;
            }
            data.setSoTimeout(0);
        } catch (IOException e) {
            LOG.info("relayed listener {}: data connection for {} from {} failed: {}", name, id, remote, e.toString());
            lifecycle.release(data);
            return;
        }
        InetSocketAddress target;
        try {
            target = localTarget.get();
        } catch (RuntimeException e) {
            LOG.warn("relayed listener {}: local target supplier failed, dropping connection from {}", name, remote, e);
            lifecycle.release(data);
            return;
        }
        Socket local = new Socket();
        if (target == null || !lifecycle.adopt(local)) {
            if (target == null) {
                LOG.warn("relayed listener {}: no local target, dropping connection from {}", name, remote);
            }
            lifecycle.release(data);
            return;
        }
        InputStream localIn;
        try {
            local.setTcpNoDelay(true);
            local.connect(target, HANDSHAKE_MILLIS);
            localIn = local.getInputStream();
        } catch (IOException e) {
            LOG.warn("relayed listener {}: local target {} refused connection from {}: {}", name,
                    RelayProtocol.format(target), remote, e.toString());
            lifecycle.release(local);
            lifecycle.release(data);
            return;
        }
        connectionsRelayed.incrementAndGet();
        connectionsActive.incrementAndGet();
        LOG.debug("relayed listener {}: connection {} from {} spliced to {}", name, id, remote,
                RelayProtocol.format(target));
        Splice.start(lifecycle, "splice-" + id, data, dataIn, local, localIn, bytesToLocal, bytesFromLocal,
                connectionsActive::decrementAndGet);
    }
}
