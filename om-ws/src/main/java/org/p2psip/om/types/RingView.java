package org.p2psip.om.types;

/**
 * The lookup service's ring as this node sees it (node status): {@code size} nodes ({@code exact}:
 * counted all the way round, else estimated), the last merge with another ring after a partition
 * ({@code lastMergeMillis}, wall clock, 0 = never), how many merges there were, and how many
 * remembered members stopped answering and were not found in this ring since ({@code unreachable},
 * on {@code unreachableHosts}); {@code ringHosts}: the hosts of the members counted all the way round
 * (empty: not known); where this node's lookup node listens ({@code lookupAddress}, HOST:PORT, what a
 * joining peer gives as {@code --bootstrap}; null if unknown).
 */
public record RingView(int size, boolean exact, long lastMergeMillis, long merges, int unreachable,
                       java.util.Set<String> unreachableHosts, java.util.Set<String> ringHosts, String lookupAddress) {

    public RingView {
        unreachableHosts = unreachableHosts == null ? java.util.Set.of() : java.util.Set.copyOf(unreachableHosts);
        ringHosts = ringHosts == null ? java.util.Set.of() : java.util.Set.copyOf(ringHosts);
    }

    public RingView(int size, boolean exact, long lastMergeMillis, long merges, int unreachable,
                    java.util.Set<String> unreachableHosts, java.util.Set<String> ringHosts) {
        this(size, exact, lastMergeMillis, merges, unreachable, unreachableHosts, ringHosts, null);
    }

    public RingView(int size, boolean exact, long lastMergeMillis, long merges, int unreachable,
                    java.util.Set<String> unreachableHosts, String lookupAddress) {
        this(size, exact, lastMergeMillis, merges, unreachable, unreachableHosts, java.util.Set.of(), lookupAddress);
    }

    public RingView(int size, boolean exact, long lastMergeMillis, long merges, int unreachable,
                    java.util.Set<String> unreachableHosts) {
        this(size, exact, lastMergeMillis, merges, unreachable, unreachableHosts, java.util.Set.of(), null);
    }

    public RingView(int size, boolean exact, long lastMergeMillis, long merges, int unreachable) {
        this(size, exact, lastMergeMillis, merges, unreachable, java.util.Set.of());
    }

    public RingView(int size, boolean exact, long lastMergeMillis, long merges) {
        this(size, exact, lastMergeMillis, merges, 0);
    }

    /**
     * Whether the ring looks cut off from part of the overlay: at least two remembered members
     * unreachable, and at least a quarter as many as the ring has nodes (one crashed peer is not a
     * partition).
     */
    public boolean partitioned() {
        return unreachable >= 2 && unreachable * 4 >= size;
    }

    /**
     * Whether {@code host} is beyond reach as far as this ring knows: a host of members that stopped
     * answering, or, while members are unreachable and the ring was counted all the way round, a host
     * with no member in it (a peer this node never had in its routing table, on the far side of a
     * partition).
     */
    public boolean outOfReach(String host) {
        if (unreachableHosts.contains(host)) {
            return true;
        }
        return unreachable > 0 && exact && !ringHosts.isEmpty() && !ringHosts.contains(host);
    }
}
