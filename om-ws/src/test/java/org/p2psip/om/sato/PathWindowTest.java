package org.p2psip.om.sato;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.p2psip.om.ports.MediaCounters;

/** One end's view of a media path from successive counter readings. */
public class PathWindowTest {
    private static final long MS = 1_000_000L;

    private static MediaCounters c(long packets, long expected, long lost, double jitter) {
        return new MediaCounters("s", 0, packets, expected, lost, jitter);
    }

    @Test
    public void silenceCountsFromTheLastPacketOrTheLastChange() {
        PathWindow w = new PathWindow(0);
        w.add(0, c(0, 0, 0, 0));
        assertFalse(w.flowed());
        w.add(50 * MS, c(3, 3, 0, 0));
        assertTrue(w.flowed());
        w.add(100 * MS, c(3, 3, 0, 0));
        w.add(300 * MS, c(3, 3, 0, 0));
        assertEquals(250, w.silentMillis(300 * MS));
        w.changed(320 * MS);
        assertEquals(0, w.silentMillis(320 * MS));
        assertFalse(w.mediaSinceChange());
    }

    @Test
    public void theGapAroundAChangeRunsFromTheLastPacketBeforeItToTheFirstAfter() {
        PathWindow w = new PathWindow(0);
        w.add(0, c(0, 0, 0, 0));
        w.add(50 * MS, c(3, 3, 0, 0)); // last packet of the old path
        w.add(300 * MS, c(3, 3, 0, 0));
        w.beginChange();
        assertEquals(-1, w.add(350 * MS, c(3, 3, 0, 0)));
        // a packet over the new path before the change is complete still ends the gap
        assertEquals(400, w.add(450 * MS, c(5, 20, 15, 0)));
        w.changedAfterBegin(470 * MS);
        assertEquals(-1, w.add(500 * MS, c(7, 22, 15, 0)));
        assertTrue(w.mediaSinceChange());
    }

    @Test
    public void lossAndPacketsOverTheWindow() {
        PathWindow w = new PathWindow(0);
        long expected = 0;
        long lost = 0;
        for (int i = 0; i <= 40; i++) { // 2 s at 50 ms, 50 packets/s, 10% lost in the second second
            long t = i * 50L * MS;
            expected += 2;
            if (i > 20 && i % 5 == 0) {
                lost += 1;
            }
            w.add(t, c(expected - lost, expected, lost, 4.5));
        }
        long now = 40 * 50L * MS;
        assertEquals(40, w.expected(now, 1000));
        assertEquals(0.1, w.lossRatio(now, 1000), 0.001);
        assertEquals(36, w.packets(now, 1000));
        assertEquals(4.5, w.jitterMs(), 0);
    }

    @Test
    public void countersThatGoBackStartTheWindowOver() {
        PathWindow w = new PathWindow(0);
        w.add(0, c(100, 100, 10, 0));
        w.add(50 * MS, c(5, 5, 0, 0));
        assertEquals(0.0, w.lossRatio(50 * MS, 1000), 0);
    }
}
