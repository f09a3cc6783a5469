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
        for (int i = 0; i < n; i++) {
            advanceMillis(overMillis / n);
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
        setUps(6, 300, 150); // a pause: six calls slow, one after the other for 125 ms
        setUps(3, 12, 60); // the backlog read, fast again, within the same window
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
    public void aFarPeerIsSlowNotQueued() {
        setUps("far", 100, 400, 4000); // 25 calls/s to a peer 400 ms away
        setUps("near", 5, 10, 100);
        setUps("far", 50, 420, 2000);
        advanceMillis(250);
        assertFalse(gate.limiting());
        assertNull("25/s x 400 ms: 10 calls in set-up, all waiting for the network", gate.refusal(12));
    }

    @Test
    public void aStandingQueueLimitsTheCallsInSetUpToWhatIsSetUpInTheTarget() {
        setUps(10, 10, 1000); // peer B answers in 10 ms
        setUps(60, 400, 1000); // then 60 set-ups in a second, each 400 ms: 390 ms in queue
        advanceMillis(1);
        assertTrue(gate.limiting());
        // 60/s x (10 + 50 ms) = 3.6 calls in set-up
        assertNull(gate.refusal(2));
        String why = gate.refusal(3);
        assertNotNull(why);
        assertEquals("3 calls in set-up, limit 3 while set-ups queue over 50 ms", why);
        // set-ups still queued (60 ms) at the limited rate: the excess is still refused
        for (int i = 0; i < 20; i++) {
            setUps(3, 70, 50);
            assertNotNull(gate.refusal(5));
        }
        assertTrue(gate.limiting());
        assertEquals("5 calls in set-up, limit 3 while set-ups queue over 50 ms", gate.refusal(5));
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
        setUps(5, 400, 250); // five calls queued one after the other for 200 ms
        advanceMillis(50);
        assertTrue(gate.limiting());
        advanceMillis(900); // those set-ups are more than a second old: no rate, yet two calls may be in set-up
        assertNull(gate.refusal(1));
        assertEquals("2 calls in set-up, limit 2 while set-ups queue over 50 ms", gate.refusal(2));
    }

    @Test(expected = IllegalArgumentException.class)
    public void aTargetOfZeroIsRefused() {
        new AdmissionGate(32, 0, () -> now);
    }
}
