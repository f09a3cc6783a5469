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
        PathWindow w = new PathWindow(0, 150);
        w.add(0, c(0, 0, 0, 0));
        assertFalse(w.flowed());
        w.add(50 * MS, c(3, 3, 0, 0));
        assertTrue(w.flowed());
        for (long t = 75; t <= 300; t += 25) { // the watch's tick
            w.add(t * MS, c(3, 3, 0, 0));
        }
        assertEquals(250, w.silentMillis(300 * MS));
        assertEquals(0, w.stalls());
        w.changed(320 * MS);
        assertEquals(0, w.silentMillis(320 * MS));
        assertFalse(w.mediaSinceChange());
    }

    @Test
    public void whatTheWatchDidNotSeeWhileItStalledIsNotSilence() {
        PathWindow w = new PathWindow(0, 150);
        long packets = 0;
        for (long t = 0; t <= 1000; t += 25) {
            w.add(t * MS, c(packets += 1, packets, 0, 0));
        }
        // the process stalls for 400 ms (a collection, a starved machine): the first reading after it
        // finds the counters where they were, the RTP-Port not having read its socket yet
        w.add(1400 * MS, c(packets, packets, 0, 0));
        assertEquals(1, w.stalls());
        assertEquals("not 400 ms of silence", 0, w.silentMillis(1400 * MS));
        w.add(1425 * MS, c(packets += 20, packets, 0, 0)); // the backlog arrives
        assertEquals(0, w.silentMillis(1425 * MS));
        // a path that really died is still found, counting from the first reading after the stall
        for (long t = 1450; t <= 1600; t += 25) {
            w.add(t * MS, c(packets, packets, 0, 0));
        }
        assertEquals(175, w.silentMillis(1600 * MS));
        // readings slower than the tick but under the stall time (a busy machine) do not hide a silence
        for (long t = 1700; t <= 2000; t += 100) {
            w.add(t * MS, c(packets, packets, 0, 0));
        }
        assertEquals(575, w.silentMillis(2000 * MS));
        assertEquals(1, w.stalls());
    }

    @Test
    public void theGapAroundAChangeRunsFromTheLastPacketBeforeItToTheFirstAfter() {
        PathWindow w = new PathWindow(0, 150);
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
        PathWindow w = new PathWindow(0, 150);
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
        PathWindow w = new PathWindow(0, 150);
        w.add(0, c(100, 100, 10, 0));
        w.add(50 * MS, c(5, 5, 0, 0));
        assertEquals(0.0, w.lossRatio(50 * MS, 1000), 0);
    }
}
