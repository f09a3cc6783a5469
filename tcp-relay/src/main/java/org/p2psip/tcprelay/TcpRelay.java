package org.p2psip.tcprelay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public side of TCP relaying: gives peers that can only connect outbound (behind a
 * symmetric NAT) a public TCP port, in the spirit of TURN-TCP (RFC 6062) with a small line
 * protocol (see {@code docs/tcp-relay.md}).
 *
 * <p>One listening port takes both kinds of connection; the first line tells them apart:
 * <ul>
 *   <li>control: {@code LISTEN <name> [<port-hint>]} allocates a public port and answers
 *       {@code OK <host>:<port>}; every inbound connection to that port is announced as
 *       {@code CONNECT <id> <remote-host>:<remote-port>}; the client keeps the connection alive
 *       with {@code PING} (answer {@code PONG}). When the control connection ends, the public
 *       port is closed.</li>
 *   <li>data: {@code BIND <id>} answers {@code OK} and splices this connection with the
 *       announced inbound connection.</li>
 * </ul>
 *
 * <p>All threads are named daemon threads {@code tcp-relay-<port>-...} owned by the relay;
 * {@link #close()} closes every socket and joins them. There is no authentication.
 */
public final class TcpRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    /** Connections still in their first line at the same time; more are refused with {@code ERR busy}. */
    static final int MAX_HANDSHAKES = 128;
    /** Closed allocations kept for {@link #stats()}. */
    private static final int CLOSED_KEPT = 64;
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 64 * 1024;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Resource limits of a relay.
     *
     * @param maxAllocations allocations (public ports) open at the same time
     * @param maxConnections inbound connections, pending or spliced, at the same time
     * @param bindTimeout    how long an announced inbound connection waits for its {@code BIND}
     *                       (also the time a new connection has for its first line)
     * @param idleTimeout    a control connection without any line from the client for this long is closed
     */
    public record Limits(int maxAllocations, int maxConnections, Duration bindTimeout, Duration idleTimeout) {

        /** 64 allocations, 512 connections, 10 s bind timeout, 90 s idle timeout. */
        public static final Limits DEFAULT = new Limits(64, 512, Duration.ofSeconds(10), Duration.ofSeconds(90));

        public Limits {
            if (maxAllocations < 1 || maxConnections < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            Objects.requireNonNull(bindTimeout, "bindTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (bindTimeout.toMillis() < 1 || idleTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("timeouts must be at least 1 ms");
            }
        }

        public Limits withMaxAllocations(int value) {
            return new Limits(value, maxConnections, bindTimeout, idleTimeout);
        }

        public Limits withMaxConnections(int value) {
            return new Limits(maxAllocations, value, bindTimeout, idleTimeout);
        }

        public Limits withBindTimeout(Duration value) {
            return new Limits(maxAllocations, maxConnections, value, idleTimeout);
        }

        public Limits withIdleTimeout(Duration value) {
            return new Limits(maxAllocations, maxConnections, bindTimeout, value);
        }
    }

    /** An announced inbound connection waiting for its data connection. */
    private static final class Pending {
        final String id;
        final RelayAllocation allocation;
        final Socket inbound;
        volatile ScheduledFuture<?> expiry;

        Pending(String id, RelayAllocation allocation, Socket inbound) {
            this.id = id;
            this.allocation = allocation;
            this.inbound = inbound;
        }
    }

    private final ServerSocket server;
    private final InetAddress bindAddress;
    private final String advertisedHost;
    private final InetSocketAddress address;
    private final Limits limits;
    private final Lifecycle lifecycle;
    private final ScheduledThreadPoolExecutor timer;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong connectionCounter = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Object allocationLock = new Object();
    private final Map<String, RelayAllocation> allocations = new HashMap<>();
    private final Deque<RelayAllocation> history = new ArrayDeque<>();

    private TcpRelay(ServerSocket server, String advertisedHost, Limits limits) {
        this.server = server;
        this.bindAddress = server.getInetAddress();
        this.advertisedHost = advertisedHost != null ? advertisedHost : bindAddress.getHostAddress();
        this.address = RelayProtocol.address(this.advertisedHost, server.getLocalPort());
        this.limits = limits;
        String prefix = "tcp-relay-" + server.getLocalPort() + "-";
        this.lifecycle = new Lifecycle(prefix);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, prefix + "timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts a relay.
     *
     * @param bind           where to listen for control and data connections (port 0: ephemeral);
     *                       allocated public ports bind on the same address
     * @param advertisedHost the host put into public addresses ({@code OK <host>:<port>}, {@link #address()});
     *                       {@code null}: the bind address
     * @param limits         resource limits; {@code null}: {@link Limits#DEFAULT}
     */
    public static TcpRelay start(InetSocketAddress bind, String advertisedHost, Limits limits) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        TcpRelay relay = new TcpRelay(server, advertisedHost, limits != null ? limits : Limits.DEFAULT);
        relay.lifecycle.adopt(server);
        relay.lifecycle.start("accept", relay::acceptLoop);
        LOG.info("TCP relay listening on {} (advertised {}), {}", server.getLocalSocketAddress(),
                RelayProtocol.format(relay.address), relay.limits);
        return relay;
    }

    /** The relay's control/data address: the advertised host and the actual port. */
    public InetSocketAddress address() {
        return address;
    }

    /** Counters of the open allocations and of the most recently closed ones, oldest first. */
    public List<AllocationStats> stats() {
        synchronized (allocationLock) {
            return history.stream().map(RelayAllocation::stats).toList();
        }
    }

    /** Closes the listeners, all control connections and all spliced connections, and joins all threads. */
    @Override
    public void close() {
        if (lifecycle.isClosed()) {
            return;
        }
        timer.shutdownNow();
        lifecycle.close(JOIN_TIMEOUT);
        try {
            timer.awaitTermination(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (allocationLock) {
            allocations.values().forEach(RelayAllocation::close);
            allocations.clear();
        }
        pending.clear();
        LOG.info("TCP relay {} closed", RelayProtocol.format(address));
    }

    // ---- connections on the relay port

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!lifecycle.isClosed()) {
                    LOG.warn("TCP relay {}: accept failed, no longer accepting: {}", address, e.toString());
                }
                return;
            }
            if (!lifecycle.adopt(socket)) {
                return;
            }
            if (!handshakes.tryAcquire()) {
                LOG.info("TCP relay: too many connections in their first line, refusing {}", remote(socket));
                try {
                    RelayProtocol.send(socket.getOutputStream(), RelayProtocol.ERR + " busy");
                } catch (IOException e) {
                    LOG.debug("refusing {}: {}", remote(socket), e.toString());
                }
                lifecycle.release(socket);
                continue;
            }
            try {
                lifecycle.start("conn-" + connectionCounter.incrementAndGet(), () -> handshake(socket));
            } catch (RejectedExecutionException e) {
                handshakes.release();
                lifecycle.release(socket);
                return;
            }
        }
    }

    /** Reads the first line of a new connection and serves it as a control or data connection. */
    private void handshake(Socket socket) {
        boolean permit = true;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(millis(limits.bindTimeout()));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            LineReader reader = new LineReader(in);
            String line = reader.readLine();
            if (line == null) {
                lifecycle.release(socket);
                return;
            }
            String[] words = line.split(" ", -1);
            if (words[0].equals(RelayProtocol.LISTEN)) {
                handshakes.release();
                permit = false;
                control(socket, reader, words);
            } else if (words[0].equals(RelayProtocol.BIND)) {
                bind(socket, in, words);
            } else {
                reject(socket, "unknown command");
            }
        } catch (ProtocolException e) {
            reject(socket, e.getMessage());
        } catch (SocketTimeoutException e) {
            LOG.debug("{}: no first line within {}, closing", remote(socket), limits.bindTimeout());
            lifecycle.release(socket);
        } catch (IOException e) {
            LOG.debug("{}: {}", remote(socket), e.toString());
            lifecycle.release(socket);
        } finally {
            if (permit) {
                handshakes.release();
            }
        }
    }

    /** Answers {@code ERR <reason>}, lets the peer read it, and closes the connection. */
    private void reject(Socket socket, String reason) {
        String shortReason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        LOG.info("TCP relay: {} from {}, closing", shortReason, remote(socket));
        try {
            RelayProtocol.send(socket.getOutputStream(), RelayProtocol.ERR + " " + shortReason);
            socket.shutdownOutput();
            socket.setSoTimeout(DRAIN_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int total = 0;
            int n;
            while (total < DRAIN_BYTES && (n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            LOG.debug("rejecting {}: {}", remote(socket), e.toString());
        } finally {
            lifecycle.release(socket);
        }
    }

    // ---- control connections and allocations

    private void control(Socket socket, LineReader reader, String[] words) throws IOException {
        if (words.length < 2 || words.length > 3 || !RelayProtocol.NAME.matcher(words[1]).matches()) {
            reject(socket, "bad name");
            return;
        }
        int hint = 0;
        if (words.length == 3) {
            try {
                hint = RelayProtocol.parsePort(words[2]);
            } catch (ProtocolException e) {
                reject(socket, "bad port");
                return;
            }
        }
        RelayAllocation allocation;
        try {
            allocation = allocate(words[1], hint, socket);
        } catch (LimitReachedException e) {
            reject(socket, e.getMessage());
            return;
        } catch (IOException e) {
            LOG.info("TCP relay: cannot bind a public port for {}: {}", words[1], e.toString());
            reject(socket, "cannot bind a public port");
            return;
        }
        try {
            allocation.send(RelayProtocol.OK + " " + RelayProtocol.format(allocation.publicAddress));
            allocation.acceptor(lifecycle.start("alloc-" + allocation.name, () -> acceptInbound(allocation)));
            LOG.info("TCP relay: allocation {} for {}", allocation, remote(socket));
            serveControl(socket, reader, allocation);
        } catch (IOException | RejectedExecutionException e) {
            LOG.debug("allocation {}: control connection: {}", allocation, e.toString());
        } finally {
            closeAllocation(allocation);
        }
    }

    private static final class LimitReachedException extends Exception {
        private static final long serialVersionUID = 1L;

        LimitReachedException(String message) {
            super(message);
        }
    }

    private RelayAllocation allocate(String name, int hint, Socket control) throws IOException, LimitReachedException {
        synchronized (allocationLock) {
            if (lifecycle.isClosed()) {
                throw new IOException("relay closed");
            }
            RelayAllocation previous = allocations.get(name);
            if (previous != null) {
                LOG.info("TCP relay: allocation {} replaced by a new LISTEN from {}", previous, remote(control));
                closeAllocation(previous);
            }
            if (allocations.size() >= limits.maxAllocations()) {
                throw new LimitReachedException("allocation limit reached");
            }
            ServerSocket listener = bindPublic(hint);
            if (!lifecycle.adopt(listener)) {
                throw new IOException("relay closed");
            }
            RelayAllocation allocation = new RelayAllocation(lifecycle, name,
                    RelayProtocol.address(advertisedHost, listener.getLocalPort()), listener, control);
            allocations.put(name, allocation);
            history.addLast(allocation);
            pruneHistory();
            return allocation;
        }
    }

    /** A listener on the relay's bind address: the hinted port if it is free, else an ephemeral one. */
    private ServerSocket bindPublic(int hint) throws IOException {
        if (hint > 0) {
            ServerSocket listener = new ServerSocket();
            try {
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(bindAddress, hint), 50);
                return listener;
            } catch (IOException e) {
                listener.close();
                LOG.debug("TCP relay: port {} not free ({}), allocating an ephemeral port", hint, e.toString());
            }
        }
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(bindAddress, 0), 50);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    private void pruneHistory() {
        Iterator<RelayAllocation> it = history.iterator();
        while (history.size() > limits.maxAllocations() + CLOSED_KEPT && it.hasNext()) {
            if (!it.next().isOpen()) {
                it.remove();
            }
        }
    }

    /** Answers PINGs until the control connection ends, errs or idles out. */
    private void serveControl(Socket socket, LineReader reader, RelayAllocation allocation) throws IOException {
        socket.setSoTimeout(millis(limits.idleTimeout()));
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (SocketTimeoutException e) {
                LOG.info("allocation {}: no line from the client within {}, closing", allocation, limits.idleTimeout());
                return;
            } catch (ProtocolException e) {
                reject(socket, e.getMessage());
                return;
            }
            if (line == null) {
                LOG.debug("allocation {}: control connection closed by the client", allocation);
                return;
            }
            if (line.equals(RelayProtocol.PING)) {
                allocation.send(RelayProtocol.PONG);
            } else {
                reject(socket, "unknown command");
                return;
            }
        }
    }

    private void closeAllocation(RelayAllocation allocation) {
        synchronized (allocationLock) {
            allocations.remove(allocation.name, allocation);
        }
        if (allocation.close()) {
            LOG.info("TCP relay: allocation {} closed", allocation);
        }
        for (Pending p : pending.values()) {
            if (p.allocation == allocation && pending.remove(p.id, p)) {
                closeUnbound(p);
            }
        }
    }

    // ---- inbound connections on public ports

    private void acceptInbound(RelayAllocation allocation) {
        while (true) {
            Socket inbound;
            try {
                inbound = allocation.listener.accept();
            } catch (IOException e) {
                return;
            }
            if (!lifecycle.adopt(inbound)) {
                return;
            }
            allocation.connectionsAccepted.incrementAndGet();
            if (!reserveConnection()) {
                LOG.info("allocation {}: connection limit {} reached, refusing {}", allocation,
                        limits.maxConnections(), remote(inbound));
                lifecycle.release(inbound);
                continue;
            }
            announce(allocation, inbound);
        }
    }

    /** Registers an inbound connection as pending and sends {@code CONNECT} for it. */
    private void announce(RelayAllocation allocation, Socket inbound) {
        Pending p = new Pending(newId(), allocation, inbound);
        pending.put(p.id, p);
        try {
            inbound.setTcpNoDelay(true);
            p.expiry = timer.schedule(() -> expire(p), millis(limits.bindTimeout()), TimeUnit.MILLISECONDS);
            allocation.send(RelayProtocol.CONNECT + " " + p.id + " " + remote(inbound));
            LOG.debug("allocation {}: connection {} from {} announced", allocation, p.id, remote(inbound));
        } catch (IOException | RejectedExecutionException e) {
            LOG.debug("allocation {}: cannot announce {}: {}", allocation, remote(inbound), e.toString());
            if (pending.remove(p.id, p)) {
                closeUnbound(p);
            }
            allocation.close();
        }
    }

    private void expire(Pending p) {
        if (pending.remove(p.id, p)) {
            LOG.info("allocation {}: connection {} from {} not bound within {}, closing", p.allocation, p.id,
                    remote(p.inbound), limits.bindTimeout());
            closeUnbound(p);
        }
    }

    private void closeUnbound(Pending p) {
        ScheduledFuture<?> expiry = p.expiry;
        if (expiry != null) {
            expiry.cancel(false);
        }
        lifecycle.release(p.inbound);
        connections.decrementAndGet();
    }

    /** {@code BIND <id>}: splices this data connection with the pending inbound connection. */
    private void bind(Socket data, InputStream dataIn, String[] words) throws IOException {
        Pending p = words.length == 2 ? pending.remove(words[1]) : null;
        if (p == null) {
            reject(data, "unknown connection");
            return;
        }
        ScheduledFuture<?> expiry = p.expiry;
        if (expiry != null) {
            expiry.cancel(false);
        }
        RelayAllocation allocation = p.allocation;
        InputStream inboundIn;
        try {
            data.setSoTimeout(0);
            inboundIn = p.inbound.getInputStream();
            RelayProtocol.send(data.getOutputStream(), RelayProtocol.OK);
        } catch (IOException e) {
            closeUnbound(p);
            throw e;
        }
        allocation.connectionsActive.incrementAndGet();
        LOG.debug("allocation {}: connection {} from {} spliced with {}", allocation, p.id, remote(p.inbound),
                remote(data));
        Splice.start(lifecycle, "splice-" + p.id, p.inbound, inboundIn, data, dataIn,
                allocation.bytesClientToPeer, allocation.bytesPeerToClient, () -> {
                    allocation.connectionsActive.decrementAndGet();
                    connections.decrementAndGet();
                    LOG.debug("allocation {}: connection {} closed", allocation, p.id);
                });
    }

    private boolean reserveConnection() {
        while (true) {
            int n = connections.get();
            if (n >= limits.maxConnections()) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private String newId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String remote(Socket socket) {
        InetAddress address = socket.getInetAddress();
        return address == null ? "?" : RelayProtocol.format(address.getHostAddress(), socket.getPort());
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }
}
