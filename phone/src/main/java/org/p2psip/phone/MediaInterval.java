package org.p2psip.phone;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The media received in one reporting interval of a call ({@code ./p2psip phone --report-every N} or
 * {@code --report-every-ms N}): the packets received in it, those expected from the advance of the
 * highest sequence number in it, the loss (never negative: late packets of an earlier interval do not make
 * up for this one's), the RFC 3550 jitter estimate at the end of the interval, the one-way delay (from
 * {@link AbsSendTime}) of the packets received in it, and the longest gap between two received packets
 * that ended in it (a silence is counted where the packet that ends it arrives, whole, even if it began in
 * an earlier interval).
 *
 * @param endMillis        end of the interval, milliseconds since the reporting started
 * @param received         valid RTP packets received in the interval
 * @param expected         how far the extended highest sequence number advanced in the interval
 * @param lost             {@code max(0, expected - received)}
 * @param jitterMillis     interarrival jitter (RFC 3550 A.8) at the end of the interval, milliseconds
 * @param delayMeanMillis  mean one-way delay of the interval's packets, NaN without samples
 * @param delayP95Millis   95th percentile of the one-way delay, NaN without samples
 * @param delaySamples     packets that carried abs-send-time
 * @param maxGapMillis     the longest time between two received packets ending in the interval, ms (0: none)
 */
public record MediaInterval(long endMillis, long received, long expected, long lost, double jitterMillis,
        double delayMeanMillis, double delayP95Millis, long delaySamples, long maxGapMillis) {

    /** Lost packets as a percentage of those expected (0 if none were expected). */
    public double lossPercent() {
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }

    /**
     * The machine-readable line, e.g. {@code interval: t=3 received=50 expected=50 lost=0 loss=0.0%
     * jitter=0.42ms delay_mean=12.3ms delay_p95=15.1ms delay_samples=50 max_gap=21ms}; without delay
     * samples {@code delay_mean=- delay_p95=- delay_samples=0}. {@code t} is in seconds: a whole number
     * for whole seconds, else with its fraction ({@code t=12.3}).
     */
    public String line() {
        return String.format(Locale.ROOT,
                "interval: t=%s received=%d expected=%d lost=%d loss=%.1f%% jitter=%.2fms delay_mean=%s delay_p95=%s"
                        + " delay_samples=%d max_gap=%dms",
                seconds(endMillis), received, expected, lost, lossPercent(), jitterMillis, millis(delayMeanMillis),
                millis(delayP95Millis), delaySamples, maxGapMillis);
    }

    /** {@code 3000} as {@code 3}, {@code 12300} as {@code 12.3}. */
    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    static String millis(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1fms", v);
    }
}
