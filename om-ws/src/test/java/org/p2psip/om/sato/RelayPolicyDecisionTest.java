package org.p2psip.om.sato;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import org.p2psip.om.path.PathQuality;
import org.p2psip.om.path.PathSurvey;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.Address;

/** The auto relay policy on given figures: when a relay goes in, which, and the reason it gives. */
public class RelayPolicyDecisionTest {
    private static final String SELF = "00000000aa";
    private static final PeerRecord PEER = new PeerRecord("b0b0b0b0b0", new Address("192.0.2.2", 7070), -1);
    private static final PeerRecord R1 = new PeerRecord("3f2a00001111", new Address("192.0.2.3", 7070), 10);
    private static final PeerRecord R2 = new PeerRecord("4e4e00002222", new Address("192.0.2.4", 7070), 50);

    private static final PathQuality FINE = q("direct", 5, 5, 0.4, 0.1);
    private static final PathQuality CONGESTED = q("direct", 25, 9, 412, 40);
    private static final PathQuality SILENT = new PathQuality("direct", 5, 0, 100, Double.NaN, Double.NaN, Double.NaN, 0);

    private static PathQuality q(String route, int sent, int answered, double rttMs, double jitterMs) {
        return new PathQuality(route, sent, answered, 100.0 * (sent - answered) / sent, rttMs, rttMs * 1.2, jitterMs, 300);
    }

    /** Fake measurements: the direct figures and each relay's detour figures; records what was asked. */
    private static final class Fake implements RelayPolicy.Paths, RelayPolicy.Relays {
        final PathQuality direct;
        final Map<String, PathQuality> detours = new LinkedHashMap<>();
        final List<List<PeerRecord>> surveys = new ArrayList<>();
        final List<PeerRecord> registered = new ArrayList<>();
        int candidateQueries;

        Fake(PathQuality direct) {
            this.direct = direct;
        }

        Fake detour(PeerRecord relay, PathQuality figures) {
            detours.put(relay.nodeId(), figures.named("via " + relay.shortId()));
            registered.add(relay);
            return this;
        }

        @Override
        public PathSurvey survey(PeerRecord peer, List<PeerRecord> relays, Duration wait) {
            assertSame(PEER, peer);
            assertEquals("waits at most twice the RTT threshold", Duration.ofMillis(300), wait);
            surveys.add(relays);
            List<PathSurvey.Detour> d = new ArrayList<>();
            relays.forEach(r -> d.add(new PathSurvey.Detour(r.nodeId(), detours.get(r.nodeId()))));
            return new PathSurvey(direct, d);
        }

        @Override
        public List<PeerRecord> candidates(int n, Set<String> exclude) {
            candidateQueries++;
            assertTrue(exclude.contains(SELF) && exclude.contains(PEER.nodeId()));
            return registered.stream().limit(n).toList();
        }

        @Override
        public PeerRecord find(Set<String> exclude) {
            return registered.isEmpty() ? null : registered.get(0);
        }
    }

    private static RelayPolicy.Decision decide(Fake f) {
        return decide(f, RelayPolicy.Mode.AUTO, false, PEER);
    }

    private static RelayPolicy.Decision decide(Fake f, RelayPolicy.Mode mode, boolean selfNat, PeerRecord peer) {
        return new RelayPolicy(new SatoSettings(mode, 150, 3, 30, selfNat), SELF, f, f).decide(peer);
    }

    @Test
    public void aFinePathKeepsMediaDirectWithoutProbingDetours() {
        Fake f = new Fake(FINE).detour(R1, q("x", 5, 5, 1, 0));
        RelayPolicy.Decision d = decide(f);
        assertNull(d.relay());
        assertFalse(d.unreachable());
        assertEquals("only the direct path measured", List.of(List.of()), f.surveys);
        assertEquals("no relay looked up", 0, f.candidateQueries);
        assertEquals("direct path fine: RTT 0.4 ms (p95 0.5), jitter 0.1 ms, loss 0% (5 probes, 0.3 s old), R 93", d.reason());
        assertSame(FINE, d.survey().direct());
    }

    @Test
    public void aCongestedDirectPathAndAGoodDetourPutTheRelayIn() {
        Fake f = new Fake(CONGESTED).detour(R1, q("x", 25, 25, 60, 2));
        RelayPolicy.Decision d = decide(f);
        assertSame(R1, d.relay());
        assertTrue(d.reason(), d.reason().startsWith("direct path congested: loss 64% > 3%, RTT 412 ms > 150 ms, jitter 40 ms > 30 ms;"
                + " detour via 3f2a0000 RTT 60.0 ms (p95 72.0), jitter 2.0 ms, loss 0% (25 probes, 0.3 s old), R 92 vs direct R 2"));
        assertTrue(d.reason(), d.reason().endsWith(": relay on 3f2a0000"));
        assertEquals(1, d.survey().detours().size());
    }

    @Test
    public void aDetourAsBadAsTheDirectPathKeepsMediaDirectAndSaysSo() {
        Fake f = new Fake(CONGESTED).detour(R1, q("x", 25, 9, 420, 40));
        RelayPolicy.Decision d = decide(f);
        assertNull(d.relay());
        assertTrue(d.reason(), d.reason().contains("every detour loses too much (best via 3f2a0000 R "));
        assertTrue(d.reason(), d.reason().endsWith(": media goes directly"));
    }

    @Test
    public void aDetourWithinTheThresholdsBeatsADirectPathThatBreaksOne() {
        // direct: RTT 300 ms (300 ms of queue one way), no loss -> R 89.4, above the RTT threshold; the
        // detour's 120 ms: R 91.5, within every threshold: the operator's thresholds decide, not R alone
        Fake f = new Fake(q("direct", 10, 10, 300, 0)).detour(R1, q("x", 10, 10, 120, 0));
        RelayPolicy.Decision d = decide(f);
        assertSame(R1, d.relay());
        assertTrue(d.reason(), d.reason().contains("RTT 300 ms > 150 ms"));
    }

    @Test
    public void aDetourOnlySlightlyBetterIsNotWorthARelay() {
        // both break the RTT threshold: direct 300 ms -> R 89.4; the detour's 250 ms: R 90.4, less than 5 better
        Fake f = new Fake(q("direct", 10, 10, 300, 0)).detour(R1, q("x", 10, 10, 250, 0));
        RelayPolicy.Decision d = decide(f);
        assertNull(d.relay());
        assertTrue(d.reason(), d.reason().contains("RTT 300 ms > 150 ms"));
        assertTrue(d.reason(), d.reason().contains("no detour measurably better (best via 3f2a0000 R 90 vs direct R 89)"));
    }

    @Test
    public void ofTwoDetoursTheBetterOneIsChosen() {
        Fake f = new Fake(CONGESTED).detour(R1, q("x", 25, 24, 120, 10)).detour(R2, q("x", 25, 25, 40, 1));
        RelayPolicy.Decision d = decide(f);
        assertSame(R2, d.relay());
        assertEquals(2, d.survey().detours().size());
        assertTrue(d.reason(), d.reason().contains("detour via 4e4e0000"));
    }

    @Test
    public void aDirectPathThatAnswersNothingButAWorkingDetourGetsTheRelay() {
        Fake f = new Fake(SILENT).detour(R1, q("x", 5, 5, 30, 1));
        RelayPolicy.Decision d = decide(f);
        assertSame(R1, d.relay());
        assertTrue(d.reason(), d.reason().startsWith("direct path: no answer to 5 path probes; detour via 3f2a0000"));
        assertTrue(d.reason(), d.reason().contains("vs direct R 0"));
    }

    @Test
    public void whenNothingAnswersTheFarOmIsUnreachable() {
        Fake f = new Fake(SILENT).detour(R1, new PathQuality("x", 5, 0, 100, Double.NaN, Double.NaN, Double.NaN, 0))
                .detour(R2, new PathQuality("x", 5, 0, 100, Double.NaN, Double.NaN, Double.NaN, 0));
        RelayPolicy.Decision d = decide(f);
        assertTrue(d.unreachable());
        assertNull(d.relay());
        assertEquals("far OM unreachable: no answer to path probes directly nor via 3f2a0000, via 4e4e0000", d.reason());
    }

    @Test
    public void aCongestedPathWithNoRelayRegisteredStaysDirect() {
        RelayPolicy.Decision d = decide(new Fake(CONGESTED));
        assertNull(d.relay());
        assertFalse(d.unreachable());
        assertTrue(d.reason(), d.reason().endsWith("no reachable RTP-Port relay is registered in the lookup service: media goes directly"));
    }

    @Test
    public void natRulesAndFixedModesMeasureNothing() {
        Fake f = new Fake(FINE).detour(R1, FINE).detour(R2, FINE);
        PeerRecord natted = new PeerRecord(PEER.nodeId(), PEER.om(), -1, true, null);
        RelayPolicy.Decision d = decide(f, RelayPolicy.Mode.AUTO, false, natted);
        assertSame(R1, d.relay());
        assertEquals("peer b0b0b0b0 is behind a NAT: relay on 3f2a0000 (most spare capacity)", d.reason());
        assertEquals("this peer is behind a NAT: relay on 3f2a0000 (most spare capacity)",
                decide(f, RelayPolicy.Mode.AUTO, true, PEER).reason());
        assertSame(R1, decide(f, RelayPolicy.Mode.ALWAYS, false, PEER).relay());
        RelayPolicy.Decision never = decide(f, RelayPolicy.Mode.NEVER, true, natted);
        assertNull(never.relay());
        assertEquals("relay policy never", never.reason());
        assertTrue("nothing probed", f.surveys.isEmpty());
    }

    @Test
    public void aStandingQueueOnAShortPathPutsTheRelayInALongPathWithoutOneStaysDirect() {
        // a bulk TCP transfer keeps ~120 ms in the bottleneck's queue of a LAN path: RTT 121 ms is
        // within the 150 ms threshold and the E-model rates it well, but it is 120 ms of congestion
        PathQuality queued = q("direct", 9, 9, 121, 9).withBase(0.9);
        Fake f = new Fake(queued).detour(R1, q("x", 9, 9, 1.2, 0.3).withBase(0.8));
        RelayPolicy.Decision d = decide(f);
        assertSame(d.reason(), R1, d.relay());
        assertTrue(d.reason(), d.reason().startsWith("direct path congested: queueing delay 120 ms > 50 ms (base RTT 0.9 ms),"
                + " loss 0%, RTT 121 ms, jitter 9 ms; detour via 3f2a0000 RTT 1.2 ms (p95 1.4, base 0.8)"));
        // the same RTT on an intercontinental path whose base RTT it is: no queue, no relay, no detour probed
        Fake far = new Fake(q("direct", 9, 9, 121, 1).withBase(118)).detour(R1, q("x", 9, 9, 1.2, 0.3).withBase(0.8));
        RelayPolicy.Decision d2 = decide(far);
        assertNull(d2.reason(), d2.relay());
        assertEquals("direct path fine: RTT 121 ms (p95 145, base 118), jitter 1.0 ms, loss 0% (9 probes, 0.3 s old), R 91",
                d2.reason());
        assertEquals(List.of(List.of()), far.surveys);
        // without a known base only the absolute thresholds count
        assertNull(decide(new Fake(q("direct", 9, 9, 121, 9)).detour(R1, q("x", 9, 9, 1.2, 0.3))).relay());
    }

    @Test
    public void aRelayForAQueueGoesOnlyWhenTheQueueHasDrainedWellBelowTheThreshold() {
        RelayPolicy p = new RelayPolicy(new SatoSettings(RelayPolicy.Mode.AUTO, 150, 3, 30, false), SELF, new Fake(FINE), new Fake(FINE));
        assertFalse("45 ms of queue: within 50, not within 80% of it", p.comfortablyGood(q("direct", 9, 9, 46, 1).withBase(1)));
        assertTrue(p.comfortablyGood(q("direct", 9, 9, 30, 1).withBase(1)));
        assertTrue("no base known: the absolute figures", p.comfortablyGood(q("direct", 9, 9, 46, 1)));
    }
}
