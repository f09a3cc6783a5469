package org.p2psip.om.sato;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.p2psip.om.path.PathQuality;
import org.p2psip.om.ports.MediaCounters;
import org.p2psip.om.types.PathEvent;
import org.p2psip.om.types.PathReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running media SATOs of this OM (Sec. 4: "whenever a SATO detects a change of network
 * conditions"): every {@value #TICK_MS} ms it reads what the local RTP-Port sessions received over
 * the overlay ({@link MediaCounters}, one paged {@code rtp.stats}) and
 * <ul>
 *   <li>on the callee's side (RTP2) tells the caller's OM when media stops arriving, degrades or
 *       recovers (ReportPath over the OM IF), since loss seen only there must reach the side that acts;</li>
 *   <li>on the caller's side (RTP1), which owns the chain, judges the path ({@link PathJudge}) from
 *       its own readings, the callee's reports and the direct path's probe figures, and has the
 *       {@link MediaAdapter} fail over, insert or remove the relay.</li>
 * </ul>
 * Actions and reports run on one separate thread (bounded queue), one at a time per SATO, so the
 * readings keep their pace. Owned by {@link PortRequests}, which closes it.
 */
final class MediaWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaWatch.class);
    /** Reading interval. */
    static final long TICK_MS = 25;
    /** Media SATOs watched at most. */
    static final int MAX_WATCHED = 10_000;
    /** Window of the loss and packet figures. */
    private static final long WINDOW_MS = 1000;
    /** Expected packets in the window below which loss is not judged. */
    private static final long MIN_EXPECTED = 20;
    /** The probes' window for the direct path while a call runs. */
    private static final Duration PROBE_SPAN = Duration.ofMillis(2500);
    /** A callee's report counts for this long. */
    private static final long REPORT_FRESH_MS = 1500;
    /** Callee's side: a degraded report at most this often. */
    private static final long REPORT_EVERY_MS = 500;
    /** Callee's side: a silent report again after this long while the silence lasts. */
    private static final long SILENT_EVERY_MS = 100;
    /**
     * Either side: while media arrives, a "recovered" report (a heartbeat: "I receive you") to the
     * other end's OM this often (a third of the dead-media time if that is shorter), so that a call
     * whose media flows one way only (on hold) is not taken for dead by the end that receives nothing.
     */
    static final long RECEIVING_EVERY_MS = 5000;

    /** What the watch has done by the adapter (the caller's side) or the far OM (the callee's). */
    interface Actions {
        /** Moves the chain's media as {@code action} says; true if the path changed. Blocking (OM IF calls). */
        boolean move(MediaChain c, PathJudge.Action action, String reason);

        /** Sends {@code report} to the caller's OM of {@code c}. Blocking. */
        void report(MediaChain c, PathReport report);

        /** The direct path's recent probe figures towards {@code c}'s far peer, or null. */
        PathQuality directFigures(MediaChain c, Duration span);

        /** Prepares for a quick move of {@code c} (OM IF connections to the relays it might move to). Blocking. */
        void prepare(MediaChain c);

        /** Prepares the OM IF detours to {@code c}'s far OM through the relays it might move to. Blocking. */
        void prepareDetours(MediaChain c);

        /** No media has arrived at this end of {@code c} for {@code silentMs}: the call is dead. Blocking. */
        void dead(MediaChain c, long silentMs);

        /** The gap after a change, measured at this end: logged and kept in the SATO's history. */
        void gap(MediaChain c, long gapMs);
    }

    /** One watched media SATO; its state under its own lock. */
    private final class Watched {
        final MediaChain chain;
        final PathWindow window;
        final PathJudge judge;
        volatile boolean busy;
        long lastReportNanos = -1;
        PathEvent lastEvent;
        volatile long remoteSilentAtNanos = -1;
        volatile long remoteSilentMs;
        /** SILENT reports in a row since the last change, each with a longer silence. */
        volatile int remoteSilentReports;
        volatile long remoteDegradedAtNanos = -1;
        volatile String remoteDegraded;
        long detoursPreparedNanos = -1;
        boolean deadReported;
        /** When the far end last said it receives media (a recovered or degraded report). */
        volatile long remoteReceivingAtNanos = -1;
        long lastHeartbeatNanos = -1;

        Watched(MediaChain chain, long now) {
            this.chain = chain;
            this.window = new PathWindow(now, settings.adaptation().silence().toMillis());
            this.judge = new PathJudge(settings.adaptation(), now);
        }
    }

    private final String peerName;
    private final SatoSettings settings;
    private final RelayPolicy policy;
    private final java.util.function.Function<List<String>, Map<String, MediaCounters>> counters;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "om-media-watch");
        t.setDaemon(true);
        return t;
    });
    private final ThreadPoolExecutor actions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(256), r -> {
                Thread t = new Thread(r, "om-media-adapt");
                t.setDaemon(true);
                return t;
            });
    /** Preparations (connections, detours) run here, apart from the actions, so they never delay a failover. */
    private final ThreadPoolExecutor preparations = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "om-media-prepare");
                t.setDaemon(true);
                return t;
            });
    /** Detours are prepared again for the same SATO after this long at the earliest. */
    private static final long PREPARE_AGAIN_MS = 20_000;
    private volatile Actions handler;

    MediaWatch(String peerName, SatoSettings settings, RelayPolicy policy,
               java.util.function.Function<List<String>, Map<String, MediaCounters>> counters) {
        this.peerName = peerName;
        this.settings = settings;
        this.policy = policy;
        this.counters = counters;
    }

    /** Starts reading; {@code h} acts. Does nothing if adaptation is off. */
    void start(Actions h) {
        this.handler = h;
        if (settings.adaptation().on()) {
            ticker.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Watches {@code c} from now on (its media is connected). */
    void watch(MediaChain c) {
        if (!settings.adaptation().on()) {
            return;
        }
        if (watched.size() >= MAX_WATCHED) {
            log.warn("[{}] {} is not watched: already {} media SATOs watched", peerName, c, MAX_WATCHED);
            return;
        }
        Watched w = new Watched(c, System.nanoTime());
        if (watched.putIfAbsent(c.id, w) == null && c.initiator()) {
            prepare(() -> handler.prepare(c));
        }
    }

    void forget(String satoId) {
        watched.remove(satoId);
    }

    /** The path of {@code satoId} changed now (by this side or the far OM): silence counts from here. */
    void changed(String satoId) {
        Watched w = watched.get(satoId);
        if (w != null) {
            long now = System.nanoTime();
            synchronized (w) {
                w.window.changed(now);
                w.judge.acted(now, PathJudge.Action.NONE, true);
                w.lastEvent = null;
            }
        }
    }

    /** A report of the callee's end of {@code satoId} (ReportPath). */
    void reported(String satoId, PathReport r) {
        Watched w = watched.get(satoId);
        if (w == null) {
            return;
        }
        long now = System.nanoTime();
        if (w.chain.initiator() && r.remote() != null && !r.remote().equals(neighbour(w.chain))) {
            log.debug("[{}] {}: ignoring a {} report about {} (the chain's neighbour there is {} now)", peerName, w.chain,
                    r.event().wire(), r.remote(), neighbour(w.chain));
            return;
        }
        switch (r.event()) {
            case SILENT:
                synchronized (w) {
                    // reports about the current neighbour only (checked above): one sent before the last change can
                    // arrive after it (seen in the lab: 1.3 s late over a congested path)
                    w.remoteSilentReports = r.silentMillis() > w.remoteSilentMs ? w.remoteSilentReports + 1 : 1;
                    w.remoteSilentMs = r.silentMillis();
                    w.remoteSilentAtNanos = now;
                }
                break;
            case DEGRADED:
                w.remoteReceivingAtNanos = now;
                w.remoteSilentReports = 0;
                w.remoteDegraded = String.format(Locale.ROOT, "the far end receives %d%% loss, jitter %.0f ms",
                        Math.round(r.lossRatio() * 100), r.jitterMillis());
                w.remoteDegradedAtNanos = now;
                w.remoteSilentAtNanos = -1;
                break;
            default:
                w.remoteReceivingAtNanos = now;
                w.remoteSilentReports = 0;
                w.remoteDegradedAtNanos = -1;
                w.remoteSilentAtNanos = -1;
        }
    }

    int size() {
        return watched.size();
    }

    boolean watches(String satoId) {
        return watched.containsKey(satoId);
    }

    /** Caller's side: the address RTP2 exchanges media with on the current path (the relay's leg towards it, or RTP1). */
    private static org.p2psip.om.types.Address neighbour(MediaChain c) {
        MediaChain.Via via = c.via();
        return via.relayed() ? via.session().leg(org.p2psip.om.ports.PortSession.LEG_CALLEE)
                : c.local.leg(org.p2psip.om.ports.PortSession.LEG_CALLER);
    }

    private void tick() {
        try {
            if (watched.isEmpty()) {
                return;
            }
            List<String> sessions = new ArrayList<>(watched.size());
            watched.values().forEach(w -> sessions.add(w.chain.local.sessionId()));
            Map<String, MediaCounters> read = counters.apply(sessions);
            long now = System.nanoTime();
            for (Watched w : watched.values()) {
                MediaCounters c = read.get(w.chain.local.sessionId());
                if (c != null) {
                    step(w, c, now);
                }
            }
        } catch (RuntimeException e) {
            log.warn("[{}] media watch: {}", peerName, e.toString());
        }
    }

    private void step(Watched w, MediaCounters c, long now) {
        MediaChain chain = w.chain;
        long gap;
        PathJudge.Verdict verdict = PathJudge.Verdict.NONE;
        PathReport report = null;
        PathReport heartbeat = null;
        boolean dead = false;
        long silentNow;
        synchronized (w) {
            gap = w.window.add(now, c);
            silentNow = w.window.silentMillis(now);
            long deadMs = settings.adaptation().deadMedia().toMillis();
            long farReceivedAgo = w.remoteReceivingAtNanos < 0 ? Long.MAX_VALUE : (now - w.remoteReceivingAtNanos) / 1_000_000;
            if (deadMs > 0 && w.window.flowed() && silentNow >= deadMs && farReceivedAgo >= deadMs && !w.deadReported) {
                w.deadReported = true;
                dead = true;
            } else if (silentNow < deadMs) {
                w.deadReported = false;
            }
            if (dead) {
                // the call is over: nothing else to judge
            } else if (w.busy) {
                // an action of this SATO is under way: judge again when it is done
            } else if (chain.initiator()) {
                verdict = w.judge.judge(now, figures(w, now));
                if (verdict.action() == PathJudge.Action.NONE) {
                    heartbeat = heartbeatDue(w, now);
                }
            } else {
                report = reportDue(w, now);
            }
        }
        if (gap >= 0) {
            handler.gap(chain, gap);
        }
        if (dead) {
            long ms = silentNow;
            prepare(() -> handler.dead(chain, ms));
            return;
        }
        if (verdict.action() != PathJudge.Action.NONE) {
            PathJudge.Verdict v = verdict;
            synchronized (w) {
                w.window.beginChange();
            }
            submit(w, () -> {
                boolean moved = handler.move(chain, v.action(), v.reason());
                long t = System.nanoTime();
                synchronized (w) {
                    w.judge.acted(t, v.action(), moved);
                    if (moved || v.action() != PathJudge.Action.RESTORE) {
                        w.window.changedAfterBegin(t);
                    } else {
                        w.window.changeAbandoned(); // no relay to go back to yet: the path stayed, no gap to measure
                    }
                    w.detoursPreparedNanos = -1; // the alternatives changed with the path
                    w.remoteSilentAtNanos = -1;
                    w.remoteSilentReports = 0;
                }
            });
        } else if (report != null) {
            PathReport r = report;
            submit(w, () -> handler.report(chain, r));
        } else if (heartbeat != null) {
            // apart from the actions: a slow OM IF to the far OM must not hold up a failover
            PathReport r = heartbeat;
            prepare(() -> handler.report(chain, r));
        }
    }

    private void prepare(Runnable r) {
        try {
            preparations.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.debug("[{}] preparing: {}", peerName, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("[{}] preparation queue full", peerName);
        }
    }

    /** Detours for {@code w}, unless prepared lately. Under {@code w}'s lock. */
    private void prepareDetours(Watched w, long now) {
        if (w.detoursPreparedNanos < 0 || (now - w.detoursPreparedNanos) / 1_000_000 >= PREPARE_AGAIN_MS) {
            w.detoursPreparedNanos = now;
            MediaChain c = w.chain;
            prepare(() -> handler.prepareDetours(c));
        }
    }

    private void submit(Watched w, Runnable r) {
        w.busy = true;
        try {
            actions.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("[{}] {}: {}", peerName, w.chain, e.toString());
                } finally {
                    w.busy = false;
                }
            });
        } catch (RejectedExecutionException e) {
            w.busy = false;
            log.debug("[{}] {}: adaptation queue full, judged again next time", peerName, w.chain);
        }
    }

    /** The caller's side: the figures of one evaluation. */
    private PathJudge.Figures figures(Watched w, long now) {
        MediaChain chain = w.chain;
        MediaChain.Via via = chain.via();
        long silent = w.window.silentMillis(now);
        long remoteAt = w.remoteSilentAtNanos;
        if (remoteAt >= 0 && w.remoteSilentReports >= 1 && (now - remoteAt) / 1_000_000 <= 3 * SILENT_EVERY_MS) {
            // the far end is still silent (reports keep coming) and its silence started after the last change
            long remoteSilentNow = w.remoteSilentMs + (now - remoteAt) / 1_000_000;
            if (remoteSilentNow <= w.window.sinceChangeMillis(now)) {
                silent = Math.max(silent, remoteSilentNow);
            }
        }
        boolean auto = settings.relayPolicy() == RelayPolicy.Mode.AUTO;
        String degraded = null;
        boolean directGood = false;
        if (auto && !chain.relayForced) {
            PathQuality direct = handler.directFigures(chain, PROBE_SPAN);
            if (!via.relayed()) {
                degraded = degraded(w, now, direct);
                if (degraded != null) {
                    prepareDetours(w, now);
                }
            } else {
                directGood = policy.comfortablyGood(direct);
                prepareDetours(w, now); // for a failover away from this relay
            }
        }
        return new PathJudge.Figures(via.relayed(), !chain.relayForced && auto, auto && !chain.relayForced, silent,
                w.window.flowed(), w.window.mediaSinceChange(), degraded, directGood,
                settings.relayPolicy() == RelayPolicy.Mode.ALWAYS);
    }

    /** Why the direct path is degraded now (probes, this end's media, the far end's reports), or null. */
    private String degraded(Watched w, long now, PathQuality direct) {
        List<String> why = new ArrayList<>();
        if (direct != null && direct.answeredAny()) {
            String broken = policy.broken(direct);
            if (broken != null) {
                why.add("probes " + broken);
            }
        }
        String here = mediaBroken(w, now);
        if (here != null) {
            why.add("this end receives " + here);
        }
        long at = w.remoteDegradedAtNanos;
        if (at >= 0 && (now - at) / 1_000_000 <= REPORT_FRESH_MS && w.remoteDegraded != null) {
            why.add(w.remoteDegraded);
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /** This end's media over the window breaking the loss or jitter threshold, or null. */
    private String mediaBroken(Watched w, long now) {
        long expected = w.window.expected(now, WINDOW_MS);
        if (expected < MIN_EXPECTED) {
            return null;
        }
        double loss = w.window.lossRatio(now, WINDOW_MS);
        double jitter = w.window.jitterMs();
        boolean lossy = loss * 100 > settings.relayLossPercent();
        boolean jittery = jitter > settings.relayJitterMs();
        if (!lossy && !jittery) {
            return null;
        }
        return String.format(Locale.ROOT, "%.0f%% loss, jitter %.0f ms", loss * 100, jitter);
    }

    /** The callee's side: the report to send now, or null. */
    private PathReport reportDue(Watched w, long now) {
        MediaChain chain = w.chain;
        if (chain.remote() == null) {
            return null;
        }
        long silent = w.window.silentMillis(now);
        PathEvent event;
        if (w.window.flowed() && silent >= settings.adaptation().silence().toMillis()) {
            event = PathEvent.SILENT;
        } else if (mediaBroken(w, now) != null) {
            event = PathEvent.DEGRADED;
        } else {
            event = PathEvent.RECOVERED;
        }
        long sinceLast = w.lastReportNanos < 0 ? Long.MAX_VALUE : (now - w.lastReportNanos) / 1_000_000;
        boolean due;
        if (event == PathEvent.RECOVERED) {
            due = (w.lastEvent != null && w.lastEvent != PathEvent.RECOVERED)
                    || (w.window.flowed() && silent < settings.adaptation().silence().toMillis() && sinceLast >= heartbeatMillis());
        } else {
            due = event != w.lastEvent || sinceLast >= (event == PathEvent.SILENT ? SILENT_EVERY_MS : REPORT_EVERY_MS);
        }
        if (!due) {
            return null;
        }
        w.lastEvent = event;
        w.lastReportNanos = now;
        return new PathReport(chain.call, chain.local.leg(org.p2psip.om.ports.PortSession.LEG_CALLER), event, WINDOW_MS,
                w.window.packets(now, WINDOW_MS), w.window.lossRatio(now, WINDOW_MS), w.window.jitterMs(), silent,
                chain.remote());
    }

    /** How often an end that receives media says so: well within the dead-media time. */
    private long heartbeatMillis() {
        long dead = settings.adaptation().deadMedia().toMillis();
        return dead > 0 ? Math.max(200, Math.min(RECEIVING_EVERY_MS, dead / 3)) : RECEIVING_EVERY_MS;
    }

    /**
     * The caller's side: a heartbeat to the callee's OM while media arrives here ("recovered", every
     * {@value #RECEIVING_EVERY_MS} ms), naming the stream by RTP2's overlay address; or null.
     */
    private PathReport heartbeatDue(Watched w, long now) {
        MediaChain chain = w.chain;
        if (chain.remote() == null || !w.window.flowed()
                || w.window.silentMillis(now) >= settings.adaptation().silence().toMillis()) {
            return null;
        }
        if (w.lastHeartbeatNanos >= 0 && (now - w.lastHeartbeatNanos) / 1_000_000 < heartbeatMillis()) {
            return null;
        }
        w.lastHeartbeatNanos = now;
        return new PathReport(chain.call, chain.remote(), PathEvent.RECOVERED, WINDOW_MS, w.window.packets(now, WINDOW_MS),
                w.window.lossRatio(now, WINDOW_MS), w.window.jitterMs(), 0, null);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        actions.shutdownNow();
        preparations.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
            actions.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watched.clear();
    }
}
