package org.p2psip.experiment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.Test;

/** Reading the peers' adaptation lines back (the formats om-ws logs), and the gap around an event. */
public class AdaptLogTest {
    private static final long NOON = LocalDateTime.of(LocalDate.of(2026, 12, 6), java.time.LocalTime.NOON)
            .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();

    @Test
    public void movesGapsAndRefusalsAreReadWithTheirTimes() {
        List<AdaptLog.Entry> e = AdaptLog.parse(List.of(
                "12:00:14.500 INFO  adapt - [peer-a] media SATO 8d00afe1-m1 (call 328f10b5a050…) adapted: direct -> via 214ec19b"
                        + " (direct path degraded for 2048 ms: probes RTT 296 ms > 150 ms); moved in 686 ms (relay session 640 ms)",
                "12:00:20.900 INFO  adapt - [peer-a] media SATO 8d00afe1-m1 (call 328f10b5a050…): media back via 357ffe3b after a gap of 917 ms",
                "12:00:21.000 INFO  adapt - [peer-a] media SATO 8d00afe1-m2: no relay answers: stays direct",
                "12:00:22.000 INFO  Peer - something else"), NOON);
        assertEquals(3, e.size());
        AdaptLog.Entry moved = e.get(0);
        assertEquals(AdaptLog.Kind.MOVED, moved.kind());
        assertEquals("direct", moved.from());
        assertEquals("via 214ec19b", moved.to());
        assertEquals("214ec19b", AdaptLog.Entry.relayOf(moved.to()));
        assertNull(AdaptLog.Entry.relayOf(moved.from()));
        assertEquals(686, moved.millis());
        assertEquals(NOON + 14_500, moved.atMillis());
        assertTrue(moved.reason().startsWith("direct path degraded for 2048 ms"));
        assertEquals(AdaptLog.Kind.MEDIA_BACK, e.get(1).kind());
        assertEquals(917, e.get(1).millis());
        assertEquals(AdaptLog.Kind.STAYS_DIRECT, e.get(2).kind());
        assertEquals("no relay answers", e.get(2).reason());
    }

    @Test
    public void aLineJustBeforeMidnightBelongsToTheDayBefore() {
        long justAfterMidnight = NOON + 12 * 3600_000L + 1000;
        assertEquals(justAfterMidnight - 2000, AdaptLog.time("23:59:59.000 INFO x", justAfterMidnight));
        assertEquals(-1, AdaptLog.time("no time here", NOON));
    }

    @Test
    public void shortIdsMatchTheNodeIdTheyAbbreviate() {
        assertTrue(AdaptLog.sameNode("214ec19b", "214ec19b7f00aa"));
        assertTrue(!AdaptLog.sameNode("357ffe3b", "214ec19b7f00aa"));
        assertTrue(!AdaptLog.sameNode(null, "214ec19b"));
    }

    @Test
    public void theGapOfAnEventIsTheLongestSilenceEndingInItsWindow() {
        PhoneIntervals p = PhoneIntervals.parse("alice", List.of(
                "interval: t=0.1 received=5 expected=5 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=21ms",
                "interval: t=0.2 received=0 expected=0 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=0ms",
                "interval: t=0.3 received=3 expected=8 lost=5 loss=62.5% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=160ms",
                "interval: t=2.0 received=5 expected=5 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=900ms"));
        assertEquals(160, AdaptReport.maxGap(p, 10_000, 10_100, 10_300));
        assertEquals(900, AdaptReport.maxGap(p, 10_000, 10_100, 12_000));
        assertEquals(-1, AdaptReport.maxGap(p, 10_000, 20_000, 21_000));
        PhoneIntervals silent = PhoneIntervals.parse("bob", List.of(
                "interval: t=0.1 received=5 expected=5 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=20ms",
                "interval: t=0.2 received=0 expected=0 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=0ms",
                "interval: t=0.3 received=0 expected=0 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=0ms",
                "interval: t=0.4 received=0 expected=0 lost=0 loss=0.0% jitter=0.1ms delay_mean=- delay_p95=- delay_samples=0 max_gap=0ms"));
        assertEquals("a silence that has not ended counts too", 300, AdaptReport.maxGap(silent, 10_000, 10_000, 10_400));
    }

    @Test
    public void statusCountsSatosAndRtpPortSessions() {
        List<String> status = List.of("node        abc", "ports       2",
                "  rtp-port     rtp-port     running     sessions 0", "  sip-port     sip-port     running     sessions 1",
                "SATOs       0", "sessions    1");
        assertEquals(0, AdaptReport.count(status, "SATOs"));
        assertEquals(0, AdaptReport.rtpSessions(status));
        assertEquals(-1, AdaptReport.count(List.of(), "SATOs"));
    }
}
