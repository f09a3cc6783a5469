package org.p2psip.tcprelay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A detour to one target through one relay peer's {@link TcpRelay}: the client side of
 * {@code DIAL}. It listens on {@code 127.0.0.1} (ephemeral port); every local connection gets a new
 * connection to the relay, which sends {@code DIAL <target>}, waits (bounded) for {@code OK} and is
 * then spliced with the local connection, so a local client (the OM's SOAP client, the P2PSIP-Port's
 * SIP over TCP) reaches the target A -> C -> B by connecting to {@link #localAddress()}. If the relay
 * answers {@code ERR} or cannot be reached, the local connection is closed (the reason is logged).
 *
 * <p>At most {@code maxConnections} local connections are connecting or spliced at once; more are
 * accepted and closed at once. All threads are named daemon threads {@code detour-<local-port>-...};
 * {@link #close()} closes the listener and every connection and joins them.
 */
public final class DetourTunnel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetourTunnel.class);

    /** Default number of local connections connecting or spliced at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 32;
    /** Default time to connect to the relay and to wait for its answer to {@code DIAL}. */
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Counters of a tunnel.
     *
     * @param connections     local connections accepted
     * @param spliced         of those, spliced through the relay to the target
     * @param failed          of those, closed because the relay answered {@code ERR} or could not be reached
     * @param refused         of those, closed at once because {@code maxConnections} were open
     * @param active          local connections currently connecting or spliced
     * @param bytesToTarget   bytes copied from local clients towards the target
     * @param bytesFromTarget bytes copied from the target to local clients
     */
    public record Stats(long connections, long spliced, long failed, long refused, int active, long bytesToTarget,
            long bytesFromTarget) {
    }

    private final InetSocketAddress relay;
    /** Mutual TLS with the relay (a secured overlay); null: plain TCP. */
    private final RelaySecurity security;
    private final InetSocketAddress target;
    private final String dialLine;
    private final int maxConnections;
    private final int answerMillis;
    private final ServerSocket listener;
    private final InetSocketAddress localAddress;
    private final Lifecycle lifecycle;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong spliced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder bytesToTarget = new LongAdder();
    private final LongAdder bytesFromTarget = new LongAdder();
    private volatile long lastActivityNanos = System.nanoTime();

    private DetourTunnel(InetSocketAddress relay, InetSocketAddress target, int maxConnections, Duration answerTimeout,
            ServerSocket listener, RelaySecurity security) throws IOException {
        this.relay = relay;
        this.security = security;
        this.target = target;
        this.dialLine = RelayProtocol.DIAL + " " + RelayProtocol.format(target);
        this.maxConnections = maxConnections;
        this.answerMillis = RelaySockets.millis(answerTimeout);
        this.listener = listener;
        // an IP literal (127.0.0.1), not the loopback's name: it goes into URLs and SIP URIs
        this.localAddress = new InetSocketAddress(InetAddress.getByAddress(listener.getInetAddress().getAddress()),
                listener.getLocalPort());
        this.lifecycle = new Lifecycle("detour-" + listener.getLocalPort() + "-");
    }

    /** {@link #open(InetSocketAddress, InetSocketAddress, int, Duration)} with the defaults. */
    public static DetourTunnel open(InetSocketAddress relay, InetSocketAddress target) throws IOException {
        return open(relay, target, DEFAULT_MAX_CONNECTIONS, DEFAULT_ANSWER_TIMEOUT);
    }

    /**
     * Opens a tunnel: listens on {@code 127.0.0.1}, an ephemeral port. Nothing is sent to the relay
     * until a local connection arrives.
     *
     * @param relay          the relay's address ({@code relay:tcp} in the lookup service); a host name
     *                       is resolved per connection
     * @param target         where the relay should connect; sent as written ({@code getHostString()})
     * @param maxConnections local connections connecting or spliced at once
     * @param answerTimeout  time to connect to the relay and, separately, to wait for its answer;
     *                       {@code null}: {@link #DEFAULT_ANSWER_TIMEOUT}
     * @throws IllegalArgumentException if the target cannot be written in a {@code DIAL} line
     * @throws IOException              if the local listener cannot be opened
     */
    public static DetourTunnel open(InetSocketAddress relay, InetSocketAddress target, int maxConnections,
            Duration answerTimeout) throws IOException {
        return open(relay, target, maxConnections, answerTimeout, null);
    }

    /**
     * As {@link #open(InetSocketAddress, InetSocketAddress, int, Duration)}, dialling a secured relay
     * over mutual TLS ({@code security}; {@code null}: plain TCP). The local side stays plain TCP on
     * {@code 127.0.0.1}.
     */
    public static DetourTunnel open(InetSocketAddress relay, InetSocketAddress target, int maxConnections,
            Duration answerTimeout, RelaySecurity security) throws IOException {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(target, "target");
        checkTarget(target);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        Duration answer = answerTimeout != null ? answerTimeout : DEFAULT_ANSWER_TIMEOUT;
        if (answer.toMillis() < 1) {
            throw new IllegalArgumentException("answerTimeout must be at least 1 ms");
        }
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DetourTunnel tunnel;
        try {
            tunnel = new DetourTunnel(relay, target, maxConnections, answer, listener, security);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        tunnel.lifecycle.adopt(listener);
        try {
            tunnel.lifecycle.start("accept", tunnel::acceptLoop);
        } catch (RejectedExecutionException e) {
            tunnel.close();
            throw new IOException("detour tunnel closed while opening");
        }
        LOG.info("detour to {} via relay {} listening on {}", RelayProtocol.format(target), RelayProtocol.format(relay),
                RelayProtocol.format(tunnel.localAddress));
        return tunnel;
    }

    private static void checkTarget(InetSocketAddress target) {
        String host = target.getHostString();
        if (target.getPort() < 1 || host.isEmpty() || !host.matches("[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException("bad detour target: " + target);
        }
        String line = RelayProtocol.DIAL + " " + RelayProtocol.format(target);
        if (line.length() + 1 > LineReader.MAX_LINE) {
            throw new IllegalArgumentException("detour target too long for a DIAL line: " + host);
        }
    }

    /** Where local clients connect to reach the target: {@code 127.0.0.1} and the tunnel's port. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The relay this tunnel dials through. */
    public InetSocketAddress relay() {
        return relay;
    }

    /** The target the relay connects to. */
    public InetSocketAddress target() {
        return target;
    }

    public Stats stats() {
        return new Stats(connections.get(), spliced.get(), failed.get(), refused.get(), active.get(),
                bytesToTarget.sum(), bytesFromTarget.sum());
    }

    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    /** Closes the listener and every local and relay connection, and joins all threads. Idempotent. */
    @Override
    public void close() {
        if (lifecycle.isClosed()) {
            return;
        }
        lifecycle.close(JOIN_TIMEOUT);
        LOG.info("detour to {} via relay {} closed ({})", RelayProtocol.format(target), RelayProtocol.format(relay),
                stats());
    }

    /** Marks the tunnel as just used (it is handed out again), so it is not idle for a while. */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** True if no connection is open and none opened or closed for {@code idleNanos}. */
    boolean isIdle(long nowNanos, long idleNanos) {
        return active.get() == 0 && nowNanos - lastActivityNanos >= idleNanos;
    }

    /** Whether any local connection is connecting or spliced now. */
    boolean inUse() {
        return active.get() > 0;
    }

    private void acceptLoop() {
        while (true) {
            Socket local;
            try {
                local = listener.accept();
            } catch (IOException e) {
                if (!lifecycle.isClosed()) {
                    LOG.warn("detour to {}: accept failed, no longer accepting: {}", RelayProtocol.format(target),
                            e.toString());
                }
                return;
            }
            if (!lifecycle.adopt(local)) {
                return;
            }
            long n = connections.incrementAndGet();
            touch();
            if (!reserve()) {
                refused.incrementAndGet();
                LOG.info("detour to {}: {} connections open, refusing a local connection", RelayProtocol.format(target),
                        maxConnections);
                lifecycle.release(local);
                continue;
            }
            try {
                lifecycle.start("conn-" + n, () -> relayConnection(n, local));
            } catch (RejectedExecutionException e) {
                ended();
                lifecycle.release(local);
                return;
            }
        }
    }

    /** Dials the relay for one local connection and splices them. */
    private void relayConnection(long n, Socket local) {
        Socket remote;
        try {
            remote = security != null ? security.newSocket() : new Socket();
        } catch (IOException e) {
            LOG.info("detour to {}: cannot make a TLS socket ({}); closing the local connection", RelayProtocol.format(target),
                    e.toString());
            lifecycle.release(local);
            ended();
            return;
        }
        if (!lifecycle.adopt(remote)) {
            lifecycle.release(local);
            ended();
            return;
        }
        InputStream remoteIn;
        InputStream localIn;
        try {
            local.setTcpNoDelay(true);
            remote.setTcpNoDelay(true);
            remote.connect(new InetSocketAddress(relay.getHostString(), relay.getPort()), answerMillis);
            remote.setSoTimeout(answerMillis);
            if (security != null) {
                try {
                    security.handshake(remote);
                } catch (IOException e) {
                    throw new IOException("TLS handshake failed: " + RelaySecurity.reason(e), e);
                }
            }
            remoteIn = new BufferedInputStream(remote.getInputStream());
            RelayProtocol.send(remote.getOutputStream(), dialLine);
            String answer = new LineReader(remoteIn).readLine();
            if (answer == null || !(answer.equals(RelayProtocol.OK) || answer.startsWith(RelayProtocol.OK + " "))) {
                failed.incrementAndGet();
                LOG.info("detour to {}: relay {} refused DIAL: {}; closing the local connection",
                        RelayProtocol.format(target), RelayProtocol.format(relay),
                        answer == null ? "connection closed" : answer);
                closeBoth(local, remote);
                return;
            }
            remote.setSoTimeout(0);
            localIn = local.getInputStream();
        } catch (IOException e) {
            failed.incrementAndGet();
            if (!lifecycle.isClosed()) {
                LOG.info("detour to {}: relay {} not usable ({}); closing the local connection",
                        RelayProtocol.format(target), RelayProtocol.format(relay), e.toString());
            }
            closeBoth(local, remote);
            return;
        }
        spliced.incrementAndGet();
        LOG.debug("detour to {}: connection {} spliced via {}", RelayProtocol.format(target), n,
                RelayProtocol.format(relay));
        Splice.start(lifecycle, "splice-" + n, local, localIn, remote, remoteIn, bytesToTarget, bytesFromTarget,
                this::ended);
    }

    private void closeBoth(Socket local, Socket remote) {
        lifecycle.release(remote);
        lifecycle.release(local);
        ended();
    }

    private void ended() {
        active.decrementAndGet();
        touch();
    }

    private boolean reserve() {
        while (true) {
            int n = active.get();
            if (n >= maxConnections) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "detour to " + RelayProtocol.format(target) + " via " + RelayProtocol.format(relay) + " at "
                + RelayProtocol.format(localAddress);
    }
}
