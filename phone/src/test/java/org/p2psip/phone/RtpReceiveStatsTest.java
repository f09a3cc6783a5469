package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** Loss (RFC 3550 A.1) and interarrival jitter (A.8). */
public class RtpReceiveStatsTest {

    private static final long FRAME_NANOS = 20_000_000L;

    private static RtpPacket packet(int seq, long ts) {
        return new RtpPacket(false, 0, seq & 0xFFFF, ts & 0xFFFFFFFFL, 42, 12, 160);
    }

    @Test
    public void inOrderStreamHasNoLossAndNoJitter() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        for (int i = 0; i < 100; i++) {
            s.received(packet(1000 + i, 5000 + 160L * i), i * FRAME_NANOS);
        }
        assertEquals(100, s.packets());
        assertEquals(100, s.expected());
        assertEquals(0, s.lost());
        assertEquals(0.0, s.jitterMillis(), 0.01);
        assertEquals(100 * 160, s.payloadBytes());
    }

    @Test
    public void gapsCountAsLossAcrossSequenceWrap() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        int received = 0;
        for (int i = 0; i < 200; i++) {
            if (i % 10 == 3) {
                continue; // every tenth packet lost
            }
            s.received(packet(65500 + i, 160L * i), i * FRAME_NANOS);
            received++;
        }
        assertEquals(received, s.packets());
        assertEquals(200, s.expected());
        assertEquals(20, s.lost());
    }

    @Test
    public void duplicatesDoNotHideLoss() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        s.received(packet(1, 0), 0);
        s.received(packet(1, 0), 1);
        s.received(packet(3, 320), 2 * FRAME_NANOS);
        assertEquals(3, s.expected());
        assertEquals(0, s.lost()); // 3 received (one twice) for 3 expected: counted as no loss, never negative
        s.received(packet(6, 800), 5 * FRAME_NANOS);
        assertEquals(6, s.expected());
        assertEquals(2, s.lost());
    }

    @Test
    public void jitterFollowsRfc3550() {
        // Arrivals alternate 5 ms early and 5 ms late: every transit difference is 10 ms, so the
        // estimate converges to 10 ms.
        RtpReceiveStats s = new RtpReceiveStats(8000);
        for (int i = 0; i < 400; i++) {
            long offset = (i % 2 == 0 ? -5_000_000L : 5_000_000L);
            s.received(packet(i, 160L * i), 1_000_000_000L + i * FRAME_NANOS + offset);
        }
        double j = s.jitterMillis();
        assertTrue("jitter " + j, j > 9.5 && j < 10.5);
    }

    @Test
    public void invalidPacketsAreCountedApart() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        s.invalid();
        s.invalid();
        assertEquals(2, s.invalidPackets());
        assertEquals(0, s.packets());
        assertEquals(0, s.sources());
    }
}
