package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** Per-interval loss, jitter and one-way delay of {@link RtpReceiveStats#takeInterval}. */
public class MediaIntervalTest {

    private static final long FRAME_NANOS = 20_000_000L;

    private static RtpPacket packet(int seq) {
        return new RtpPacket(false, 0, seq & 0xFFFF, 160L * seq, 42, 12, 160);
    }

    @Test
    public void lossIsCountedPerIntervalFromTheSequenceNumbers() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        for (int i = 0; i < 50; i++) {
            if (i % 10 != 9) {
                s.received(packet(65_500 + i), i * FRAME_NANOS, 10.0 + i % 2);
            }
        }
        MediaInterval first = s.takeInterval(1000);
        assertEquals(45, first.received());
        assertEquals(49, first.expected()); // the 50th was lost and no later packet has shown it yet
        assertEquals(4, first.lost());
        assertEquals(45, first.delaySamples());
        assertEquals(10 + 20.0 / 45, first.delayMeanMillis(), 1e-9); // 25 even (10 ms), 20 odd (11 ms)
        assertEquals(11.0, first.delayP95Millis(), 0.001);
        for (int i = 50; i < 100; i++) { // across the sequence number wrap
            if (i % 10 != 9) {
                s.received(packet(65_500 + i), i * FRAME_NANOS, Double.NaN);
            }
        }
        MediaInterval second = s.takeInterval(2000);
        assertEquals(45, second.received());
        assertEquals(50, second.expected());
        assertEquals(5, second.lost());
        assertEquals(10.0, second.lossPercent(), 0.01);
        assertEquals("no send times in this interval", 0, second.delaySamples());
        assertTrue(Double.isNaN(second.delayMeanMillis()));
        assertEquals("interval: t=2 received=45 expected=50 lost=5 loss=10.0% jitter=0.00ms delay_mean=-"
                + " delay_p95=- delay_samples=0 max_gap=40ms", second.line());
        assertEquals("the call keeps the delay of the first interval", 45, s.delaySamples());
    }

    @Test
    public void latePacketsOfAnEarlierIntervalNeverMakeLossNegative() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        for (int i = 0; i < 50; i++) {
            if (i != 20 && i != 21) {
                s.received(packet(i), i * FRAME_NANOS);
            }
        }
        MediaInterval first = s.takeInterval(1000);
        assertEquals(2, first.lost());
        s.received(packet(20), 50 * FRAME_NANOS); // late: they belong to the first interval
        s.received(packet(21), 50 * FRAME_NANOS);
        s.received(packet(50), 51 * FRAME_NANOS);
        MediaInterval second = s.takeInterval(2000);
        assertEquals(3, second.received());
        assertEquals(1, second.expected());
        assertEquals(0, second.lost());
        MediaInterval empty = s.takeInterval(3000);
        assertEquals(0, empty.received());
        assertEquals(0, empty.expected());
        assertEquals(0.0, empty.lossPercent(), 0);
    }

    @Test
    public void lineHasTheDocumentedFormat() {
        MediaInterval i = new MediaInterval(3000, 50, 50, 0, 0.4213, 12.34, 15.06, 50, 21);
        assertEquals("interval: t=3 received=50 expected=50 lost=0 loss=0.0% jitter=0.42ms delay_mean=12.3ms"
                + " delay_p95=15.1ms delay_samples=50 max_gap=21ms", i.line());
        assertEquals("interval: t=12.3 received=5 expected=5 lost=0 loss=0.0% jitter=0.00ms delay_mean=-"
                + " delay_p95=- delay_samples=0 max_gap=20ms", new MediaInterval(12_300, 5, 5, 0, 0, Double.NaN, Double.NaN, 0, 20).line());
    }

    @Test
    public void theLongestSilenceIsCountedWholeInTheIntervalWhereItEnds() {
        RtpReceiveStats s = new RtpReceiveStats(8000);
        for (int i = 0; i < 5; i++) { // 0..80 ms
            s.received(packet(i), i * FRAME_NANOS);
        }
        assertEquals(20, s.takeInterval(100).maxGapMillis());
        assertEquals("nothing arrived: no gap ended here", 0, s.takeInterval(200).maxGapMillis());
        assertEquals(0, s.takeInterval(300).maxGapMillis());
        s.received(packet(20), 430_000_000L); // the silence from 80 ms to 430 ms ends now
        s.received(packet(21), 450_000_000L);
        MediaInterval i = s.takeInterval(500);
        assertEquals(350, i.maxGapMillis());
        assertEquals(2, i.received());
        assertEquals("the next interval starts afresh", 0, s.takeInterval(600).maxGapMillis());
        assertEquals("the call's longest gap", 350, s.maxGapMillis());
    }
}
