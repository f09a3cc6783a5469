package org.p2psip.phone;

import java.util.Locale;

/**
 * The media received in one reporting interval of a call ({@code ./p2psip phone --report-every N}): the
 * packets received in it, those expected from the advance of the highest sequence number in it, the loss
 * (never negative: late packets of an earlier interval do not make up for this one's), the RFC 3550
 * jitter estimate at the end of the interval, and the one-way delay (from {@link AbsSendTime}) of the
 * packets received in it.
 *
 * @param seconds          end of the interval, seconds since the reporting started
 * @param received         valid RTP packets received in the interval
 * @param expected         how far the extended highest sequence number advanced in the interval
 * @param lost             {@code max(0, expected - received)}
 * @param jitterMillis     interarrival jitter (RFC 3550 A.8) at the end of the interval, milliseconds
 * @param delayMeanMillis  mean one-way delay of the interval's packets, NaN without samples
 * @param delayP95Millis   95th percentile of the one-way delay, NaN without samples
 * @param delaySamples     packets that carried abs-send-time
 */
public record MediaInterval(long seconds, long received, long expected, long lost, double jitterMillis,
        double delayMeanMillis, double delayP95Millis, long delaySamples) {

    /** Lost packets as a percentage of those expected (0 if none were expected). */
    public double lossPercent() {
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }

    /**
     * The machine-readable line, e.g. {@code interval: t=3 received=50 expected=50 lost=0 loss=0.0%
     * jitter=0.42ms delay_mean=12.3ms delay_p95=15.1ms delay_samples=50}; without delay samples
     * {@code delay_mean=- delay_p95=- delay_samples=0}.
     */
    public String line() {
        return String.format(Locale.ROOT,
                "interval: t=%d received=%d expected=%d lost=%d loss=%.1f%% jitter=%.2fms delay_mean=%s delay_p95=%s"
                        + " delay_samples=%d",
                seconds, received, expected, lost, lossPercent(), jitterMillis, millis(delayMeanMillis),
                millis(delayP95Millis), delaySamples);
    }

    static String millis(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1fms", v);
    }
}
