package org.p2psip.tcprelay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 *   <li>dial: {@code DIAL <host>:<port>} makes the relay connect to that target, if the dial
 *       predicate given at start allows it (default: none), answer {@code OK <host>:<port>} and
 *       splice this connection with it: an outbound connection through the relay, used to route a
 *       call's signalling around a congested direct path ({@link DetourTunnel}).</li>
 * </ul>
 *
 * <p>The relay's jobs: {@link RelayPort} accepts connections and reads their first line,
 * {@link Allocations} serves control connections and their public ports, {@link InboundConnections}
 * matches the connections arriving there with the NATed peer's data connections and splices them,
 * {@link OutboundConnections} serves {@code DIAL}.
 *
 * <p>All threads are named daemon threads {@code tcp-relay-<port>-...} owned by the relay;
 * {@link #close()} closes every socket and joins them. Unsecured (the default) there is no
 * authentication; secured ({@link RelaySecurity}) every connection to the relay port runs mutual TLS
 * and an allocation belongs to the node whose certificate asked for it.
 */
public final class TcpRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Resource limits of a relay.
     *
     * @param maxAllocations allocations (public ports) open at the same time
     * @param maxConnections inbound connections, pending or spliced, at the same time
     * @param bindTimeout    how long an announced inbound connection waits for its {@code BIND}
     *                       (also the time a new connection has for its first line)
     * @param idleTimeout    a control connection without any line from the client for this long is closed
     * @param maxDials       dialled ({@code DIAL}) connections, connecting or spliced, at the same time
     * @param dialTimeout    how long the relay tries to connect to a {@code DIAL} target
     */
    public record Limits(int maxAllocations, int maxConnections, Duration bindTimeout, Duration idleTimeout,
            int maxDials, Duration dialTimeout) {

        /** Default number of dialled connections at the same time. */
        public static final int DEFAULT_MAX_DIALS = 128;
        /** Default time the relay tries to connect to a {@code DIAL} target. */
        public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(3);

        /** 64 allocations, 512 connections, 10 s bind timeout, 90 s idle timeout, 128 dials, 3 s dial timeout. */
        public static final Limits DEFAULT = new Limits(64, 512, Duration.ofSeconds(10), Duration.ofSeconds(90));

        public Limits {
            if (maxAllocations < 1 || maxConnections < 1 || maxDials < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            Objects.requireNonNull(bindTimeout, "bindTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(dialTimeout, "dialTimeout");
            if (bindTimeout.toMillis() < 1 || idleTimeout.toMillis() < 1 || dialTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("timeouts must be at least 1 ms");
            }
        }

        /** Limits with the default dial limits ({@value #DEFAULT_MAX_DIALS} dials, 3 s dial timeout). */
        public Limits(int maxAllocations, int maxConnections, Duration bindTimeout, Duration idleTimeout) {
            this(maxAllocations, maxConnections, bindTimeout, idleTimeout, DEFAULT_MAX_DIALS, DEFAULT_DIAL_TIMEOUT);
        }

        public Limits withMaxAllocations(int value) {
            return new Limits(value, maxConnections, bindTimeout, idleTimeout, maxDials, dialTimeout);
        }

        public Limits withMaxConnections(int value) {
            return new Limits(maxAllocations, value, bindTimeout, idleTimeout, maxDials, dialTimeout);
        }

        public Limits withBindTimeout(Duration value) {
            return new Limits(maxAllocations, maxConnections, value, idleTimeout, maxDials, dialTimeout);
        }

        public Limits withIdleTimeout(Duration value) {
            return new Limits(maxAllocations, maxConnections, bindTimeout, value, maxDials, dialTimeout);
        }

        public Limits withMaxDials(int value) {
            return new Limits(maxAllocations, maxConnections, bindTimeout, idleTimeout, value, dialTimeout);
        }

        public Limits withDialTimeout(Duration value) {
            return new Limits(maxAllocations, maxConnections, bindTimeout, idleTimeout, maxDials, value);
        }
    }

    private final InetSocketAddress address;
    private final Limits limits;
    private final Lifecycle lifecycle;
    private final ScheduledThreadPoolExecutor timer;
    private final Allocations allocations;
    private final InboundConnections inbound;
    private final OutboundConnections outbound;
    private final RelayPort relayPort;

    private final RelaySecurity security;

    private TcpRelay(ServerSocket server, String advertisedHost, Limits limits, Predicate<InetSocketAddress> dialable,
            RelaySecurity security) {
        InetAddress bindAddress = server.getInetAddress();
        String advertised = advertisedHost != null ? advertisedHost : bindAddress.getHostAddress();
        this.address = RelayProtocol.address(advertised, server.getLocalPort());
        this.limits = limits;
        this.security = security;
        String prefix = "tcp-relay-" + server.getLocalPort() + "-";
        this.lifecycle = new Lifecycle(prefix);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, prefix + "timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.inbound = new InboundConnections(lifecycle, timer, limits);
        this.allocations = new Allocations(lifecycle, bindAddress, advertised, limits, inbound, security != null);
        this.outbound = new OutboundConnections(lifecycle, limits, dialable, advertised, server.getLocalPort());
        this.relayPort = new RelayPort(server, address, lifecycle, limits.bindTimeout(), allocations, inbound, outbound, timer,
                security);
    }

    /**
     * Secured: how long the name and public port of a closed allocation stay reserved for the node
     * that owned it, so that its {@link RelayedListener} gets them back when it reconnects and no
     * other node can take them meanwhile.
     */
    public static final Duration RESERVATION = Duration.ofMinutes(10);

    /** Dial predicate that allows no target: {@code DIAL} is always answered {@code ERR target not allowed}. */
    public static final Predicate<InetSocketAddress> DIAL_NOTHING = target -> false;

    /**
     * Starts a relay that dials no target ({@link #DIAL_NOTHING}).
     *
     * @see #start(InetSocketAddress, String, Limits, Predicate)
     */
    public static TcpRelay start(InetSocketAddress bind, String advertisedHost, Limits limits) throws IOException {
        return start(bind, advertisedHost, limits, DIAL_NOTHING);
    }

    /**
     * Starts a relay.
     *
     * @param bind           where to listen for control and data connections (port 0: ephemeral);
     *                       allocated public ports bind on the same address
     * @param advertisedHost the host put into public addresses ({@code OK <host>:<port>}, {@link #address()});
     *                       {@code null}: the bind address
     * @param limits         resource limits; {@code null}: {@link Limits#DEFAULT}
     * @param dialable       the targets {@code DIAL} may connect to, asked before any connection is made
     *                       with the target as the client wrote it (an IP literal resolved, a name
     *                       unresolved; a name is resolved only after it was allowed);
     *                       {@code null}: {@link #DIAL_NOTHING}. The relay's own port is never dialled.
     */
    public static TcpRelay start(InetSocketAddress bind, String advertisedHost, Limits limits,
            Predicate<InetSocketAddress> dialable) throws IOException {
        return start(bind, advertisedHost, limits, dialable, null);
    }

    /**
     * Starts a relay; with {@code security}, in a secured overlay: every control, data and dial
     * connection runs mutual TLS (a client without a certificate of the overlay CA, or one naming no
     * node, is closed after the failed handshake), an allocation belongs to the Node-ID in the
     * certificate of the node that asked for it ({@code LISTEN} of another node's allocation name is
     * refused, and so is its {@code BIND}), and a closed allocation's name and port stay reserved
     * for its owner for {@link #RESERVATION}.
     *
     * @param security mutual TLS with the overlay's CA; {@code null}: plain TCP, no owners (an unsecured overlay)
     * @see #start(InetSocketAddress, String, Limits, Predicate)
     */
    public static TcpRelay start(InetSocketAddress bind, String advertisedHost, Limits limits,
            Predicate<InetSocketAddress> dialable, RelaySecurity security) throws IOException {
        ServerSocket server = security != null ? security.newServerSocket() : new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        TcpRelay relay = new TcpRelay(server, advertisedHost, limits != null ? limits : Limits.DEFAULT,
                dialable != null ? dialable : DIAL_NOTHING, security);
        relay.lifecycle.adopt(server);
        relay.lifecycle.start("accept", relay.relayPort::acceptLoop);
        LOG.info("TCP relay listening on {} (advertised {}), {}, {}", server.getLocalSocketAddress(),
                RelayProtocol.format(relay.address), relay.limits, security != null
                        ? "mutual TLS (overlay CA), allocations bound to the Node-ID in the certificate"
                        : "plain TCP, no authentication (unsecured overlay)");
        return relay;
    }

    /** The relay's control/data address: the advertised host and the actual port. */
    public InetSocketAddress address() {
        return address;
    }

    /** Counters of the open allocations and of the most recently closed ones, oldest first. */
    public List<AllocationStats> stats() {
        return allocations.stats();
    }

    /** Whether the relay's connections run mutual TLS and allocations belong to certified nodes. */
    public boolean secured() {
        return security != null;
    }

    /** Counters of the outbound connections made for {@code DIAL}. */
    public DialStats dialStats() {
        return outbound.stats();
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
        allocations.closeAll();
        inbound.clear();
        LOG.info("TCP relay {} closed", RelayProtocol.format(address));
    }
}
