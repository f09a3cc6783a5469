package org.p2psip.lookup.chord;

import java.util.List;

/**
 * What a ring node knows and holds: for {@code ./p2psip dht ring} and the Overlay Manager's node status.
 *
 * @param self         the node
 * @param joined       whether it is part of a ring
 * @param predecessor  its predecessor, or null when unknown
 * @param successors   its successor list (closest first)
 * @param fingers      the distinct nodes in its finger table
 * @param keys         keys held locally (primary and replica)
 * @param values       live values held locally
 * @param primaryKeys  keys it is the primary (successor) for
 * @param lookups      lookups it has routed as origin
 * @param meanHops     mean hops of those lookups
 */
public record NodeStatus(NodeRef self, boolean joined, NodeRef predecessor, List<NodeRef> successors,
                         List<NodeRef> fingers, int keys, int values, int primaryKeys, long lookups,
                         double meanHops) {
}
