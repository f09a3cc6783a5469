package org.p2psip.rtp.stats;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import org.junit.Test;
import org.p2psip.rtp.TestSupport;

public class RtpReceptionStatsTest {
    private final RtpReceptionStats s = new RtpReceptionStats();

    private void feed(int seq, long ts, long arrivalNanos) {
        s.onPacket(ByteBuffer.wrap(TestSupport.rtp(0, seq, ts, 42, 160)), arrivalNanos, 0);
    }

    @Test
    public void cleanStreamHasNoLossAndNoJitter() {
        for (int i = 0; i < 100; i++) {
            feed(i, 160L * i, 20_000_000L * i);
        }
        assertEquals(100, s.received());
        assertEquals(100, s.expected());
        assertEquals(0, s.lost());
        assertEquals(0, s.jitter());
        assertEquals(8000, s.clockRate());
        assertEquals(42, s.ssrc());
    }

    @Test
    public void gapsCountAsLostAcrossTheSequenceWrap() {
        int seq = 65530;
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            if (i == 7 || i == 8 || i == 15) {
                seq = (seq + 1) & 0xFFFF;
                continue;
            }
            feed(seq, 160L * i, 20_000_000L * i);
            seq = (seq + 1) & 0xFFFF;
            sent++;
        }
        assertEquals(17, sent);
        assertEquals(20, s.expected());
        assertEquals(17, s.received());
        assertEquals(3, s.lost());
    }

    @Test
    public void jitterFollowsRfc3550() {
        // Every other packet arrives 10 ms late (80 timestamp units at 8 kHz): |D| alternates 80, 80, ...
        for (int i = 0; i < 400; i++) {
            long late = (i % 2 == 1) ? 10_000_000L : 0;
            feed(i, 160L * i, 1_000_000_000L + 20_000_000L * i + late);
        }
        // J converges to 80 (J += (|D| - J) / 16 with |D| = 80 from the third packet on).
        assertTrue("jitter " + s.jitter(), s.jitter() >= 79 && s.jitter() <= 80);
        assertEquals(10.0, s.jitterMillis(), 0.2);
    }

    @Test
    public void aNewSsrcStartsOver() {
        for (int i = 0; i < 10; i++) {
            feed(i, 160L * i, 20_000_000L * i);
        }
        for (int i = 0; i < 5; i++) {
            s.onPacket(ByteBuffer.wrap(TestSupport.rtp(0, 1000 + i, 0, 43, 160)), 0, 0);
        }
        assertEquals(43, s.ssrc());
        assertEquals(5, s.received());
        assertEquals(0, s.lost());
    }

    @Test
    public void clockRateFromPayloadTypeOrConfiguration() {
        s.onPacket(ByteBuffer.wrap(TestSupport.rtp(96, 1, 0, 1, 10)), 0, 48000);
        assertEquals(48000, s.clockRate());
        RtpReceptionStats video = new RtpReceptionStats();
        video.onPacket(ByteBuffer.wrap(TestSupport.rtp(26, 1, 0, 1, 10)), 0, 0);
        assertEquals(90000, video.clockRate());
    }
}
