package org.p2psip.om.types;

/**
 * The lookup service's ring as this node sees it (node status): {@code size} nodes ({@code exact}:
 * counted all the way round, else estimated), the last merge with another ring after a partition
 * ({@code lastMergeMillis}, wall clock, 0 = never) and how many merges there were.
 */
public record RingView(int size, boolean exact, long lastMergeMillis, long merges) {
}
