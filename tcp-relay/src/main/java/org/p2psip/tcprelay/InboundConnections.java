package org.p2psip.tcprelay;

import static org.p2psip.tcprelay.RelaySockets.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.common.AcceptBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections from clients to the public ports: each one accepted (up to {@code maxConnections}
 * pending or spliced), announced to the NATed peer as {@code CONNECT <id> <remote>} under a fresh
 * random id, and spliced with the data connection that sends {@code BIND <id>}; one not bound within
 * the bind timeout is closed.
 */
final class InboundConnections {

    private static final Logger LOG = LoggerFactory.getLogger(InboundConnections.class);

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

        void cancelExpiry() {
            ScheduledFuture<?> e = expiry;
            if (e != null) {
                e.cancel(false);
            }
        }
    }

    private final Lifecycle lifecycle;
    private final ScheduledExecutorService timer;
    private final int maxConnections;
    private final Duration bindTimeout;
    private final SecureRandom random = new SecureRandom();
    /** Pending plus spliced inbound connections. */
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    InboundConnections(Lifecycle lifecycle, ScheduledExecutorService timer, TcpRelay.Limits limits) {
        this.lifecycle = lifecycle;
        this.timer = timer;
        this.maxConnections = limits.maxConnections();
        this.bindTimeout = limits.bindTimeout();
    }

    /** Accepts on the allocation's public port until it closes; runs on the allocation's thread. */
    void acceptLoop(RelayAllocation allocation) {
        AcceptBackoff backoff = new AcceptBackoff();
        while (true) {
            Socket inbound;
            try {
                inbound = allocation.listener.accept();
                backoff.succeeded();
            } catch (IOException e) {
                if (allocation.listener.isClosed() || lifecycle.isClosed()) {
                    return;
                }
                // e.g. "Too many open files": the public port stays, accepting again once descriptors are free
                if (backoff.failures() % 100 == 0) {
                    LOG.warn("allocation {}: accept failed ({} so far): {}", allocation, backoff.failures() + 1, e.toString());
                }
                if (!backoff.pause()) {
                    return;
                }
                continue;
            }
            if (!lifecycle.adopt(inbound)) {
                return;
            }
            allocation.connectionsAccepted.incrementAndGet();
            if (!reserveConnection()) {
                LOG.info("allocation {}: connection limit {} reached, refusing {}", allocation,
                        maxConnections, remote(inbound));
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
            p.expiry = timer.schedule(() -> expire(p), RelaySockets.millis(bindTimeout), TimeUnit.MILLISECONDS);
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
                    remote(p.inbound), bindTimeout);
            closeUnbound(p);
        }
    }

    /** Closes the allocation's announced connections that no data connection has bound yet. */
    void closeUnbound(RelayAllocation allocation) {
        for (Pending p : pending.values()) {
            if (p.allocation == allocation && pending.remove(p.id, p)) {
                closeUnbound(p);
            }
        }
    }

    private void closeUnbound(Pending p) {
        p.cancelExpiry();
        lifecycle.release(p.inbound);
        connections.decrementAndGet();
    }

    /**
     * {@code BIND <id>}: splices this data connection with the pending inbound connection. Secured,
     * only the allocation's owner may bind it; another node's {@code BIND} is refused and leaves the
     * connection pending.
     *
     * @param nodeId the Node-ID in the data connection's certificate (secured relay); null when unsecured
     */
    void bind(Socket data, InputStream dataIn, String[] words, String nodeId) throws IOException {
        Pending p = words.length == 2 ? pending.get(words[1]) : null;
        if (p != null && p.allocation.owner != null && !p.allocation.owner.equals(nodeId)) {
            LOG.warn("TCP relay: node {} at {} sent BIND for a connection of allocation {}, which belongs to another node: refused",
                    RelaySecurity.shortId(nodeId), remote(data), p.allocation);
            RelaySockets.reject(lifecycle, data, "connection belongs to another node");
            return;
        }
        if (p == null || !pending.remove(p.id, p)) {
            RelaySockets.reject(lifecycle, data, "unknown connection");
            return;
        }
        p.cancelExpiry();
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

    /** Forgets every pending connection (the relay closed; its sockets are closed by the lifecycle). */
    void clear() {
        pending.clear();
    }

    private boolean reserveConnection() {
        while (true) {
            int n = connections.get();
            if (n >= maxConnections) {
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
}
