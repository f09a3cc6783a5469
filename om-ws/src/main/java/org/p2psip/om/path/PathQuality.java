package org.p2psip.om.path;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one route from UDP path probes: to a peer directly ({@code route} "direct") or
 * through a relay ("via 3f2a…"). RTTs in milliseconds (NaN when no probe was answered). Jitter is
 * the mean absolute difference between consecutive answered RTTs, in the order the probes were
 * sent (with the few samples of a short probe burst RFC 3550's 1/16 filter would not have settled).
 * {@code ageMillis}: since the newest probe behind the figures was sent. {@code baseRttMs}: the lowest
 * RTT the route answered in the last minutes (its RTT with empty queues; NaN when unknown), so that
 * {@link #queueingMs()} tells a congested path (a standing queue) from a long one.
 */
public record PathQuality(String route, int sent, int answered, double lossPercent, double rttMedianMs, double rttP95Ms,
                          double jitterMs, long ageMillis, double baseRttMs) {

    /** Figures without a known base RTT. */
    public PathQuality(String route, int sent, int answered, double lossPercent, double rttMedianMs, double rttP95Ms,
                       double jitterMs, long ageMillis) {
        this(route, sent, answered, lossPercent, rttMedianMs, rttP95Ms, jitterMs, ageMillis, Double.NaN);
    }

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

    /** The same figures with the route's base RTT {@code baseMs} (NaN: unknown). */
    public PathQuality withBase(double baseMs) {
        return new PathQuality(route, sent, answered, lossPercent, rttMedianMs, rttP95Ms, jitterMs, ageMillis, baseMs);
    }

    /**
     * The queueing delay: how far the RTT median lies above the base RTT (the time probes wait in
     * queues along the path); NaN when nothing was answered or the base is unknown.
     */
    public double queueingMs() {
        return answeredAny() && !Double.isNaN(baseRttMs) ? Math.max(0, rttMedianMs - baseRttMs) : Double.NaN;
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
        return new PathQuality(name, sent, answered, lossPercent, rttMedianMs, rttP95Ms, jitterMs, ageMillis, baseRttMs);
    }

    @Override
    public String toString() {
        String tail = String.format(Locale.ROOT, "(%d probes, %s s old)", sent, seconds(ageMillis));
        if (!answeredAny()) {
            return route + ": no answer " + tail;
        }
        String base = Double.isNaN(baseRttMs) ? "" : ", base " + ms(baseRttMs);
        return String.format(Locale.ROOT, "%s: RTT %s ms (p95 %s%s), jitter %s ms, loss %s%% %s", route, ms(rttMedianMs),
                ms(rttP95Ms), base, ms(jitterMs), percent(lossPercent), tail);
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
