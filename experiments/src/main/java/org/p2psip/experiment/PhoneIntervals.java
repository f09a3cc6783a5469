package org.p2psip.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a phone saw of its call's media, second by second, read from its {@code interval:} lines
 * ({@code ./p2psip phone --report-every 1}, or {@code --report-every-ms 100} for a finer timeline). Values of each interval
 * are that interval's own (jitter: the RFC 3550 running estimate at its end).
 */
public final class PhoneIntervals {
    /**
     * One interval. NaN where the phone had no sample (e.g. no delay without the send-time extension);
     * {@code maxGapMs}: the longest silence that ended in it (NaN from phones that do not print it).
     */
    public record Interval(double t, long received, long expected, long lost, double lossPercent, double jitterMs,
                    double delayMeanMs, double delayP95Ms, double maxGapMs) {
    }

    private final String phone;
    private final List<Interval> intervals;

    private PhoneIntervals(String phone, List<Interval> intervals) {
        this.phone = phone;
        this.intervals = intervals;
    }

    /** The intervals among a phone's output lines (other lines are ignored). */
    static PhoneIntervals parse(String phone, List<String> lines) {
        List<Interval> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("interval:")) {
                continue;
            }
            Map<String, String> f = fields(line.substring("interval:".length()));
            out.add(new Interval(number(f, "t"), (long) number(f, "received"), (long) number(f, "expected"),
                    (long) number(f, "lost"), number(f, "loss"), number(f, "jitter"), number(f, "delay_mean"),
                    number(f, "delay_p95"), number(f, "max_gap")));
        }
        return new PhoneIntervals(phone, List.copyOf(out));
    }

    /** {@code key=value} tokens; units after numbers ({@code 12.5ms}, {@code 3.0%}) are dropped by {@link #number}. */
    static Map<String, String> fields(String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String token : text.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                f.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return f;
    }

    static double number(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            return Double.NaN;
        }
        int end = 0;
        while (end < v.length() && (Character.isDigit(v.charAt(end)) || "+-.eE".indexOf(v.charAt(end)) >= 0)) {
            end++;
        }
        try {
            return end == 0 ? Double.NaN : Double.parseDouble(v.substring(0, end));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public String phone() {
        return phone;
    }

    public List<Interval> intervals() {
        return intervals;
    }

    /** Loss over the whole call, from the intervals' counts. */
    public double lossPercent() {
        long expected = 0;
        long lost = 0;
        for (Interval i : intervals) {
            expected += i.expected();
            lost += Math.max(0, i.lost());
        }
        return expected == 0 ? Double.NaN : 100.0 * lost / expected;
    }

    /** The highest jitter estimate seen at the end of an interval. */
    public double maxJitterMs() {
        return intervals.stream().mapToDouble(Interval::jitterMs).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    /** The mean of the jitter estimates at the ends of the intervals. */
    public double meanJitterMs() {
        return intervals.stream().mapToDouble(Interval::jitterMs).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /** Mean one-way delay, weighted by the packets received per interval. */
    public double meanDelayMs() {
        double sum = 0;
        long n = 0;
        for (Interval i : intervals) {
            if (!Double.isNaN(i.delayMeanMs()) && i.received() > 0) {
                sum += i.delayMeanMs() * i.received();
                n += i.received();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The highest per-interval 95th percentile of the one-way delay (an upper bound of the call's). */
    public double p95DelayMs() {
        return intervals.stream().mapToDouble(Interval::delayP95Ms).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
    }

    public String summary() {
        return String.format(Locale.ROOT, "%s: loss %.1f%%, jitter mean %.1f ms (max %.1f), one-way delay mean %.1f ms, p95 %.1f ms (%d intervals)",
                phone, lossPercent(), meanJitterMs(), maxJitterMs(), meanDelayMs(), p95DelayMs(), intervals.size());
    }
}
