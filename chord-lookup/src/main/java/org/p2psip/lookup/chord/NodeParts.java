package org.p2psip.lookup.chord;

import org.p2psip.lookup.store.ValueStore;

/**
 * The parts of a bound {@link ChordNode}, made once its address (and so its id) is known: the
 * routing state and the Chord procedures (Stoica et al. 2001) each in a class named after it, and
 * the store's replication.
 *
 * @param self             this node
 * @param table            predecessor, successor list and fingers
 * @param router           {@code find_successor}: iterative lookups, and this node's step of others'
 * @param stabilization    {@code stabilize} and {@code notify}
 * @param fingerFixing     {@code fix_fingers}
 * @param predecessorCheck {@code check_predecessor}
 * @param keyTransfer      keys moving to a joining node and to a new predecessor
 * @param departure        a voluntary leave, both sides of it
 * @param storeRouting     put, get and remove routed to a key's holders
 * @param replicaWriter    the owner's store and eager replica writes
 * @param repair           periodic replica repair (with its anti-entropy sweep)
 * @param maintenance      the threads that run the periodic procedures
 * @param unification      ring unification after a partition heals, and the ring count
 * @param store            the node's records
 */
record NodeParts(NodeRef self, RoutingTable table, Router router, Stabilization stabilization,
                 FingerFixing fingerFixing, PredecessorCheck predecessorCheck, KeyTransfer keyTransfer,
                 Departure departure, StoreRouting storeRouting, ReplicaWriter replicaWriter,
                 ReplicaRepair repair, Maintenance maintenance, RingUnification unification, ValueStore store) {

    /** Wires the parts of {@code node}, reached at {@code self}. */
    static NodeParts of(ChordNode node, NodeRef self, ChordConfig config, ChordRpc rpc, ValueStore store) {
        int r = config.successorListSize();
        PastMembers past = new PastMembers(self);
        RoutingTable table = new RoutingTable(self, r, 3 * config.rpcTimeout().toMillis(), past);
        Router router = new Router(self, r, table, rpc);
        ReplicaRepair repair = new ReplicaRepair(self, r, table, router, rpc, store);
        return new NodeParts(self, table, router,
                new Stabilization(self, r, table, rpc),
                new FingerFixing(self, table, router),
                new PredecessorCheck(self, table, rpc),
                new KeyTransfer(self, rpc, store),
                new Departure(self, table, rpc, store, past),
                new StoreRouting(node, self, r, table, rpc),
                new ReplicaWriter(self, r, config.putQuorum(), table, rpc, store, repair),
                repair,
                new Maintenance(self),
                new RingUnification(self, table, router, rpc, past, config.rpcTimeout().toMillis()),
                store);
    }
}
