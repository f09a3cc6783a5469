package org.p2psip.om.path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** A route's recent figures and its base RTT (the lowest RTT of the last 10 minutes). */
public class RouteWindowTest {
    private static final long MS = 1_000_000L;
    private static final long MINUTE = 60_000 * MS;

    @Test
    public void theBaseIsTheLowestRttOfTheLastTenMinutesAndQueueingTheMedianAboveIt() {
        RouteWindow w = new RouteWindow();
        long t0 = 5 * MINUTE;
        assertTrue("nothing answered yet", Double.isNaN(w.baseRttMs(t0)));
        w.add(t0, -1);
        assertTrue("a lost probe is no RTT", Double.isNaN(w.baseRttMs(t0)));
        w.add(t0, 2 * MS); // an idle path
        w.add(t0 + 1000 * MS, 1 * MS);
        // four minutes later a bulk transfer fills the bottleneck's queue
        long t1 = t0 + 4 * MINUTE;
        for (int i = 0; i < 9; i++) {
            w.add(t1 + i * 500 * MS, (120 + i) * MS);
        }
        PathQuality q = w.figures("direct", t1 + 4500 * MS, 5000 * MS);
        assertEquals(9, q.sent());
        assertEquals(124.0, q.rttMedianMs(), 1e-9);
        assertEquals(1.0, q.baseRttMs(), 1e-9);
        assertEquals(123.0, q.queueingMs(), 1e-9);
        // ten minutes after the idle probes the base is what the route answered since
        assertEquals(1.0, w.baseRttMs(t0 + 9 * MINUTE), 1e-9);
        assertEquals(120.0, w.baseRttMs(t0 + 10 * MINUTE), 1e-9);
        assertTrue("none left after 14 minutes", Double.isNaN(w.baseRttMs(t1 + 10 * MINUTE)));
    }

    @Test
    public void aRouteWhoseProbesAllGoUnansweredHasNoQueueingDelay() {
        RouteWindow w = new RouteWindow();
        w.add(MINUTE, 1 * MS);
        w.add(MINUTE + 500 * MS, -1);
        PathQuality q = w.figures("direct", MINUTE + 600 * MS, 200 * MS);
        assertEquals(0, q.answered());
        assertTrue(Double.isNaN(q.queueingMs()));
    }
}
