package org.p2psip.experiment;

/**
 * What the path between two sites of a {@link Lab} does to packets, seen from the first-named site
 * ("forward") towards the second ("reverse" is the way back): a bottleneck rate with a drop-tail
 * queue of bounded size, applied to each direction separately, and an extra random loss per
 * direction. Immutable; the {@code with}-style methods return a changed copy:
 *
 * <pre>
 * Link.rateKbit(2000).queueMillis(300)       // 2 Mbit/s each way, at most 300 ms of queue
 * Link.unlimited().loss(30, 0)               // full speed, 30 % of forward packets dropped
 * Link.rateKbit(1000).queueBytes(30000).loss(2)
 * </pre>
 *
 * @param rateKbit           bottleneck rate in kbit/s each way; 0: not shaped (full speed)
 * @param queueBytes         the bottleneck queue's limit in bytes; 0: given by {@code queueMillis}
 * @param queueMillis        the queue's limit as the longest wait in it at {@code rateKbit}, like
 *                           tbf's {@code latency}; used when {@code queueBytes} is 0
 * @param lossPercent        random loss of the packets from the first site to the second (0..100)
 * @param reverseLossPercent random loss of the packets from the second site to the first (0..100)
 */
public record Link(int rateKbit, int queueBytes, int queueMillis, int lossPercent, int reverseLossPercent) {

    /** Full speed, no extra loss: what every pair of sites has unless told otherwise. */
    public static final Link UNLIMITED = new Link(0, 0, 0, 0, 0);

    /** The queue of a shaped link when neither bytes nor milliseconds are given. */
    public static final int DEFAULT_QUEUE_MILLIS = 100;

    /** The smallest queue: two full-size Ethernet frames, so that a packet always fits. */
    public static final int MIN_QUEUE_BYTES = 2 * 1514;

    public Link {
        if (rateKbit < 0 || rateKbit > 10_000_000) {
            throw new IllegalArgumentException("link rate must be 0 (unshaped) .. 10000000 kbit/s, not " + rateKbit);
        }
        if (queueBytes < 0) {
            throw new IllegalArgumentException("queue limit must be at least 0 bytes, not " + queueBytes);
        }
        if (queueMillis < 0 || queueMillis > 60_000) {
            throw new IllegalArgumentException("queue limit must be 0..60000 ms, not " + queueMillis);
        }
        NatRuleset.checkPercent(lossPercent);
        NatRuleset.checkPercent(reverseLossPercent);
    }

    /** Full speed, no extra loss. */
    public static Link unlimited() {
        return UNLIMITED;
    }

    /** A bottleneck of {@code kbit} kbit/s each way (at least 8), queue {@value #DEFAULT_QUEUE_MILLIS} ms. */
    public static Link rateKbit(int kbit) {
        if (kbit < 8) {
            throw new IllegalArgumentException("a shaped link needs at least 8 kbit/s, not " + kbit);
        }
        return new Link(kbit, 0, DEFAULT_QUEUE_MILLIS, 0, 0);
    }

    /** This link with its queue bounded to {@code millis} of waiting at its rate (tbf's {@code latency}). */
    public Link queueMillis(int millis) {
        return new Link(rateKbit, 0, millis, lossPercent, reverseLossPercent);
    }

    /** This link with its queue bounded to {@code bytes}. */
    public Link queueBytes(int bytes) {
        if (bytes < MIN_QUEUE_BYTES) {
            throw new IllegalArgumentException("queue limit must be at least " + MIN_QUEUE_BYTES + " bytes, not " + bytes);
        }
        return new Link(rateKbit, bytes, queueMillis, lossPercent, reverseLossPercent);
    }

    /** This link with {@code percent} random loss in both directions. */
    public Link loss(int percent) {
        return loss(percent, percent);
    }

    /** This link with {@code forward} percent loss from the first site to the second and {@code reverse} back. */
    public Link loss(int forward, int reverse) {
        return new Link(rateKbit, queueBytes, queueMillis, forward, reverse);
    }

    /** The same link seen from the other end (the losses swapped). */
    public Link reversed() {
        return new Link(rateKbit, queueBytes, queueMillis, reverseLossPercent, lossPercent);
    }

    /** Whether the link has a bottleneck rate. */
    public boolean shaped() {
        return rateKbit > 0;
    }

    /** The queue's limit in bytes: as given, or the bytes sent in {@code queueMillis} at the rate; at least {@link #MIN_QUEUE_BYTES}. */
    public int queueLimitBytes() {
        if (queueBytes > 0) {
            return queueBytes;
        }
        long bytes = (long) rateKbit * queueMillis / 8;
        return (int) Math.max(MIN_QUEUE_BYTES, Math.min(Integer.MAX_VALUE, bytes));
    }

    @Override
    public String toString() {
        String rate = shaped() ? rateKbit + " kbit/s, queue " + queueLimitBytes() + " B" : "unshaped";
        return rate + ", loss " + lossPercent + "%/" + reverseLossPercent + "%";
    }
}
