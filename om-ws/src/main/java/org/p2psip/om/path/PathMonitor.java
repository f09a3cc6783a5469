package org.p2psip.om.path;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches that the peers this node has SATOs with are alive: every interval it sends each watched
 * peer's OM a Ping over the OM IF and keeps RTT, loss and, from every n-th probe carrying a padding,
 * a throughput estimate. A peer that misses {@code failuresBeforeLost} probes in a row is reported
 * once as lost (its SATOs are then torn down by the Overlay Manager). The figures of the paths media
 * would take (UDP, directly and through relays) are {@link PathProbes}'s; these Pings go over TCP.
 */
public final class PathMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PathMonitor.class);

    /** Sends one probe; returns the round-trip time in nanoseconds or throws when unanswered. */
    @FunctionalInterface
    public interface Prober {
        long probe(Address om, long sequence, int paddingBytes) throws OmException;
    }

    @FunctionalInterface
    public interface PeerLostListener {
        void peerLost(String nodeId, Address om);
    }

    private final Prober prober;
    private final Duration interval;
    private final int failuresBeforeLost;
    private final int throughputEvery;
    private final int paddingBytes;
    private final PeerLostListener listener;
    private final Map<String, PathStats> stats = new ConcurrentHashMap<>();
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final ExecutorService probers;
    private volatile boolean closed;

    public PathMonitor(Prober prober, Duration interval, int failuresBeforeLost, int throughputEvery, int paddingBytes,
                       PeerLostListener listener) {
        this.prober = prober;
        this.interval = interval;
        this.failuresBeforeLost = failuresBeforeLost;
        this.throughputEvery = throughputEvery;
        this.paddingBytes = paddingBytes;
        this.listener = listener;
        this.ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(daemon("om-path-ticker"));
        this.probers = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("om-path-probe"), new ThreadPoolExecutor.DiscardPolicy());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public void start() {
        long ms = interval.toMillis();
        ticker.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Probes {@code nodeId}'s OM at {@code om} periodically from now on (an existing entry gets the new address). */
    public void watch(String nodeId, Address om) {
        entry(nodeId, om);
        watched.add(nodeId);
    }

    /** Stops probing {@code nodeId}; its figures stay visible in {@link #snapshot()}. */
    public void unwatch(String nodeId) {
        watched.remove(nodeId);
    }

    /** The peers watched now, with their OMs' addresses (what {@link PathProbes} measures in the background). */
    public List<PathProbes.Target> watchedPeers() {
        List<PathProbes.Target> out = new ArrayList<>();
        for (String id : watched) {
            PathStats s = stats.get(id);
            if (s != null && s.om() != null) {
                out.add(new PathProbes.Target(id, s.om()));
            }
        }
        return out;
    }

    public boolean isWatched(String nodeId) {
        return watched.contains(nodeId);
    }

    private PathStats entry(String nodeId, Address om) {
        PathStats s = stats.computeIfAbsent(nodeId, id -> new PathStats(id, om));
        if (om != null && !om.equals(s.om())) {
            s.om(om);
        }
        return s;
    }

    /** Sends {@code count} probes to {@code om} now, on the calling thread, and returns the figures. */
    public PathStats.Snapshot measure(String nodeId, Address om, int count) {
        PathStats s = entry(nodeId, om);
        for (int i = 0; i < count && !closed; i++) {
            probeOnce(s, i == count - 1 && throughputEvery > 0 ? paddingBytes : 0);
        }
        return s.snapshot(failuresBeforeLost);
    }

    /** Records an RTT observed elsewhere (for example by an OM IF call), without a probe. */
    public void observe(String nodeId, Address om, long rttNanos) {
        entry(nodeId, om).answered(rttNanos, 0);
    }

    private void tick() {
        for (String id : watched) {
            PathStats s = stats.get(id);
            if (s == null || s.om() == null || !inFlight.add(id)) {
                continue;
            }
            long seq = sequence.get();
            int padding = throughputEvery > 0 && seq % throughputEvery == throughputEvery - 1 ? paddingBytes : 0;
            try {
                probers.execute(() -> {
                    try {
                        probeOnce(s, padding);
                    } finally {
                        inFlight.remove(id);
                    }
                });
            } catch (RuntimeException e) {
                inFlight.remove(id);
            }
        }
    }

    private void probeOnce(PathStats s, int padding) {
        Address om = s.om();
        try {
            long rtt = prober.probe(om, sequence.incrementAndGet(), padding);
            s.answered(rtt, padding);
        } catch (OmException e) {
            int failures = s.failed();
            log.debug("probe to {} at {} failed ({} in a row): {}", NodeIds.shortId(s.nodeId()), om, failures, e.getMessage());
            if (failures >= failuresBeforeLost && watched.contains(s.nodeId()) && s.markLostReported() && !closed) {
                log.info("Peer {} at {} stopped answering ({} probes lost in a row)", NodeIds.shortId(s.nodeId()), om, failures);
                try {
                    listener.peerLost(s.nodeId(), om);
                } catch (RuntimeException ex) {
                    log.warn("handling the loss of peer {} failed: {}", NodeIds.shortId(s.nodeId()), ex.toString());
                }
            }
        }
    }

    public PathStats.Snapshot get(String nodeId) {
        PathStats s = stats.get(nodeId);
        return s == null ? null : s.snapshot(failuresBeforeLost);
    }

    public List<PathStats.Snapshot> snapshot() {
        List<PathStats.Snapshot> out = new ArrayList<>();
        stats.values().forEach(s -> out.add(s.snapshot(failuresBeforeLost)));
        out.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        probers.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
            probers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
