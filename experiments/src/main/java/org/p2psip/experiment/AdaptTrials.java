package org.p2psip.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * {@code ./p2psip experiment adapt --trials N}: the failover step repeated, each trial's longest
 * gap at each phone, and their distribution (median and maximum per phone) against the targets
 * (each gap at most 500 ms, the median at most 300 ms).
 */
public final class AdaptTrials {
    /** The target for the median gap over the trials. */
    static final long TARGET_MEDIAN_MS = 300;

    /** One trial: the relay killed, where the media went, how long after the kill the OM moved it, the gaps. */
    public record Trial(int n, String killed, String movedTo, long movedAfterMs, long gapAliceMs, long gapBobMs, String problem) {
    }

    private final int planned;
    private final long maxGapMs;
    private final List<Trial> trials;
    private final int namespacesLeft;

    private AdaptTrials(Builder b) {
        this.planned = b.planned;
        this.maxGapMs = b.maxGapMs;
        this.trials = List.copyOf(b.trials);
        this.namespacesLeft = b.namespacesLeft;
    }

    static Builder builder(int planned, long maxGapMs) {
        return new Builder(planned, maxGapMs);
    }

    public List<Trial> trials() {
        return trials;
    }

    /** The median of the gaps at one phone over the trials that moved the media; -1 without any. */
    public long median(ToLongFunction<Trial> gap) {
        List<Long> g = gaps(gap);
        if (g.isEmpty()) {
            return -1;
        }
        int n = g.size();
        return n % 2 == 1 ? g.get(n / 2) : (g.get(n / 2 - 1) + g.get(n / 2)) / 2;
    }

    public long max(ToLongFunction<Trial> gap) {
        List<Long> g = gaps(gap);
        return g.isEmpty() ? -1 : g.get(g.size() - 1);
    }

    private List<Long> gaps(ToLongFunction<Trial> gap) {
        return trials.stream().filter(t -> t.problem() == null).map(gap::applyAsLong).filter(v -> v >= 0).sorted().toList();
    }

    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (trials.size() < planned) {
            p.add("only " + trials.size() + " of " + planned + " trials ran");
        }
        for (Trial t : trials) {
            if (t.problem() != null) {
                p.add("trial " + t.n() + ": " + t.problem());
            } else if (t.gapAliceMs() > maxGapMs || t.gapBobMs() > maxGapMs || t.gapAliceMs() < 0 || t.gapBobMs() < 0) {
                p.add("trial " + t.n() + ": gap alice " + t.gapAliceMs() + " ms, bob " + t.gapBobMs() + " ms (target " + maxGapMs + " ms)");
            }
        }
        for (String phone : List.of("alice", "bob")) {
            long m = median(phone.equals("alice") ? Trial::gapAliceMs : Trial::gapBobMs);
            if (m > TARGET_MEDIAN_MS) {
                p.add("median gap at " + phone + " " + m + " ms (target " + TARGET_MEDIAN_MS + " ms)");
            }
        }
        if (namespacesLeft != 0) {
            p.add(namespacesLeft + " namespace(s) left behind");
        }
        return p;
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Failover trials: relay policy always, three relay peers; the relay in use SIGKILLed, then restarted");
        out.add(String.format(Locale.ROOT, "  %5s  %-8s  %-14s  %10s  %9s  %9s", "trial", "killed", "moved to", "moved after",
                "gap alice", "gap bob"));
        for (Trial t : trials) {
            out.add(String.format(Locale.ROOT, "  %5d  %-8s  %-14s  %8d ms  %6d ms  %6d ms%s", t.n(), t.killed(), t.movedTo(),
                    t.movedAfterMs(), t.gapAliceMs(), t.gapBobMs(), t.problem() == null ? "" : "  " + t.problem()));
        }
        out.add(String.format(Locale.ROOT, "gap at alice: median %d ms, max %d ms; at bob: median %d ms, max %d ms"
                        + " (targets: each at most %d ms, median at most %d ms)", median(Trial::gapAliceMs), max(Trial::gapAliceMs),
                median(Trial::gapBobMs), max(Trial::gapBobMs), maxGapMs, TARGET_MEDIAN_MS));
        out.add("namespaces left: " + namespacesLeft);
        List<String> p = problems();
        out.add(p.isEmpty() ? "Result: OK, every failover within the targets" : "Result: FAILED");
        p.forEach(x -> out.add("  problem: " + x));
        return out;
    }

    static final class Builder {
        private final int planned;
        private final long maxGapMs;
        private final List<Trial> trials = new ArrayList<>();
        private int namespacesLeft;

        private Builder(int planned, long maxGapMs) {
            this.planned = planned;
            this.maxGapMs = maxGapMs;
        }

        void trial(Trial t) {
            if (trials.size() < 10_000) {
                trials.add(t);
            }
        }

        void namespacesLeft(int n) {
            namespacesLeft = n;
        }

        AdaptTrials build() {
            return new AdaptTrials(this);
        }
    }
}
