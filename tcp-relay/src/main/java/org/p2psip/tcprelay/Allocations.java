package org.p2psip.tcprelay;

import static org.p2psip.tcprelay.RelaySockets.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control connections and their allocations: {@code LISTEN <name> [<port-hint>]} binds a public port
 * (the hinted one if free; a LISTEN with the name of an open allocation replaces it), answers
 * {@code OK <host>:<port>}, starts accepting inbound connections there, then answers {@code PING}
 * with {@code PONG} until the control connection ends, errs or idles out, which closes the allocation.
 * Keeps the open allocations and the {@value #CLOSED_KEPT} most recently closed ones for statistics.
 *
 * <p>Secured (a relay with {@link RelaySecurity}), an allocation belongs to the Node-ID in the
 * certificate of the node whose {@code LISTEN} made it: a {@code LISTEN} from another node for that
 * name is refused ({@code ERR allocation <name> belongs to another node}, logged at WARN) and leaves
 * the allocation untouched; only its owner replaces it. A closed allocation's name and public port
 * stay reserved for its owner for {@link TcpRelay#RESERVATION} (at most {@value #MAX_RESERVED}
 * reservations, the oldest dropped first), so another node can neither take the name nor ask for the
 * port while the owner reconnects.
 */
final class Allocations {

    private static final Logger LOG = LoggerFactory.getLogger(Allocations.class);

    /** Closed allocations kept for {@link #stats()}. */
    private static final int CLOSED_KEPT = 64;
    /** Reservations of closed allocations kept at most (secured relay). */
    static final int MAX_RESERVED = 1024;

    /** A closed allocation's name and port, reserved for its owner until {@code untilNanos}. */
    private record Reservation(String owner, int port, long untilNanos) {
    }

    private final Lifecycle lifecycle;
    private final InetAddress bindAddress;
    private final String advertisedHost;
    private final TcpRelay.Limits limits;
    private final InboundConnections inbound;
    private final Object lock = new Object();
    private final Map<String, RelayAllocation> open = new HashMap<>();
    private final Deque<RelayAllocation> history = new ArrayDeque<>();
    /** Secured: names of closed allocations reserved for their owners, oldest first. */
    private final Map<String, Reservation> reserved = new LinkedHashMap<>();
    private final boolean secured;

    /**
     * @param bindAddress where public ports are bound; {@code advertisedHost} is what {@code OK} tells
     * @param secured     allocations belong to the Node-ID of the node that asked (mutual TLS on the relay port)
     */
    Allocations(Lifecycle lifecycle, InetAddress bindAddress, String advertisedHost, TcpRelay.Limits limits,
            InboundConnections inbound, boolean secured) {
        this.secured = secured;
        this.lifecycle = lifecycle;
        this.bindAddress = bindAddress;
        this.advertisedHost = advertisedHost;
        this.limits = limits;
        this.inbound = inbound;
    }

    /**
     * Serves a control connection whose first line was {@code LISTEN ...} until it ends.
     *
     * @param nodeId the Node-ID in the client's certificate (secured relay); null when unsecured
     */
    void serve(Socket socket, LineReader reader, String[] words, String nodeId) throws IOException {
        if (secured && nodeId == null) {
            RelaySockets.reject(lifecycle, socket, "no Node-ID"); // not reached: the TLS handshake insists on one
            return;
        }
        if (words.length < 2 || words.length > 3 || !RelayProtocol.NAME.matcher(words[1]).matches()) {
            RelaySockets.reject(lifecycle, socket, "bad name");
            return;
        }
        int hint = 0;
        if (words.length == 3) {
            try {
                hint = RelayProtocol.parsePort(words[2]);
            } catch (ProtocolException e) {
                RelaySockets.reject(lifecycle, socket, "bad port");
                return;
            }
        }
        RelayAllocation allocation;
        try {
            allocation = allocate(words[1], hint, socket, nodeId);
        } catch (NotOwnerException e) {
            LOG.warn("TCP relay: node {} at {} asked for allocation {}, which belongs to node {}: refused",
                    RelaySecurity.shortId(nodeId), remote(socket), words[1], RelaySecurity.shortId(e.getMessage()));
            RelaySockets.reject(lifecycle, socket, "allocation " + words[1] + " belongs to another node");
            return;
        } catch (LimitReachedException e) {
            RelaySockets.reject(lifecycle, socket, e.getMessage());
            return;
        } catch (IOException e) {
            LOG.info("TCP relay: cannot bind a public port for {}: {}", words[1], e.toString());
            RelaySockets.reject(lifecycle, socket, "cannot bind a public port");
            return;
        }
        try {
            allocation.send(RelayProtocol.OK + " " + RelayProtocol.format(allocation.publicAddress));
            allocation.acceptor(lifecycle.start("alloc-" + allocation.name, () -> inbound.acceptLoop(allocation)));
            LOG.info("TCP relay: allocation {} for {}", allocation, remote(socket));
            keepAlive(socket, reader, allocation);
        } catch (IOException | RejectedExecutionException e) {
            LOG.debug("allocation {}: control connection: {}", allocation, e.toString());
        } finally {
            close(allocation);
        }
    }

    private static final class LimitReachedException extends Exception {
        private static final long serialVersionUID = 1L;

        LimitReachedException(String message) {
            super(message);
        }
    }

    /** The name is another node's (secured relay); the message is the owner's Node-ID. */
    private static final class NotOwnerException extends Exception {
        private static final long serialVersionUID = 1L;

        NotOwnerException(String owner) {
            super(owner);
        }
    }

    private RelayAllocation allocate(String name, int hint, Socket control, String nodeId)
            throws IOException, LimitReachedException, NotOwnerException {
        synchronized (lock) {
            if (lifecycle.isClosed()) {
                throw new IOException("relay closed");
            }
            RelayAllocation previous = open.get(name);
            if (secured) {
                expireReservations();
                String owner = previous != null ? previous.owner : reserved.containsKey(name) ? reserved.get(name).owner() : null;
                if (owner != null && !owner.equals(nodeId)) {
                    throw new NotOwnerException(owner);
                }
                if (hint > 0 && reservedForAnother(hint, nodeId)) {
                    LOG.info("TCP relay: port {} asked for by node {} is reserved for another node, allocating an ephemeral port",
                            hint, RelaySecurity.shortId(nodeId));
                    hint = 0;
                }
            }
            if (previous != null) {
                LOG.info("TCP relay: allocation {} replaced by a new LISTEN from {}", previous, remote(control));
                close(previous);
            }
            if (open.size() >= limits.maxAllocations()) {
                throw new LimitReachedException("allocation limit reached");
            }
            ServerSocket listener = bindPublic(hint);
            if (!lifecycle.adopt(listener)) {
                throw new IOException("relay closed");
            }
            RelayAllocation allocation = new RelayAllocation(lifecycle, name, nodeId,
                    RelayProtocol.address(advertisedHost, listener.getLocalPort()), listener, control);
            open.put(name, allocation);
            reserved.remove(name);
            history.addLast(allocation);
            pruneHistory();
            return allocation;
        }
    }

    /** Whether {@code port} is the port of a closed allocation reserved for a node other than {@code nodeId}. */
    private boolean reservedForAnother(int port, String nodeId) {
        for (Reservation r : reserved.values()) {
            if (r.port() == port && !r.owner().equals(nodeId)) {
                return true;
            }
        }
        return false;
    }

    /** Drops reservations whose time is up, and the oldest beyond {@value #MAX_RESERVED}. */
    private void expireReservations() {
        long now = System.nanoTime();
        Iterator<Reservation> it = reserved.values().iterator();
        while (it.hasNext()) {
            Reservation r = it.next();
            if (reserved.size() > MAX_RESERVED || now - r.untilNanos() >= 0) {
                it.remove();
            }
        }
    }

    /** A listener on the relay's bind address: the hinted port if it is free, else an ephemeral one. */
    private ServerSocket bindPublic(int hint) throws IOException {
        if (hint > 0) {
            try {
                return listen(hint);
            } catch (IOException e) {
                LOG.debug("TCP relay: port {} not free ({}), allocating an ephemeral port", hint, e.toString());
            }
        }
        return listen(0);
    }

    private ServerSocket listen(int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(bindAddress, port), 50);
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
    private void keepAlive(Socket socket, LineReader reader, RelayAllocation allocation) throws IOException {
        socket.setSoTimeout(RelaySockets.millis(limits.idleTimeout()));
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (SocketTimeoutException e) {
                LOG.info("allocation {}: no line from the client within {}, closing", allocation, limits.idleTimeout());
                return;
            } catch (ProtocolException e) {
                RelaySockets.reject(lifecycle, socket, e.getMessage());
                return;
            }
            if (line == null) {
                LOG.debug("allocation {}: control connection closed by the client", allocation);
                return;
            }
            if (line.equals(RelayProtocol.PING)) {
                allocation.send(RelayProtocol.PONG);
            } else {
                RelaySockets.reject(lifecycle, socket, "unknown command");
                return;
            }
        }
    }

    /** Ends an allocation: public port and control connection closed, its unbound connections too. */
    private void close(RelayAllocation allocation) {
        synchronized (lock) {
            if (open.remove(allocation.name, allocation) && allocation.owner != null && !lifecycle.isClosed()) {
                reserved.remove(allocation.name);
                reserved.put(allocation.name, new Reservation(allocation.owner, allocation.publicAddress.getPort(),
                        System.nanoTime() + TcpRelay.RESERVATION.toNanos()));
                expireReservations();
            }
        }
        if (allocation.close()) {
            LOG.info("TCP relay: allocation {} closed", allocation);
        }
        inbound.closeUnbound(allocation);
    }

    /** Counters of the open allocations and of the most recently closed ones, oldest first. */
    List<AllocationStats> stats() {
        synchronized (lock) {
            return history.stream().map(RelayAllocation::stats).toList();
        }
    }

    /** Closes every open allocation (the relay is closing). */
    void closeAll() {
        synchronized (lock) {
            open.values().forEach(RelayAllocation::close);
            open.clear();
        }
    }
}
