package org.p2psip.experiment.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * REGISTERs per second per peer turned into the overlay size they support, with the assumptions
 * printed: every user re-REGISTERs once per hour; a REGISTER costs the overlay one put (as measured:
 * routing, owner, replicas) plus h(N) routing steps at other peers (h = the mean lookup hops measured at
 * N), each step counted as costly as a whole put (an upper bound: a step is one small request); the work
 * spreads evenly over the N peers (consistent hashing). Then one peer serves
 * U(N) = 3600 * C / (1 + h(N)) users and an overlay of N peers N * U(N).
 *
 * <p>Next to it the seed slides' estimate (Singh and Schulzrinne): "node capacity of 10 register/s and
 * refresh rates of 1/min = more than 16 million peers", which is (log2 N)^2 <= capacity * refresh
 * interval: (log2 N)^2 <= 600, N <= 2^24.5.
 */
record CapacityEstimate(double registersPerSecond, String source, int n, double meanHops) {
    static final int REFRESH_SECONDS = 3600;

    double usersPerPeer() {
        return REFRESH_SECONDS * registersPerSecond / (1 + meanHops);
    }

    double overlayUsers() {
        return n * usersPerPeer();
    }

    /** The slides' bound on log2 N for capacity {@code c} per second and refresh interval {@code t} seconds. */
    static double slidesLog2Bound(double c, double t) {
        return Math.sqrt(c * t);
    }

    List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add(String.format(Locale.ROOT, "  C = %,.0f REGISTERs/s per peer (%s)", registersPerSecond, source));
        l.add("  assumptions: each user re-REGISTERs once per hour; a REGISTER costs one put (routing, owner, replicas:");
        l.add("  what C measures) plus h(N) routing steps at other peers, each counted as a whole put (an upper bound);");
        l.add("  the work spreads evenly over the peers (consistent hashing; no SIP, SOAP or media work counted)");
        l.add(String.format(Locale.ROOT, "  at N = %,d peers (h = %.2f hops measured): one peer serves U = 3600 * C / (1 + h) = %,.0f users;",
                n, meanHops, usersPerPeer()));
        l.add(String.format(Locale.ROOT, "  the overlay of %,d peers: %,.0f users (%.3g)", n, overlayUsers(), overlayUsers()));
        l.add(String.format(Locale.ROOT, "  seed slides (Singh and Schulzrinne): 10 register/s per node, refresh 1/min -> more than 16 million peers,"));
        l.add(String.format(Locale.ROOT, "  i.e. (log2 N)^2 <= 10 * 60: log2 N <= %.1f; the same rule with C and one refresh per hour: log2 N <= %,.0f",
                slidesLog2Bound(10, 60), slidesLog2Bound(registersPerSecond, REFRESH_SECONDS)));
        return l;
    }
}
