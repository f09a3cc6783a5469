package org.p2psip.lookup.chord;

import java.util.List;

/**
 * The answer of a Chord lookup.
 *
 * @param owner      the key's successor (the node responsible for it)
 * @param successors the owner followed by its successors: where the replicas live, in order
 * @param hops       routing hops: how many nodes were asked for the next step (0 when the origin
 *                   knew the answer itself); fetching the data from the owner is not counted
 */
public record LookupResult(NodeRef owner, List<NodeRef> successors, int hops) {
}
