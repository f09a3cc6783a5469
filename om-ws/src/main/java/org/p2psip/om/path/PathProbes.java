package org.p2psip.om.path;

import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the paths media would take (paper Sec. 5.2) with UDP probes ({@link ProbeSocket}):
 * to a peer's OM directly, and through a relay peer's OM ("via"), which is the detour
 * RTP1 -> RTP3 -> RTP2 takes. Two ways:
 * <ul>
 *   <li><b>background</b>: every interval, a few probes to each peer this node talks to (those the
 *       {@link PathMonitor} watches, and the peers surveyed at call set-up for
 *       {@link Settings#recentCallKeep()} after), directly and through up to
 *       {@link Settings#maxRelays()} candidate relays; a detour that answered none of its last probes
 *       is probed only every {@value #BACKOFF_ROUNDS}th round (the direct route every round);</li>
 *   <li><b>at call set-up</b>: {@link #survey} uses the background figures of a route when they are
 *       fresh and span at least two rounds, and otherwise probes it now (a burst, every route in
 *       parallel).</li>
 * </ul>
 * Bounded: at most {@link Settings#maxPeers()} peers in the background, {@value #MAX_ROUTES}
 * routes remembered; one scheduler thread and the socket's one reader thread.
 */
public final class PathProbes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PathProbes.class);
    static final int MAX_ROUTES = 1024;
    static final int MAX_RECENT = 256;
    static final int BACKOFF_ROUNDS = 10;
    /**
     * Background figures cover the probes of this span: short, so that a path that just became
     * congested is seen as such within seconds (older samples would dilute it: with 10 s, a flood that
     * started 3 s before a call left the median RTT fine).
     */
    private static final long SPAN_NANOS = TimeUnit.SECONDS.toNanos(4);

    /** A peer's OM: where its probe socket is (same host and port number as its OM IF). */
    public record Target(String nodeId, Address om) {
        InetSocketAddress socket() {
            return new InetSocketAddress(om.host(), om.port());
        }
    }

    /**
     * @param interval        background round interval
     * @param probesPerRound  background probes per route and round
     * @param fresh           background figures younger than this are used at call set-up without probing
     * @param surveyProbes    probes per route when a route is probed at call set-up
     * @param maxPeers        peers measured in the background at most
     * @param maxRelays       detours measured per peer at most
     * @param recentCallKeep  how long a peer surveyed at set-up stays measured in the background
     */
    public record Settings(Duration interval, int probesPerRound, Duration fresh, int surveyProbes, int maxPeers,
                           int maxRelays, Duration recentCallKeep) {
        /**
         * 20 probes per route at set-up: with 5, a path losing 20% each way answered all of them one
         * time in ten (0.64^5) and was judged fine (seen in the congestion experiment); with 20, one
         * time in 7,500. They go back to back and cost no extra wait.
         */
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), 3, Duration.ofSeconds(5), 20, 32, 3,
                Duration.ofMinutes(5));
    }

    private final ProbeSocket socket;
    private final Settings settings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "om-path-probes");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RouteWindow> routes = lru(MAX_ROUTES);
    /** Peers surveyed at set-up, with the time until which they stay measured in the background. */
    private final Map<String, Recent> recent = lru(MAX_RECENT);
    /** Peers never probed (behind a NAT: their OM address is an allocation on a TCP relay). */
    private final Map<String, Boolean> notProbed = lru(MAX_RECENT);
    private volatile Supplier<Collection<Target>> watched = List::of;
    private volatile Supplier<List<Target>> relayCandidates = List::of;
    private long round;

    private record Recent(Target target, long untilNanos) {
    }

    private PathProbes(ProbeSocket socket, Settings settings) {
        this.socket = socket;
        this.settings = settings;
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Binds the probe socket at {@code at} (the OM IF's host and port number; see {@link ProbeSocket#open}). */
    public static PathProbes open(InetSocketAddress at, ProbeSocket.Limits limits, Settings settings) throws SocketException {
        PathProbes p = new PathProbes(ProbeSocket.open(at, limits), settings);
        p.warmUp();
        return p;
    }

    /**
     * A few probes to this very socket: the first send, receive and echo of a JVM load classes for
     * tens of milliseconds, which would otherwise land on the first call's figures (and set-up).
     */
    private void warmUp() {
        if (!socket.answering()) {
            return;
        }
        InetSocketAddress self = socket.localAddress();
        if (self.getAddress().isAnyLocalAddress()) {
            self = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), self.getPort());
        }
        for (int i = 0; i < 3; i++) {
            ProbeSocket.Sent s = socket.send(self, null);
            try {
                s.rttNanos().get(1, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                socket.forget(s.sequence());
                log.debug("path probe warm-up: no echo from this socket at {}", self);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public ProbeSocket socket() {
        return socket;
    }

    /**
     * Starts background measurement of the peers {@code watched} gives (and those surveyed lately),
     * directly and through the relays {@code relayCandidates} gives (expected cached: it is asked
     * every round).
     */
    public void start(Supplier<Collection<Target>> watched, Supplier<List<Target>> relayCandidates) {
        this.watched = watched;
        this.relayCandidates = relayCandidates;
        long ms = settings.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::backgroundRound, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Never probe {@code nodeId} (it is behind a NAT). */
    public void neverProbe(String nodeId) {
        synchronized (notProbed) {
            notProbed.put(nodeId, Boolean.TRUE);
        }
        synchronized (recent) {
            recent.remove(nodeId);
        }
    }

    /** The background figures of the route to {@code peer} (through {@code relay} if non-null), or null if none are recent. */
    public PathQuality figures(Target peer, Target relay) {
        return figures(peer, relay, SPAN_NANOS);
    }

    /** As {@link #figures(Target, Target)}, from the probes of the last {@code span} only (a running call's short window). */
    public PathQuality figures(Target peer, Target relay, Duration span) {
        return figures(peer, relay, Math.min(SPAN_NANOS, span.toNanos()));
    }

    private PathQuality figures(Target peer, Target relay, long spanNanos) {
        RouteWindow w;
        synchronized (routes) {
            w = routes.get(key(peer, relay));
        }
        return w == null ? null : w.figures(name(relay), System.nanoTime(), spanNanos);
    }

    /**
     * The figures of the direct route to {@code peer} and of the detour through each of
     * {@code relays}: the background figures of a route if they are fresh, else probes sent now
     * ({@link Settings#surveyProbes()} per route, back to back, every route in parallel), waiting
     * until all are answered or {@code wait} has passed. The peer stays measured in the background
     * for a while ({@link Settings#recentCallKeep()}).
     */
    public PathSurvey survey(Target peer, List<Target> relays, Duration wait) {
        synchronized (recent) {
            recent.put(peer.nodeId(), new Recent(peer, System.nanoTime() + settings.recentCallKeep().toNanos()));
        }
        List<Target> via = new ArrayList<>();
        via.add(null);
        relays.stream().filter(r -> !r.nodeId().equals(peer.nodeId())).forEach(via::add);
        Map<Target, PathQuality> known = new java.util.HashMap<>();
        List<Target> toProbe = new ArrayList<>();
        for (Target r : via) {
            PathQuality q = figures(peer, r);
            // background figures count when fresh and from at least two rounds (one round's 3 probes
            // caught a TCP flow's queue between two of its peaks and called a congested path fine)
            if (q != null && q.ageMillis() < settings.fresh().toMillis() && q.sent() >= 2 * settings.probesPerRound()) {
                known.put(r == null ? peer : r, q);
            } else {
                toProbe.add(r);
            }
        }
        if (!toProbe.isEmpty()) {
            Map<Target, List<Long>> burst = probe(peer, toProbe, settings.surveyProbes(), wait);
            long now = System.nanoTime();
            burst.forEach((r, rtts) -> known.put(r == peer ? peer : r,
                    PathQuality.of(name(r == peer ? null : r), rtts, 0)
                            .withBase(window(peer, r == peer ? null : r).baseRttMs(now))));
        }
        PathQuality direct = known.get(peer);
        List<PathSurvey.Detour> detours = new ArrayList<>();
        for (Target r : via) {
            if (r != null) {
                detours.add(new PathSurvey.Detour(r.nodeId(), known.get(r)));
            }
        }
        return new PathSurvey(direct, detours);
    }

    /**
     * Sends {@code count} probes on each route (null relay = direct), interleaved, and waits up to
     * {@code wait} for the echoes; records every outcome in the routes' windows. Returns per route
     * (the peer itself for the direct route) the RTTs in ns, negative for the probes not answered.
     */
    private Map<Target, List<Long>> probe(Target peer, List<Target> relaysOrNull, int count, Duration wait) {
        record Probe(Target relay, long sentNanos, ProbeSocket.Sent sent) {
        }
        List<Probe> probes = new ArrayList<>();
        InetSocketAddress to = peer.socket();
        for (int i = 0; i < count; i++) {
            for (Target r : relaysOrNull) {
                long t = System.nanoTime();
                probes.add(new Probe(r, t, socket.send(to, r == null ? null : r.socket())));
            }
        }
        try {
            CompletableFuture.allOf(probes.stream().map(p -> p.sent().rttNanos()).toArray(CompletableFuture[]::new))
                    .get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the unanswered ones count as lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<Target, List<Long>> out = new LinkedHashMap<>();
        for (Probe p : probes) {
            CompletableFuture<Long> f = p.sent().rttNanos();
            long rtt = f.isDone() && !f.isCompletedExceptionally() ? f.join() : -1;
            if (rtt < 0) {
                socket.forget(p.sent().sequence());
            }
            window(peer, p.relay()).add(p.sentNanos(), rtt);
            out.computeIfAbsent(p.relay() == null ? peer : p.relay(), k -> new ArrayList<>()).add(rtt);
        }
        return out;
    }

    private RouteWindow window(Target peer, Target relay) {
        synchronized (routes) {
            return routes.computeIfAbsent(key(peer, relay), k -> new RouteWindow());
        }
    }

    private static String key(Target peer, Target relay) {
        return peer.nodeId() + ">" + (relay == null ? "" : relay.nodeId());
    }

    static String name(Target relay) {
        return relay == null ? "direct" : "via " + NodeIds.shortId(relay.nodeId());
    }

    /** One background round: the peers to measure, each directly and through the candidate relays. */
    private void backgroundRound() {
        try {
            round++;
            Map<String, Target> peers = new LinkedHashMap<>();
            watched.get().forEach(t -> peers.putIfAbsent(t.nodeId(), t));
            long now = System.nanoTime();
            synchronized (recent) {
                recent.values().removeIf(r -> r.untilNanos() < now);
                recent.values().forEach(r -> peers.putIfAbsent(r.target().nodeId(), r.target()));
            }
            synchronized (notProbed) {
                peers.keySet().removeIf(notProbed::containsKey);
            }
            List<Target> relays = relayCandidates.get();
            int n = 0;
            for (Target peer : peers.values()) {
                if (n++ >= settings.maxPeers()) {
                    break;
                }
                List<Target> via = new ArrayList<>();
                via.add(null);
                relays.stream().filter(r -> !r.nodeId().equals(peer.nodeId())).limit(settings.maxRelays()).forEach(via::add);
                // a detour that answers nothing is probed less often; the direct route never is: a flood
                // can swallow every probe of a round or two, and the figures after it must be complete
                via.removeIf(r -> r != null && window(peer, r).lastAllLost(2 * settings.probesPerRound())
                        && round % BACKOFF_ROUNDS != 0);
                if (!via.isEmpty()) {
                    sendRound(peer, via);
                }
            }
        } catch (RuntimeException e) {
            log.warn("background path probes: {}", e.toString());
        }
    }

    /** Sends one round's probes to {@code peer} and collects the echoes a little before the next round (on the scheduler). */
    private void sendRound(Target peer, List<Target> via) {
        record Probe(Target relay, long sentNanos, ProbeSocket.Sent sent) {
        }
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < settings.probesPerRound(); i++) {
            for (Target r : via) {
                probes.add(new Probe(r, System.nanoTime(), socket.send(peer.socket(), r == null ? null : r.socket())));
            }
        }
        long collectAfter = Math.max(50, Math.min(1000, settings.interval().toMillis() * 9 / 10));
        scheduler.schedule(() -> {
            for (Probe p : probes) {
                CompletableFuture<Long> f = p.sent().rttNanos();
                long rtt = f.isDone() ? f.join() : -1;
                if (rtt < 0) {
                    socket.forget(p.sent().sequence());
                }
                window(peer, p.relay()).add(p.sentNanos(), rtt);
            }
        }, collectAfter, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
