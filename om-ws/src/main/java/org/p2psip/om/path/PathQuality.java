package org.p2psip.om.path;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one route from UDP path probes: to a peer directly ({@code route} "direct") or
 * through a relay ("via 3f2a…"). RTTs in milliseconds (NaN when no probe was answered). Jitter is
 * the mean absolute difference between consecutive answered RTTs, in the order the probes were
 * sent (with the few samples of a short probe burst RFC 3550's 1/16 filter would not have settled).
 * {@code ageMillis}: since the newest probe behind the figures was sent.
 */
public record PathQuality(String route, int sent, int answered, double lossPercent, double rttMedianMs, double rttP95Ms,
                          double jitterMs, long ageMillis) {

    /** Figures from probe outcomes in send order: an RTT in ns, or a negative value for a probe not answered. */
    public static PathQuality of(String route, List<Long> rttNanosInSendOrder, long ageMillis) {
        int sent = rttNanosInSendOrder.size();
        double[] rtts = rttNanosInSendOrder.stream().filter(r -> r >= 0).mapToDouble(r -> r / 1e6).toArray();
        int answered = rtts.length;
        double jitter = Double.NaN;
        if (answered >= 2) {
            double sum = 0;
            for (int i = 1; i < answered; i++) {
                sum += Math.abs(rtts[i] - rtts[i - 1]);
            }
            jitter = sum / (answered - 1);
        } else if (answered == 1) {
            jitter = 0;
        }
        double[] sorted = rtts.clone();
        Arrays.sort(sorted);
        double loss = sent == 0 ? 0 : 100.0 * (sent - answered) / sent;
        return new PathQuality(route, sent, answered, loss, percentile(sorted, 50), percentile(sorted, 95), jitter, ageMillis);
    }

    /** Nearest-rank percentile of sorted values; NaN if there are none. */
    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Whether any probe on this route was answered. */
    public boolean answeredAny() {
        return answered > 0;
    }

    /** The E-model rating of this route ({@link EModel}); 0 when nothing was answered. */
    public double rFactor() {
        return answeredAny() ? Math.max(0, EModel.rFactor(rttMedianMs, jitterMs, lossPercent / 100)) : 0;
    }

    /** The same figures under another route name. */
    public PathQuality named(String name) {
        return new PathQuality(name, sent, answered, lossPercent, rttMedianMs, rttP95Ms, jitterMs, ageMillis);
    }

    @Override
    public String toString() {
        String tail = String.format(Locale.ROOT, "(%d probes, %s s old)", sent, seconds(ageMillis));
        if (!answeredAny()) {
            return route + ": no answer " + tail;
        }
        return String.format(Locale.ROOT, "%s: RTT %s ms (p95 %s), jitter %s ms, loss %s%% %s", route, ms(rttMedianMs),
                ms(rttP95Ms), ms(jitterMs), percent(lossPercent), tail);
    }

    static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String percent(double v) {
        return v == Math.rint(v) || v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String seconds(long millis) {
        return millis >= 10_000 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
