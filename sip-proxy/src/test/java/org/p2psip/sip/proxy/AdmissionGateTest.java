package org.p2psip.sip.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** Overload control: the fixed bound, and a standing queue of slow set-ups told from a burst. */
public class AdmissionGateTest {
    private long now = TimeUnit.SECONDS.toNanos(1000);
    private final AdmissionGate gate = new AdmissionGate(32, 50, () -> now);

    private void advanceMillis(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** {@code n} set-ups of {@code setupMillis} each to peer B, spread over {@code overMillis}. */
    private void setUps(int n, long setupMillis, long overMillis) {
        setUps("peer-b", n, setupMillis, overMillis);
    }

    private void setUps(String destination, int n, long setupMillis, long overMillis) {
        load(destination, n, setupMillis, overMillis, 0);
    }

    /** As {@link #setUps}, and {@code offeredPerSetUp} new calls taken with each (none in set-up yet). */
    private void load(String destination, int n, long setupMillis, long overMillis, int offeredPerSetUp) {
        for (int i = 0; i < n; i++) {
            advanceMillis(overMillis / n);
            for (int k = 0; k < offeredPerSetUp; k++) {
                assertNull(gate.refusal(0));
            }
            gate.setUp(destination, TimeUnit.MILLISECONDS.toNanos(setupMillis));
        }
    }

    @Test
    public void aNewCallFindingTheLimitInSetUpIsRefusedNamingTheCount() {
        assertNull(gate.refusal(0));
        assertNull(gate.refusal(31));
        assertEquals("32 calls in set-up", gate.refusal(32));
        assertFalse(gate.limiting());
    }

    @Test
    public void aBurstOfSlowSetUpsShorterThanTheWindowDoesNotLimit() {
        setUps(10, 10, 1000); // 10 calls/s, fast
        setUps(12, 300, 480); // a pause: twelve calls slow, one after the other for 440 ms
        setUps(3, 12, 60); // the backlog read, fast again
        advanceMillis(250);
        assertFalse(gate.limiting());
        assertNull("a burst queues and passes", gate.refusal(20));
    }

    @Test
    public void aFewSlowSetUpsAtALowRateDoNotLimit() {
        setUps(3, 400, 190); // fresh peers: the first calls wait for the compiles
        advanceMillis(250);
        assertFalse(gate.limiting());
        assertNull(gate.refusal(5));
    }

    @Test
    public void slowSetUpsAtAFewCallsASecondAreNotAStandingQueue() {
        // fresh peers at 10 calls/s: after the first, each call 100-200 ms slower than the fastest, for two seconds
        setUps(1, 100, 100);
        for (int i = 0; i < 19; i++) {
            setUps(1, 200 + i % 3 * 50, 100);
        }
        advanceMillis(1);
        assertFalse(gate.limiting());
        assertNull(gate.refusal(4));
    }

    @Test
    public void aFarPeerIsSlowNotQueued() {
        setUps("far", 100, 400, 4000); // 25 calls/s to a peer 400 ms away
        setUps("near", 5, 10, 100);
        setUps("far", 50, 420, 2000);
        advanceMillis(250);
        assertFalse(gate.limiting());
        assertNull("25/s x 400 ms: 10 calls in set-up, all waiting for the network", gate.refusal(12));
    }

    @Test
    public void anOverloadWithAStandingQueueLimitsTheCallsInSetUpSoThatTheyWaitAboutTheTarget() {
        load("peer-b", 10, 10, 1000, 1); // peer B answers in 10 ms
        load("peer-b", 60, 400, 1000, 2); // then twice as many calls come as are set up, each set up in 400 ms
        advanceMillis(1);
        assertTrue(gate.limiting());
        // every set-up since it began limiting waited too long: the limit is down to its least
        assertNull(gate.refusal(1));
        String why = gate.refusal(2);
        assertNotNull(why);
        assertEquals("2 calls in set-up, limit 2 while set-ups queue over 50 ms", why);
        // set-ups within the target (30 ms in queue): the limit rises, by 1/limit each
        load("peer-b", 30, 40, 300, 2);
        assertNull("limit about 8", gate.refusal(7));
        assertNotNull(gate.refusal(8));
        // set-ups over the target again (60 ms in queue): it falls, by a half each
        load("peer-b", 6, 70, 60, 2);
        assertNull("limit about 5", gate.refusal(4));
        assertNotNull(gate.refusal(5));
        load("peer-b", 10, 70, 100, 2);
        assertNotNull("limit 2", gate.refusal(2));
        assertTrue(gate.limiting());
        // the overload ends: nothing refused for a second, the fixed bound only
        setUps(10, 20, 999);
        assertTrue(gate.limiting());
        advanceMillis(15);
        assertFalse(gate.limiting());
        assertNull(gate.refusal(20));
    }

    @Test
    public void theLimitIsNeverBelowTwo() {
        setUps(1, 10, 1);
        advanceMillis(300);
        setUps(12, 400, 600); // twelve calls queued one after the other for 550 ms
        advanceMillis(50);
        assertTrue(gate.limiting());
        advanceMillis(800); // 12 set-ups x 60 ms in the last second: 0.7 calls, yet two may be in set-up
        assertNull(gate.refusal(1));
        assertEquals("2 calls in set-up, limit 2 while set-ups queue over 50 ms", gate.refusal(2));
    }

    @Test
    public void aTargetOfZeroLeavesTheFixedBoundOnly() {
        AdmissionGate off = new AdmissionGate(32, 0, () -> now);
        for (int i = 0; i < 100; i++) {
            advanceMillis(10);
            assertNull(off.refusal(0));
            off.setUp("peer-b", TimeUnit.MILLISECONDS.toNanos(i < 10 ? 10 : 400));
        }
        assertFalse(off.limiting());
        assertNull(off.refusal(31));
        assertEquals("32 calls in set-up", off.refusal(32));
    }

    @Test(expected = IllegalArgumentException.class)
    public void aNegativeTargetIsRefused() {
        new AdmissionGate(32, -1, () -> now);
    }
}
