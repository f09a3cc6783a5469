package org.p2psip.lookup.chord;

import java.util.List;

/**
 * What a ring node knows and holds: for {@code ./p2psip dht ring} and the Overlay Manager's node status.
 *
 * @param self            the node
 * @param joined          whether it is part of a ring
 * @param predecessor     its predecessor, or null when unknown
 * @param successors      its successor list (closest first)
 * @param fingers         the distinct nodes in its finger table
 * @param keys            keys held locally (primary and replica)
 * @param values          live values held locally
 * @param primaryKeys     keys it is the primary (successor) for
 * @param lookups         lookups it has routed as origin
 * @param meanHops        mean hops of those lookups
 * @param ringSize        the nodes of the ring as this node sees it, itself included: counted by walking
 *                        successor lists at every ring-unification round (0: not counted yet; after a
 *                        partition, the size of this node's piece)
 * @param ringSizeExact   whether {@code ringSize} is a full count (the walk came back round) rather than
 *                        an estimate from the share of the circle walked (rings above 64 nodes)
 * @param lastMergeMillis wall-clock ms when this node last merged its ring with another one it found
 *                        after a partition (0: never)
 * @param merges          how many times it did
 */
public record NodeStatus(NodeRef self, boolean joined, NodeRef predecessor, List<NodeRef> successors,
                         List<NodeRef> fingers, int keys, int values, int primaryKeys, long lookups,
                         double meanHops, int ringSize, boolean ringSizeExact, long lastMergeMillis, long merges) {

    /** A status without ring count and merge history (as from a node that does not report them). */
    public NodeStatus(NodeRef self, boolean joined, NodeRef predecessor, List<NodeRef> successors,
                      List<NodeRef> fingers, int keys, int values, int primaryKeys, long lookups, double meanHops) {
        this(self, joined, predecessor, successors, fingers, keys, values, primaryKeys, lookups, meanHops, 0, false, 0, 0);
    }
}
