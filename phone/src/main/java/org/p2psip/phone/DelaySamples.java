package org.p2psip.phone;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One-way delay samples (milliseconds) of a stretch of media: their count and exact mean, and the 95th
 * percentile of the samples kept. At most {@code capacity} samples are kept; beyond that a uniform random
 * sample of them is (reservoir sampling), so the percentile stays an unbiased estimate and the memory is
 * bounded. Not thread-safe: its owner ({@link RtpReceiveStats}) locks.
 */
final class DelaySamples {

    private final double[] kept;
    private final SplittableRandom random = new SplittableRandom(1);
    private long count;
    private double sum;

    DelaySamples(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("delay sample capacity must be positive: " + capacity);
        }
        this.kept = new double[capacity];
    }

    void add(double millis) {
        if (count < kept.length) {
            kept[(int) count] = millis;
        } else {
            long j = random.nextLong(count + 1);
            if (j < kept.length) {
                kept[(int) j] = millis;
            }
        }
        count++;
        sum += millis;
    }

    long count() {
        return count;
    }

    /** The mean, NaN without samples. */
    double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The 95th percentile (nearest rank) of the samples kept, NaN without samples. */
    double p95() {
        int n = (int) Math.min(count, kept.length);
        if (n == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(kept, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.95 * n);
        return sorted[Math.max(0, rank - 1)];
    }

    void clear() {
        count = 0;
        sum = 0;
    }
}
