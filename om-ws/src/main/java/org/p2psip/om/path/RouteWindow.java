package org.p2psip.om.path;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The recent probe outcomes of one route (at most {@value #MAX} of them), in send order. Thread-safe. */
final class RouteWindow {
    static final int MAX = 50;

    private record Outcome(long sentNanos, long rttNanos) {
    }

    private final Deque<Outcome> outcomes = new ArrayDeque<>();

    /** A probe sent at {@code sentNanos}: its RTT, or a negative value if it was not answered. */
    synchronized void add(long sentNanos, long rttNanos) {
        outcomes.addLast(new Outcome(sentNanos, rttNanos));
        while (outcomes.size() > MAX) {
            outcomes.removeFirst();
        }
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
        return rtts.isEmpty() ? null : PathQuality.of(route, rtts, (nowNanos - newest) / 1_000_000);
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
