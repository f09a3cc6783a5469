package org.p2psip.om.sato;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.p2psip.om.path.PathQuality;
import org.p2psip.om.path.PathSurvey;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.records.RelayDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a call's media SATO goes through a relay RTP-Port on a third peer, RTP1 -> RTP3 -> RTP2
 * (paper Sec. 5.2 and 5.3), and which: {@code never}, {@code always} (the relay with the most spare
 * capacity), or {@code auto}:
 * <ul>
 *   <li>either peer behind a NAT: a relay (no direct path exists; Sec. 5.3), the one with the most
 *       spare capacity, nothing probed;</li>
 *   <li>otherwise the direct path is measured with UDP probes ({@link Paths}); while its RTT median,
 *       queueing delay (RTT median above the base RTT: a standing queue), loss and jitter stay within
 *       the thresholds, media goes directly, and no detour is probed;</li>
 *   <li>when it breaks one (or answers nothing), the detours through up to {@value #MAX_RELAYS}
 *       candidate relays are measured, and the relay whose detour rates best is inserted if its
 *       E-model rating R ({@link org.p2psip.om.path.EModel}) beats the direct path's by at least
 *       {@value #R_MARGIN} and its loss is within the threshold; else media goes directly, the
 *       reason saying why;</li>
 *   <li>no route answering at all: the decision says the far OM is unreachable.</li>
 * </ul>
 * Every decision carries one readable line with the figures behind it, and the figures of every route.
 */
public final class RelayPolicy {
    /** The logger of relay decisions. */
    public static final String LOG = "p2psip.relay";
    private static final Logger log = LoggerFactory.getLogger(LOG);
    /** Detours measured at most. */
    public static final int MAX_RELAYS = 3;
    /** How much higher a detour's R must be than the direct path's to be "measurably better". */
    public static final double R_MARGIN = 5;

    /** The policy as configured ({@code --relay-policy}). */
    public enum Mode { AUTO, ALWAYS, NEVER }

    /** How the policy measures routes: {@code OverlayManager.survey}. */
    @FunctionalInterface
    public interface Paths {
        PathSurvey survey(PeerRecord peer, List<PeerRecord> relays, Duration wait);
    }

    /** Where the policy finds relays: the lookup service's relay records. */
    public interface Relays {
        /** Up to {@code n} candidates without waiting (a cached list), excluding {@code exclude} node ids. */
        List<PeerRecord> candidates(int n, Set<String> exclude);

        /** The relay with the most spare capacity, asking the lookup service now; null if none. */
        PeerRecord find(Set<String> exclude);

        /** Reads the relay records again soon, in the background (a call wants a relay the cached list lacks). */
        default void refreshSoon() {
        }

        static Relays of(RelayDirectory d) {
            return new Relays() {
                @Override
                public List<PeerRecord> candidates(int n, Set<String> exclude) {
                    return d.candidates(n, exclude);
                }

                @Override
                public PeerRecord find(Set<String> exclude) {
                    return d.find(exclude);
                }

                @Override
                public void refreshSoon() {
                    d.refreshSoon();
                }
            };
        }
    }

    /**
     * The decision: the relay chosen (null: media goes directly), why (one line, with the figures),
     * the figures of every route measured (null when nothing was measured), and whether no route
     * to the far OM answered at all.
     */
    public record Decision(PeerRecord relay, String reason, PathSurvey survey, boolean unreachable) {
        public boolean relayed() {
            return relay != null;
        }
    }

    private final SatoSettings settings;
    private final String self;
    private final Paths paths;
    private final Relays relays;
    private final RelayDecisions decisions = new RelayDecisions();

    public RelayPolicy(SatoSettings settings, String selfNodeId, Paths paths, Relays relays) {
        this.settings = settings;
        this.self = selfNodeId;
        this.paths = paths;
        this.relays = relays;
    }

    /**
     * Decides for a call to {@code peer}. The caller logs the decision (at INFO on logger
     * {@link #LOG}, with the call); the figures of every route are logged here at DEBUG.
     */
    public Decision decide(PeerRecord peer) {
        Decision d = decideQuietly(peer);
        decisions.count(d, settings.relayPolicy());
        if (d.survey() != null && log.isDebugEnabled()) {
            log.debug("routes to peer {}: {}", peer.shortId(), d.survey());
        }
        return d;
    }

    /** The decisions {@link #decide} made so far, by reason. */
    public RelayDecisions decisions() {
        return decisions;
    }

    /**
     * The route a call's signalling takes to {@code peer} (issue 13: congestion hits every kind of
     * traffic between two peers): the measured decision of policy auto whatever the configured media
     * policy, so that with {@code never} or {@code always} the signalling too avoids a path measured
     * congested. {@code media} is the media decision already made for the call (reused when it was
     * measured). Peers behind NATs are reached through their relayed addresses anyway: direct.
     */
    public Decision signallingRoute(PeerRecord peer, Decision media) {
        if (settings.nat() || peer.nat()) {
            return new Decision(null, "reached through its relayed address", null, false);
        }
        if (media.survey() != null) {
            return media;
        }
        return decideQuietly(peer, Mode.AUTO);
    }

    private Decision decideQuietly(PeerRecord peer) {
        return decideQuietly(peer, settings.relayPolicy());
    }

    private Decision decideQuietly(PeerRecord peer, Mode mode) {
        Set<String> exclude = Set.of(self, peer.nodeId());
        if (mode == Mode.NEVER) {
            return new Decision(null, "relay policy never", null, false);
        }
        if (mode == Mode.ALWAYS) {
            return byCapacity("relay policy always", exclude);
        }
        boolean selfNat = settings.nat();
        if (selfNat || peer.nat()) {
            // Sec. 5.3: behind a (symmetric) NAT no direct path exists; a relay on a public peer joins both sides
            return byCapacity(selfNat && peer.nat() ? "both peers are behind NATs"
                    : selfNat ? "this peer is behind a NAT" : "peer " + peer.shortId() + " is behind a NAT", exclude);
        }
        Duration wait = Duration.ofMillis(Math.max(50, 2 * settings.relayRttMs()));
        PathSurvey first = paths.survey(peer, List.of(), wait);
        PathQuality direct = first.direct();
        String broken = broken(direct);
        if (broken == null) {
            return new Decision(null, "direct path fine: " + figures(direct), first, false);
        }
        List<PeerRecord> candidates = relays.candidates(MAX_RELAYS, exclude);
        if (candidates.isEmpty()) {
            PeerRecord one = relays.find(exclude); // the cached list is still empty: ask the lookup service once
            candidates = one == null ? List.of() : List.of(one);
        }
        String why = (direct.answeredAny() ? "direct path congested: " : "direct path: ") + broken;
        if (candidates.isEmpty()) {
            return new Decision(null, why + "; no reachable RTP-Port relay is registered in the lookup service: media goes directly",
                    first, !direct.answeredAny());
        }
        PathSurvey all = paths.survey(peer, candidates, wait);
        if (all.nothingAnswered()) {
            List<String> via = new ArrayList<>();
            all.detours().forEach(d -> via.add(d.quality().route()));
            return new Decision(null, "far OM unreachable: no answer to path probes directly nor " + String.join(", ", via),
                    all, true);
        }
        PathQuality directNow = all.direct() != null ? all.direct() : direct;
        double directR = directNow.rFactor();
        PathSurvey.Detour best = null;
        PathSurvey.Detour bestAny = null;
        for (PathSurvey.Detour d : all.detours()) {
            PathQuality q = d.quality();
            if (!q.answeredAny()) {
                continue;
            }
            if (bestAny == null || q.rFactor() > bestAny.quality().rFactor()) {
                bestAny = d;
            }
            if (q.lossPercent() <= settings.relayLossPercent() && (best == null || q.rFactor() > best.quality().rFactor())) {
                best = d;
            }
        }
        // a detour within every threshold beats a direct path that breaks one: the thresholds are what
        // the operator calls acceptable (the E-model alone would accept 300 ms of queue, one way)
        PathSurvey.Detour fine = null;
        for (PathSurvey.Detour d : all.detours()) {
            if (d.quality().answeredAny() && broken(d.quality()) == null
                    && (fine == null || d.quality().rFactor() > fine.quality().rFactor())) {
                fine = d;
            }
        }
        if (fine != null && fine.quality().rFactor() >= directR) {
            PeerRecord relay = relayWithId(candidates, fine.relayNodeId());
            return new Decision(relay, String.format(Locale.ROOT, "%s; detour %s vs direct R %.0f: relay on %s",
                    why, figures(fine.quality().route(), fine.quality()), directR, relay.shortId()), all, false);
        }
        if (best != null && best.quality().rFactor() >= directR + R_MARGIN) {
            PeerRecord relay = relayWithId(candidates, best.relayNodeId());
            return new Decision(relay, String.format(Locale.ROOT, "%s; detour %s vs direct R %.0f: relay on %s",
                    why, figures(best.quality().route(), best.quality()), directR, relay.shortId()),
                    all, false);
        }
        String notBetter;
        if (bestAny == null) {
            notBetter = "no detour answered (" + all.detours().size() + " measured)";
        } else if (best == null) {
            notBetter = String.format(Locale.ROOT, "every detour loses too much (best %s R %.0f, loss %s%% > %d%%)",
                    bestAny.quality().route(), bestAny.quality().rFactor(), fmt(bestAny.quality().lossPercent()),
                    settings.relayLossPercent());
        } else {
            notBetter = String.format(Locale.ROOT, "no detour measurably better (best %s R %.0f vs direct R %.0f)",
                    best.quality().route(), best.quality().rFactor(), directR);
        }
        return new Decision(null, why + "; " + notBetter + ": media goes directly", all, false);
    }

    /**
     * Mid-call (Sec. 4, adaptation): a relay for the running media to {@code peer}, none of
     * {@code exclude} (the relay in use, relays that failed). Between public peers the measured
     * detours decide ({@link Paths#survey}, background figures or probes waiting at most {@code wait}):
     * the best detour within every threshold, else, when {@code mustBeatDirect} is false (the path
     * in use is dead), the best whose loss is within the threshold, else none; when
     * {@code mustBeatDirect} (inserting for a congested direct path) a detour outside the thresholds
     * must rate {@value #R_MARGIN} above the direct path. Behind a NAT, or with policy always, the
     * relay with the most spare capacity. {@code why} starts the decision's reason.
     */
    public Decision replacement(PeerRecord peer, Set<String> exclude, String why, boolean mustBeatDirect, Duration wait) {
        Set<String> ex = new java.util.HashSet<>(exclude);
        ex.add(self);
        ex.add(peer.nodeId());
        if (settings.nat() || peer.nat() || settings.relayPolicy() == Mode.ALWAYS) {
            // mid-call the cached list (most spare capacity first) saves a lookup; asked only if it is empty
            List<PeerRecord> cached = relays.candidates(1, ex);
            if (cached.isEmpty()) {
                PeerRecord found = relays.find(ex);
                return found == null ? new Decision(null, why + "; no other reachable RTP-Port relay is registered in the lookup service", null, false)
                        : new Decision(found, why + ": relay on " + found.shortId() + " (most spare capacity)", null, false);
            }
            return new Decision(cached.get(0), why + ": relay on "
                    + cached.get(0).shortId() + " (most spare capacity)", null, false);
        }
        List<PeerRecord> candidates = relays.candidates(MAX_RELAYS, ex);
        if (candidates.isEmpty()) {
            PeerRecord one = relays.find(ex);
            candidates = one == null ? List.of() : List.of(one);
        }
        if (candidates.isEmpty()) {
            return new Decision(null, why + "; no other reachable RTP-Port relay is registered in the lookup service", null, false);
        }
        PathSurvey all = paths.survey(peer, candidates, wait);
        PathQuality direct = all.direct();
        double directR = direct != null && direct.answeredAny() ? direct.rFactor() : 0;
        PathSurvey.Detour fine = null;
        PathSurvey.Detour best = null;
        for (PathSurvey.Detour d : all.detours()) {
            PathQuality q = d.quality();
            if (q == null || !q.answeredAny()) {
                continue;
            }
            if (broken(q) == null && (fine == null || q.rFactor() > fine.quality().rFactor())) {
                fine = d;
            }
            if (q.lossPercent() <= settings.relayLossPercent() && (best == null || q.rFactor() > best.quality().rFactor())) {
                best = d;
            }
        }
        PathSurvey.Detour chosen = fine;
        if (chosen == null && best != null && (!mustBeatDirect || best.quality().rFactor() >= directR + R_MARGIN)) {
            chosen = best;
        }
        if (chosen == null) {
            return new Decision(null, why + "; no detour " + (mustBeatDirect ? "measurably better" : "answering within the loss threshold")
                    + " (" + all.detours().size() + " measured)", all, false);
        }
        PeerRecord relay = relayWithId(candidates, chosen.relayNodeId());
        return new Decision(relay, String.format(Locale.ROOT, "%s; detour %s%s: relay on %s", why,
                figures(chosen.quality().route(), chosen.quality()),
                direct != null && direct.answeredAny() ? String.format(Locale.ROOT, " vs direct R %.0f", directR) : "",
                relay.shortId()), all, false);
    }

    /**
     * Whether the direct path's figures are comfortably good (for removing a relay inserted for
     * congestion): RTT, queueing delay and jitter at most 80% of their thresholds, loss at most half of its.
     */
    boolean comfortablyGood(PathQuality q) {
        return q != null && q.answeredAny() && q.rttMedianMs() <= 0.8 * settings.relayRttMs()
                && !queued(q, 0.8 * settings.relayQueueMs())
                && q.jitterMs() <= 0.8 * settings.relayJitterMs() && q.lossPercent() <= settings.relayLossPercent() / 2.0;
    }

    /** Whether the route's RTT median lies more than {@code limitMs} above its base RTT (known only). */
    private static boolean queued(PathQuality q, double limitMs) {
        double queueing = q.queueingMs();
        return !Double.isNaN(queueing) && queueing > limitMs;
    }

    /** The relays a running call to {@code peer} might move to (cached list, no waiting). */
    List<PeerRecord> candidates(PeerRecord peer) {
        return candidates(peer, MAX_RELAYS);
    }

    /** Up to {@code n} relays a running call to {@code peer} might move to (cached list, no waiting). */
    List<PeerRecord> candidates(PeerRecord peer, int n) {
        return relays.candidates(n, Set.of(self, peer.nodeId()));
    }

    /** The cached relay list is read again soon, in the background. */
    void refreshRelays() {
        relays.refreshSoon();
    }

    SatoSettings settings() {
        return settings;
    }

    private Decision byCapacity(String why, Set<String> exclude) {
        PeerRecord relay = relays.find(exclude);
        if (relay == null) {
            return new Decision(null, why + "; but no reachable RTP-Port relay is registered in the lookup service: media goes directly",
                    null, false);
        }
        return new Decision(relay, why + ": relay on " + relay.shortId() + " (most spare capacity)", null, false);
    }

    /** What thresholds the direct path breaks, with its figures; null if none. */
    String broken(PathQuality q) {
        if (q == null || !q.answeredAny()) {
            return "no answer to " + (q == null ? 0 : q.sent()) + " path probes";
        }
        List<String> over = new ArrayList<>();
        List<String> within = new ArrayList<>();
        String loss = "loss " + fmt(q.lossPercent()) + "%";
        String rtt = "RTT " + fmt(q.rttMedianMs()) + " ms";
        String jitter = "jitter " + fmt(q.jitterMs()) + " ms";
        (q.lossPercent() > settings.relayLossPercent() ? over : within)
                .add(q.lossPercent() > settings.relayLossPercent() ? loss + " > " + settings.relayLossPercent() + "%" : loss);
        (q.rttMedianMs() > settings.relayRttMs() ? over : within)
                .add(q.rttMedianMs() > settings.relayRttMs() ? rtt + " > " + settings.relayRttMs() + " ms" : rtt);
        if (queued(q, settings.relayQueueMs())) {
            // a standing queue: the RTT may still be short (a LAN's base RTT plus 100 ms of a bulk transfer's queue)
            over.add("queueing delay " + fmt(q.queueingMs()) + " ms > " + settings.relayQueueMs() + " ms (base RTT "
                    + fmt(q.baseRttMs()) + " ms)");
        }
        (q.jitterMs() > settings.relayJitterMs() ? over : within)
                .add(q.jitterMs() > settings.relayJitterMs() ? jitter + " > " + settings.relayJitterMs() + " ms" : jitter);
        if (over.isEmpty()) {
            return null;
        }
        over.addAll(within);
        return String.join(", ", over);
    }

    private static String figures(PathQuality q) {
        return figures(null, q);
    }

    /** {@code [route: ]RTT 0.4 ms (p95 0.6), jitter 0.1 ms, loss 0% (5 probes, 0.0 s old), R 93}. */
    private static String figures(String route, PathQuality q) {
        String s = q.toString().substring(q.route().length() + 2);
        return (route == null ? "" : route + " ") + s + String.format(Locale.ROOT, ", R %.0f", q.rFactor());
    }

    private static String fmt(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static PeerRecord relayWithId(List<PeerRecord> candidates, String nodeId) {
        return candidates.stream().filter(c -> c.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the survey measured relay " + nodeId + ", which was not asked for"));
    }
}
