package org.p2psip.om.sato;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/** The rules of mid-call adaptation: failover, insertion, removal, and no flapping at a threshold. */
public class PathJudgeTest {
    private static final long MS = 1_000_000L;
    private static final SatoSettings.Adaptation A = SatoSettings.Adaptation.DEFAULT;

    private static PathJudge.Figures direct(long silentMs, boolean mediaSinceChange, String degraded) {
        return new PathJudge.Figures(false, true, true, silentMs, true, mediaSinceChange, degraded, false);
    }

    private static PathJudge.Figures relayed(long silentMs, boolean mediaSinceChange, boolean directGood) {
        return new PathJudge.Figures(true, true, false, silentMs, true, mediaSinceChange, null, directGood);
    }

    @Test
    public void silenceAfterMediaFailsOverAtTheThresholdNotBefore() {
        PathJudge j = new PathJudge(A, 0);
        long t = 5_000 * MS;
        long silence = A.silence().toMillis();
        assertEquals(PathJudge.Action.NONE, j.judge(t, relayed(silence - 1, true, false)).action());
        PathJudge.Verdict v = j.judge(t, relayed(silence, true, false));
        assertEquals(PathJudge.Action.FAILOVER, v.action());
        assertTrue(v.reason(), v.reason().contains("no media for " + silence + " ms through the relay"));
    }

    @Test
    public void withPolicyAlwaysDirectMediaGoesBackThroughARelayOncePerWindow() {
        PathJudge j = new PathJudge(A, 0);
        long window = A.removeAfter().toMillis();
        PathJudge.Figures directAlways = new PathJudge.Figures(false, false, false, 0, true, true, null, false, true);
        assertEquals(PathJudge.Action.NONE, j.judge((window - 1) * MS, directAlways).action());
        PathJudge.Verdict v = j.judge(window * MS, directAlways);
        assertEquals(PathJudge.Action.RESTORE, v.action());
        assertTrue(v.reason(), v.reason().startsWith("relay policy always: on the direct path for "));
        j.acted(window * MS, v.action(), false); // no relay to go back to yet
        assertEquals("not again before the next window", PathJudge.Action.NONE,
                j.judge((2 * window - 1) * MS, directAlways).action());
        assertEquals(PathJudge.Action.RESTORE, j.judge(2 * window * MS, directAlways).action());
        j.acted(2 * window * MS, PathJudge.Action.RESTORE, true);
        PathJudge.Figures relayedAlways = new PathJudge.Figures(true, false, false, 0, true, true, null, false, true);
        assertEquals("on a relay: nothing to restore", PathJudge.Action.NONE, j.judge(10 * window * MS, relayedAlways).action());
        PathJudge.Figures directAuto = new PathJudge.Figures(false, true, true, 0, true, true, null, false, false);
        assertEquals("policy auto: direct is where media belongs", PathJudge.Action.NONE,
                new PathJudge(A, 0).judge(10 * window * MS, directAuto).action());
    }

    @Test
    public void noFailoverBeforeAnyMediaFlowed() {
        PathJudge j = new PathJudge(A, 0);
        PathJudge.Figures never = new PathJudge.Figures(true, true, false, 5000, false, false, null, false);
        assertEquals(PathJudge.Action.NONE, j.judge(10_000 * MS, never).action());
    }

    @Test
    public void afterThreeFailoversThatBroughtNothingBackItStopsUntilMediaFlows() {
        PathJudge j = new PathJudge(A, 0);
        long t = 1_000 * MS;
        int failovers = 0;
        for (int i = 0; i < 20; i++) {
            t += 300 * MS;
            PathJudge.Verdict v = j.judge(t, relayed(300, false, false));
            if (v.action() == PathJudge.Action.FAILOVER) {
                failovers++;
                j.acted(t, v.action(), true);
            }
        }
        assertEquals(PathJudge.MAX_FAILOVERS, failovers);
        // media comes back on the last path, then stops again: failover allowed again
        t += 300 * MS;
        j.judge(t, relayed(0, true, false));
        t += 300 * MS;
        assertEquals(PathJudge.Action.FAILOVER, j.judge(t, relayed(A.silence().toMillis() + 50, true, false)).action());
    }

    @Test
    public void aDirectPathDegradedWithoutABreakForTheWindowGetsARelay() {
        PathJudge j = new PathJudge(A, 0);
        long t = 10_000 * MS;
        PathJudge.Verdict v = PathJudge.Verdict.NONE;
        long first = t;
        while (v.action() == PathJudge.Action.NONE && t < first + 5_000 * MS) {
            v = j.judge(t, direct(0, true, "probes RTT 310 ms > 150 ms"));
            t += 250 * MS;
        }
        assertEquals(PathJudge.Action.INSERT, v.action());
        long after = (t - 250 * MS - first) / MS;
        assertTrue("inserted after the 2 s window, not later than one evaluation after it: " + after,
                after >= 2000 && after <= 2250);
        assertTrue(v.reason(), v.reason().startsWith("direct path degraded for "));
    }

    @Test
    public void aBreakInTheDegradationRestartsTheWindow() {
        PathJudge j = new PathJudge(A, 0);
        long t = 10_000 * MS;
        for (int i = 0; i < 7; i++) { // 1.75 s degraded
            assertEquals(PathJudge.Action.NONE, j.judge(t, direct(0, true, "loss")).action());
            t += 250 * MS;
        }
        assertEquals(PathJudge.Action.NONE, j.judge(t, direct(0, true, null)).action());
        t += 250 * MS;
        for (int i = 0; i < 7; i++) {
            assertEquals(PathJudge.Action.NONE, j.judge(t, direct(0, true, "loss")).action());
            t += 250 * MS;
        }
    }

    @Test
    public void aRelayGoesWhenTheDirectPathHasBeenGoodForTheRemovalWindowOnlyIfRemovable() {
        PathJudge j = new PathJudge(A, 0);
        long t = 1_000 * MS;
        j.acted(t, PathJudge.Action.INSERT, true);
        PathJudge.Verdict v = PathJudge.Verdict.NONE;
        long start = t;
        while (v.action() == PathJudge.Action.NONE && t < start + 20_000 * MS) {
            t += 250 * MS;
            v = j.judge(t, relayed(0, true, true));
        }
        assertEquals(PathJudge.Action.REMOVE, v.action());
        assertTrue((t - start) / MS >= 10_000);

        PathJudge forced = new PathJudge(A, 0);
        PathJudge.Figures notRemovable = new PathJudge.Figures(true, false, false, 0, true, true, null, true);
        for (long u = 0; u < 60_000; u += 250) {
            assertEquals(PathJudge.Action.NONE, forced.judge(u * MS, notRemovable).action());
        }
    }

    /**
     * A path held at the thresholds for 60 s (degraded and good in random alternation, the direct
     * figures read every 250 ms): at most one change per window, so at most 10 changes in 60 s
     * with the default windows (2 s to insert, 10 s to remove), never two changes closer than the
     * insertion window.
     */
    @Test
    public void aPathHeldAtTheThresholdDoesNotFlap() {
        for (long seed = 1; seed <= 200; seed++) {
            Random r = new Random(seed);
            PathJudge j = new PathJudge(A, 0);
            boolean relayed = false;
            boolean degraded = false;
            List<Long> changes = new ArrayList<>();
            for (long ms = 0; ms <= 60_000; ms += 250) {
                if (r.nextInt(100) < 1 + (int) (seed % 40)) {
                    degraded = !degraded;
                }
                PathJudge.Figures f = relayed ? relayed(0, true, !degraded) : direct(0, true, degraded ? "RTT 151 ms > 150 ms" : null);
                PathJudge.Verdict v = j.judge(ms * MS, f);
                if (v.action() == PathJudge.Action.INSERT || v.action() == PathJudge.Action.REMOVE) {
                    j.acted(ms * MS, v.action(), true);
                    relayed = v.action() == PathJudge.Action.INSERT;
                    changes.add(ms);
                }
            }
            assertTrue("seed " + seed + ": " + changes, changes.size() <= 10);
            for (int i = 1; i < changes.size(); i++) {
                long gap = changes.get(i) - changes.get(i - 1);
                assertTrue("seed " + seed + ": changes " + gap + " ms apart: " + changes, gap >= A.insertAfter().toMillis());
            }
        }
    }

    @Test
    public void aWindowOfZeroStillNeedsTheSilenceThreshold() {
        SatoSettings.Adaptation eager = new SatoSettings.Adaptation(true, Duration.ofMillis(200), Duration.ZERO, Duration.ZERO);
        PathJudge j = new PathJudge(eager, 0);
        assertEquals(PathJudge.Action.NONE, j.judge(1_000 * MS, relayed(100, true, false)).action());
        assertEquals(PathJudge.Action.REMOVE, j.judge(1_000 * MS, relayed(0, true, true)).action());
    }
}
