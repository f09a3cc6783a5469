package org.p2psip.interop.bench;

import java.util.List;

/**
 * The outcome of a rising-rate search: the rates tried in order, and for each whether it passed
 * with zero failures. The capacity is the highest rate passed before the first failure.
 */
public record Capacity(List<Integer> tried, List<Boolean> passed) {
    public Capacity {
        tried = List.copyOf(tried);
        passed = List.copyOf(passed);
        if (tried.size() != passed.size()) {
            throw new IllegalArgumentException("one verdict per rate");
        }
    }

    /** The highest rate that passed before the first failure; 0 if the first failed (or none ran). */
    public int best() {
        int best = 0;
        for (int i = 0; i < tried.size(); i++) {
            if (!passed.get(i)) {
                break;
            }
            best = tried.get(i);
        }
        return best;
    }

    /** Every rate tried passed: the capacity is at least {@link #best()}. */
    public boolean allPassed() {
        return !tried.isEmpty() && !passed.contains(false);
    }

    /** The rate that failed first; 0 if none failed. */
    public int firstFailed() {
        int i = passed.indexOf(false);
        return i < 0 ? 0 : tried.get(i);
    }

    /** For the report: {@code "600"}, {@code ">= 3000"} (all passed), {@code "< 10"} (none passed), "-" (not run). */
    public String display() {
        if (tried.isEmpty()) {
            return "-";
        }
        if (best() == 0) {
            return "< " + tried.get(0);
        }
        return (allPassed() ? ">= " : "") + best();
    }

    /** {@link #best()} as a number for ratios: NaN if nothing passed. */
    public double value() {
        return best() == 0 ? Double.NaN : best();
    }
}
