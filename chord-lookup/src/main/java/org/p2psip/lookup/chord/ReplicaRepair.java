package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every value on the r nodes that succeed its key while the ring changes: replica pushes of
 * the primary range, hand-off of misplaced records to their owners, key transfer to joining nodes
 * and to new predecessors. One per {@link ChordNode}.
 */
final class ReplicaRepair {
    private static final Logger log = LoggerFactory.getLogger(ReplicaRepair.class);
    /** Every this many rounds the primary range is pushed to the replicas even if nothing changed. */
    private static final int FULL_PUSH_EVERY = 10;

    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final Router router;
    private final ChordRpc rpc;
    private final ValueStore store;
    private final Object lock = new Object();

    // bookkeeping, under lock
    private long lastPushVersion = -1;
    private List<NodeRef> lastPushHolders = List.of();
    private int roundsSinceFullPush;
    private long lastHandoffVersion = -1;
    private Map<NodeRef, Integer> lastHandoffOwners = Map.of();

    ReplicaRepair(NodeRef self, int r, RoutingTable table, Router router, ChordRpc rpc, ValueStore store) {
        this.self = self;
        this.r = r;
        this.table = table;
        this.router = router;
        this.rpc = rpc;
        this.store = store;
    }

    /** Held while repairing; a leaving node takes it so that no repair runs during its hand-over. */
    Object lock() {
        return lock;
    }

    private void pushReplicas(NodeRef pred, Id me, long now) {
        List<NodeRef> succs = table.successors();
        List<NodeRef> holders = new ArrayList<>(succs.subList(0, Math.min(succs.size(), r - 1)));
        long v = store.version();
        roundsSinceFullPush++;
        if (v == lastPushVersion && holders.equals(lastPushHolders) && roundsSinceFullPush < FULL_PUSH_EVERY) {
            return;
        }
        List<StoredRecord> primary = store.records(id -> id.inHalfOpen(pred.id(), me), now);
        boolean allOk = true;
        if (!primary.isEmpty()) {
            for (NodeRef n : holders) {
                try {
                    rpc.replicate(n, primary);
                } catch (LookupException e) {
                    allOk = false;
                    if (e instanceof RpcFailure) {
                        table.failed(n);
                    }
                    log.debug("{}: replica push to {} failed: {}", self, n, e.getMessage());
                }
            }
        }
        if (allOk) {
            lastPushVersion = v;
            lastPushHolders = holders;
            roundsSinceFullPush = 0;
        }
    }

    private void handOffForeign(NodeRef pred, Id me, long now) {
        List<Id> foreign = new ArrayList<>();
        for (Id id : store.keyIds()) {
            if (!id.inHalfOpen(pred.id(), me)) {
                foreign.add(id);
            }
        }
        if (foreign.isEmpty()) {
            lastHandoffOwners = Map.of();
            return;
        }
        foreign.sort((a, b) -> me.distanceTo(a).compareTo(me.distanceTo(b)));
        long v = store.version();
        Map<NodeRef, List<StoredRecord>> toOwner = new LinkedHashMap<>();
        List<Id> notHolder = new ArrayList<>();
        Map<Id, NodeRef> ownerOf = new HashMap<>();
        Id rangeStart = null;
        LookupResult cur = null;
        for (Id id : foreign) {
            if (cur == null || !id.inHalfOpen(rangeStart, cur.owner().id())) {
                try {
                    cur = router.lookup(id);
                } catch (LookupException e) {
                    log.debug("{}: repair lookup failed: {}", self, e.getMessage());
                    return;
                }
                rangeStart = id;
            }
            if (cur.owner().equals(self)) {
                continue;
            }
            List<NodeRef> holders = cur.successors().subList(0, Math.min(cur.successors().size(), r));
            List<StoredRecord> recs = store.records(k -> k.equals(id), now);
            toOwner.computeIfAbsent(cur.owner(), k -> new ArrayList<>()).addAll(recs);
            ownerOf.put(id, cur.owner());
            if (!holders.contains(self)) {
                notHolder.add(id);
            }
        }
        Map<NodeRef, Integer> owners = new HashMap<>();
        toOwner.forEach((k, l) -> owners.put(k, l.size()));
        boolean unchanged = v == lastHandoffVersion && owners.equals(lastHandoffOwners);
        List<NodeRef> failedOwners = new ArrayList<>();
        if (!unchanged) {
            for (Map.Entry<NodeRef, List<StoredRecord>> e : toOwner.entrySet()) {
                try {
                    rpc.replicate(e.getKey(), e.getValue());
                } catch (LookupException ex) {
                    failedOwners.add(e.getKey());
                    log.debug("{}: hand-off to {} failed: {}", self, e.getKey(), ex.getMessage());
                }
            }
        }
        List<Id> drop = new ArrayList<>();
        for (Id id : notHolder) {
            if (!failedOwners.contains(ownerOf.get(id))) {
                drop.add(id);
            }
        }
        if (!drop.isEmpty()) {
            store.drop(drop);
            log.info("{}: moved {} keys to their owners and dropped them here", self, drop.size());
        }
        lastHandoffVersion = store.version();
        lastHandoffOwners = failedOwners.isEmpty() ? owners : Map.of();
    }

    /** Gives a new predecessor the records it must hold: everything except our own new range (n, self]. */
    void handOverTo(NodeRef n) {
        List<StoredRecord> recs = store.records(id -> !id.inHalfOpen(n.id(), self.id()), System.currentTimeMillis());
        if (recs.isEmpty()) {
            return;
        }
        try {
            rpc.replicate(n, recs);
            log.info("{}: moved {} records to new predecessor {}", self, recs.size(), n);
        } catch (LookupException e) {
            log.info("{}: could not move records to {} ({}); repair will retry", self, n, e.getMessage());
        }
    }

    /** A joining node asks for the records it must hold (see {@link #handOverTo}), one page at a time. */
    List<StoredRecord> transferPage(NodeRef joining, Id after) {
        Id me = self.id();
        return store.page(after, id -> !id.inHalfOpen(joining.id(), me), WireMessages.BATCH_BYTES,
                System.currentTimeMillis());
    }

    int pullKeys(NodeRef from) {
        int n = 0;
        Id after = null;
        for (int page = 0; page < 100_000; page++) {
            ChordRpc.TransferPage p = rpc.transfer(from, self, after);
            for (StoredRecord r : p.records()) {
                store.merge(r);
            }
            n += p.records().size();
            if (!p.more() || p.last() == null) {
                break;
            }
            after = p.last();
        }
        return n;
    }

    /**
     * Store repair: purge expired records; push the primary range to the r-1 successors when it or
     * they changed; hand records this node is not the owner of to their owner and drop those it no
     * longer has to hold.
     */
    /**
     * One repair round: purge expired records; push the primary range to the r-1 successors when it
     * or they changed; hand records this node is not the owner of to their owner and drop those it no
     * longer has to hold.
     */
    void repair() {
        synchronized (lock) {
            long now = System.currentTimeMillis();
            store.purgeExpired(now);
            NodeRef pred = table.predecessor();
            if (pred == null) {
                return;
            }
            Id me = self.id();
            pushReplicas(pred, me, now);
            handOffForeign(pred, me, now);
        }
    }
}
