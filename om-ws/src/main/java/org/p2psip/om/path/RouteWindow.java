package org.p2psip.om.path;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The recent probe outcomes of one route (at most {@value #MAX} of them), in send order, and the
 * route's base RTT: the lowest RTT answered in the last {@value #BASE_MINUTES} minutes (kept as one
 * minimum per minute), the RTT of the path with empty queues. Thread-safe.
 */
final class RouteWindow {
    static final int MAX = 50;
    static final int BASE_MINUTES = 10;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private record Outcome(long sentNanos, long rttNanos) {
    }

    private final Deque<Outcome> outcomes = new ArrayDeque<>();
    /** Per minute slot (minute number modulo {@value #BASE_MINUTES}): which minute it holds and its lowest RTT. */
    private final long[] slotMinute = new long[BASE_MINUTES];
    private final long[] slotMinNanos = new long[BASE_MINUTES];

    RouteWindow() {
        java.util.Arrays.fill(slotMinute, Long.MIN_VALUE);
    }

    /** A probe sent at {@code sentNanos}: its RTT, or a negative value if it was not answered. */
    synchronized void add(long sentNanos, long rttNanos) {
        outcomes.addLast(new Outcome(sentNanos, rttNanos));
        while (outcomes.size() > MAX) {
            outcomes.removeFirst();
        }
        if (rttNanos >= 0) {
            long minute = Math.floorDiv(sentNanos, MINUTE_NANOS);
            int slot = (int) Math.floorMod(minute, BASE_MINUTES);
            if (slotMinute[slot] != minute) {
                slotMinute[slot] = minute;
                slotMinNanos[slot] = rttNanos;
            } else {
                slotMinNanos[slot] = Math.min(slotMinNanos[slot], rttNanos);
            }
        }
    }

    /** The lowest RTT answered in the last {@value #BASE_MINUTES} minutes before {@code nowNanos}, in ms; NaN if none. */
    synchronized double baseRttMs(long nowNanos) {
        long nowMinute = Math.floorDiv(nowNanos, MINUTE_NANOS);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < BASE_MINUTES; i++) {
            if (slotMinute[i] != Long.MIN_VALUE && nowMinute - slotMinute[i] < BASE_MINUTES) {
                min = Math.min(min, slotMinNanos[i]);
            }
        }
        return min == Long.MAX_VALUE ? Double.NaN : min / 1e6;
    }

    /** The figures of the probes sent in the last {@code spanNanos}, or null if there were none. */
    synchronized PathQuality figures(String route, long nowNanos, long spanNanos) {
        List<Long> rtts = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (Outcome o : outcomes) {
            if (nowNanos - o.sentNanos() <= spanNanos) {
                rtts.add(o.rttNanos());
                newest = Math.max(newest, o.sentNanos());
            }
        }
        return rtts.isEmpty() ? null : PathQuality.of(route, rtts, (nowNanos - newest) / 1_000_000).withBase(baseRttMs(nowNanos));
    }

    /** Whether the last {@code n} probes (and at least {@code n}) all went unanswered. */
    synchronized boolean lastAllLost(int n) {
        if (outcomes.size() < n) {
            return false;
        }
        var it = outcomes.descendingIterator();
        for (int i = 0; i < n; i++) {
            if (it.next().rttNanos() >= 0) {
                return false;
            }
        }
        return true;
    }
}
