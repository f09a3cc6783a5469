package org.p2psip.om.path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.p2psip.om.types.Address;

/** Figures per route from real loopback probes: at call set-up, for a peer that is gone, and in the background. */
public class PathProbesTest {
    private static final String A = "aaaaaaaa00", B = "bbbbbbbb00", C = "cccccccc00";
    private static final PathProbes.Settings FAST = new PathProbes.Settings(Duration.ofMillis(200), 3, Duration.ofSeconds(5),
            5, 32, 3, Duration.ofMinutes(5));
    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
    }

    private PathProbes open() throws Exception {
        PathProbes p = PathProbes.open(new InetSocketAddress("127.0.0.1", 0), ProbeSocket.Limits.DEFAULT, FAST);
        owned.add(p);
        return p;
    }

    private static PathProbes.Target target(String id, PathProbes p) {
        return new PathProbes.Target(id, Address.of(p.socket().localAddress()));
    }

    @Test
    public void aSurveyMeasuresTheDirectPathAndEachDetourNow() throws Exception {
        PathProbes a = open();
        PathProbes b = open();
        PathProbes c = open();
        PathSurvey s = a.survey(target(B, b), List.of(target(C, c)), Duration.ofSeconds(2));
        assertEquals(5, s.direct().sent());
        assertEquals(5, s.direct().answered());
        assertEquals(0.0, s.direct().lossPercent(), 0);
        assertTrue(s.direct().toString(), s.direct().toString().matches("direct: RTT [0-9.]+ ms \\(p95 [0-9.]+, base [0-9.]+\\), jitter [0-9.]+ ms,"
                + " loss 0% \\(5 probes, 0\\.0 s old\\)"));
        assertEquals(1, s.detours().size());
        PathQuality via = s.detours().get(0).quality();
        assertEquals("via cccccccc", via.route());
        assertEquals(5, via.answered());
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (c.socket().counters().returned() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the relay counts each return after sending it
        }
        assertEquals("the relay returned B's 5 echoes to A", 5, c.socket().counters().returned());
        assertTrue(via.rFactor() > 90);
    }

    @Test
    public void aPeerThatIsGoneAnswersNothing() throws Exception {
        PathProbes a = open();
        PathProbes b = open();
        PathProbes.Target gone = target(B, b);
        b.close();
        long t0 = System.nanoTime();
        PathSurvey s = a.survey(gone, List.of(), Duration.ofMillis(300));
        assertTrue("waited no longer than the bound", System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos());
        assertEquals(100.0, s.direct().lossPercent(), 0);
        assertFalse(s.direct().answeredAny());
        assertTrue(s.nothingAnswered());
        assertEquals("direct: no answer (5 probes, 0.0 s old)", s.direct().toString());
    }

    @Test
    public void backgroundFiguresOfWatchedPeersAreUsedAtSetUpWithoutProbing() throws Exception {
        PathProbes a = open();
        PathProbes b = open();
        PathProbes c = open();
        PathProbes.Target tb = target(B, b);
        PathProbes.Target tc = target(C, c);
        a.start(() -> List.of(tb), () -> List.of(tc));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        PathQuality direct = null;
        PathQuality via = null;
        while (System.nanoTime() < deadline && (direct == null || via == null || direct.answered() < 6 || via.answered() < 6)) {
            Thread.sleep(100);
            direct = a.figures(tb, null);
            via = a.figures(tb, tc);
        }
        assertNotNull("background figures of the direct route", direct);
        assertNotNull("background figures of the detour", via);
        assertTrue(direct.toString(), direct.answered() >= 6);
        assertTrue(via.toString(), via.answered() >= 6);
        PathSurvey s = a.survey(tb, List.of(tc), Duration.ofSeconds(1));
        // a burst at set-up gives the figures of exactly its 5 probes; the background windows hold more
        assertTrue("the survey reused the background figures: " + s, s.direct().sent() > 5);
        assertTrue("the survey reused the background figures: " + s, s.detours().get(0).quality().sent() > 5);
        assertNull("a route never measured has no figures", a.figures(new PathProbes.Target(A, tb.om()), null));
    }
}
