package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every value on the r nodes that succeed its key while the ring changes: replica pushes of
 * the primary range, hand-off of misplaced records to their owners, key transfer to joining nodes
 * and to new predecessors. One per {@link ChordNode}.
 *
 * <p>The work of a round does not grow with the number of records held when nothing changed: puts
 * and removes are replicated by the owner as they are accepted, so a round pushes only what reached
 * the primary range otherwise (records merged from other nodes), and the whole range only to a
 * replica holder that is new, that missed an eager replication, or when the range itself moved (a
 * new predecessor). Likewise records are handed to an owner in full only when the owner of a range
 * is new (ring change) or the last hand-off to it failed; otherwise only the puts and removes this
 * node accepted for keys outside its primary range.
 *
 * <p>Anti-entropy: besides, every round sweeps on through a slice of the store, in ring order,
 * pushing the slice's primary records to the holders and handing its other records to their owners
 * as if they had changed; the slice is sized so that the sweep covers the whole store once every
 * {@link #SWEEP_ROUNDS} rounds, and not faster than once per {@link #SWEEP_MIN_MILLIS}. That
 * catches what the targeted pushes cannot see (a node restarted at the same address before anyone
 * noticed, a copy lost in a race) at a cost spread evenly over the rounds, instead of a burst that
 * would stall the puts.
 */
final class ReplicaRepair {
    private static final Logger log = LoggerFactory.getLogger(ReplicaRepair.class);
    /** The anti-entropy sweep covers the whole store once every this many rounds ... */
    static final int SWEEP_ROUNDS = 10;
    /** ... but not faster than once in this time. */
    static final long SWEEP_MIN_MILLIS = 30_000;

    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final Router router;
    private final ChordRpc rpc;
    private final ValueStore store;
    private final Object lock = new Object();
    /** Replica holders that missed an eager replication since the last round: they get the whole range. */
    private final Set<NodeRef> missed = ConcurrentHashMap.newKeySet();
    /** Keys of puts and removes accepted here while outside this node's primary range: handed to their owner. */
    private final Set<Id> acceptedForeign = ConcurrentHashMap.newKeySet();

    // bookkeeping, under lock
    private NodeRef lastPushPredecessor;
    private List<NodeRef> lastPushHolders = List.of();
    private Set<Range> lastRanges = Set.of();
    private Id sweepCursor;
    private long lastRound;

    /** Part of the foreign part of the store, (from, to], owned by {@code owner}. */
    private record Range(Id from, Id to, NodeRef owner, boolean holder) {
        /** What identifies a range from round to round (its lower end moves with the keys present). */
        Range key() {
            return new Range(null, to, owner, holder);
        }
    }

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

    /** An eager replication to {@code holder} failed: the next round pushes it the whole primary range. */
    void replicaMissed(NodeRef holder) {
        missed.add(holder);
    }

    /** A put or remove of {@code keyId} was accepted here while the key is outside this node's primary range. */
    void acceptedForeign(Id keyId) {
        acceptedForeign.add(keyId);
    }

    /**
     * Pushes the primary range (pred, self] to the r-1 successors: in full to a holder that is new or
     * missed something, or to all when the range moved; else only the keys that records from other
     * nodes changed and those of the sweep's slice.
     */
    private void pushReplicas(NodeRef pred, Id me, Set<Id> changed, long now) {
        List<NodeRef> succs = table.successors();
        List<NodeRef> holders = new ArrayList<>(succs.subList(0, Math.min(succs.size(), r - 1)));
        boolean rangeMoved = !pred.equals(lastPushPredecessor);
        List<StoredRecord> all = null;
        List<StoredRecord> delta = null;
        for (NodeRef n : holders) {
            boolean missedSome = missed.remove(n);
            boolean full = rangeMoved || missedSome || !lastPushHolders.contains(n);
            List<StoredRecord> recs;
            if (full) {
                if (all == null) {
                    all = store.recordsIn(pred.id(), me, now);
                }
                recs = all;
            } else {
                if (delta == null) {
                    delta = new ArrayList<>();
                    for (Id id : changed) {
                        if (id.inHalfOpen(pred.id(), me)) {
                            delta.addAll(store.records(id, now));
                        }
                    }
                }
                recs = delta;
            }
            if (recs.isEmpty()) {
                continue;
            }
            try {
                rpc.replicate(n, recs);
            } catch (LookupException e) {
                missed.add(n);
                if (e instanceof RpcFailure) {
                    table.failed(n);
                }
                log.debug("{}: replica push to {} failed: {}", self, n, e.getMessage());
            }
        }
        lastPushPredecessor = pred;
        lastPushHolders = holders;
    }

    /**
     * Looks up the owners of the records outside the primary range, i.e. in (self, pred], one lookup per
     * range of consecutive keys with one owner, and hands records to them: everything in a range whose
     * owner is new, else the puts and removes accepted here for keys of that range and the keys of
     * the sweep's slice. Drops the records of ranges this node is not among the r holders of once
     * their owner has them.
     */
    private void handOffForeign(NodeRef pred, Id me, List<Id> sweep, long now) {
        List<Range> ranges = new ArrayList<>();
        Id from = me;
        while (true) {
            Id k = store.firstKeyIn(from, pred.id());
            if (k == null) {
                break;
            }
            LookupResult res;
            try {
                res = router.lookup(k);
            } catch (LookupException e) {
                log.debug("{}: repair lookup failed: {}", self, e.getMessage());
                return;
            }
            NodeRef owner = res.owner();
            if (owner.equals(self)) {
                break; // the rest of the way round is this node's (its predecessor is out of date)
            }
            List<NodeRef> holders = res.successors().subList(0, Math.min(res.successors().size(), r));
            Id to = owner.id().inHalfOpen(from, pred.id()) ? owner.id() : pred.id();
            ranges.add(new Range(from, to, owner, holders.contains(self)));
            if (to.equals(pred.id())) {
                break;
            }
            from = to;
        }
        List<Id> accepted = new ArrayList<>(acceptedForeign);
        acceptedForeign.removeAll(accepted);
        accepted.addAll(sweep);
        Set<Range> done = new HashSet<>();
        int dropped = 0;
        for (Range range : ranges) {
            boolean full = !range.holder() || !lastRanges.contains(range.key());
            List<StoredRecord> recs;
            if (full) {
                recs = store.recordsIn(range.from(), range.to(), now);
            } else {
                recs = new ArrayList<>();
                for (Id id : new LinkedHashSet<>(accepted)) {
                    if (id.inHalfOpen(range.from(), range.to())) {
                        recs.addAll(store.records(id, now));
                    }
                }
            }
            if (!recs.isEmpty()) {
                try {
                    rpc.replicate(range.owner(), recs);
                } catch (LookupException e) {
                    log.debug("{}: hand-off to {} failed: {}", self, range.owner(), e.getMessage());
                    continue; // not remembered: the next round hands the whole range over again
                }
            }
            done.add(range.key());
            if (!range.holder() && !recs.isEmpty() && !ownerCountsOn(range.owner())) {
                Set<Id> ids = new LinkedHashSet<>();
                for (StoredRecord rec : recs) {
                    ids.add(rec.keyId());
                }
                store.dropExactly(recs); // a newer record that came meanwhile stays
                if (ownerCountsOn(range.owner())) {
                    // the owner took this node on meanwhile and may have pushed these records just
                    // before the drop (its push finds them here and changes nothing): put them back
                    for (StoredRecord rec : recs) {
                        store.merge(rec);
                    }
                } else {
                    dropped += ids.size();
                }
            }
        }
        if (dropped > 0) {
            log.info("{}: moved {} keys to their owners and dropped them here", self, dropped);
        }
        lastRanges = done;
    }

    /**
     * Whether {@code owner} has this node among its r-1 replica holders, asked of the owner itself
     * (true when it cannot be asked). A lookup answer comes from the owner's predecessor, whose
     * successor list may lag behind the owner's own; dropping copies on that word could drop what
     * the owner has just pushed here as to a new holder, and it pushes a holder its whole range only
     * when the holder is new to it.
     */
    private boolean ownerCountsOn(NodeRef owner) {
        try {
            List<NodeRef> succs = rpc.neighbours(owner).successors();
            return succs.subList(0, Math.min(succs.size(), r - 1)).contains(self);
        } catch (LookupException e) {
            return true;
        }
    }

    /** Gives a new predecessor the records it must hold: everything except our own new range (n, self]. */
    void handOverTo(NodeRef n) {
        List<StoredRecord> recs = store.recordsIn(self.id(), n.id(), System.currentTimeMillis());
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
     * One repair round: purge expired records; push the primary range to the r-1 successors (see
     * {@link #pushReplicas}); hand records this node is not the owner of to their owner and drop
     * those it no longer has to hold (see {@link #handOffForeign}).
     */
    void repair() {
        synchronized (lock) {
            long now = System.currentTimeMillis();
            long elapsed = lastRound == 0 ? 0 : Math.max(0, now - lastRound);
            lastRound = now;
            store.purgeExpired(now);
            NodeRef pred = table.predecessor();
            if (pred == null) {
                return;
            }
            Id me = self.id();
            List<Id> sweep = sweepSlice(elapsed);
            Set<Id> changed = store.drainChanged();
            changed.addAll(sweep);
            pushReplicas(pred, me, changed, now);
            handOffForeign(pred, me, sweep, now);
        }
    }

    /**
     * The next keys of the anti-entropy sweep: the share of the store that {@code elapsed} ms (the
     * time since the last round) is of the sweep period, at least one key.
     */
    private List<Id> sweepSlice(long elapsed) {
        int keys = store.keyCount();
        if (keys == 0 || elapsed == 0) {
            return List.of();
        }
        long period = Math.max(SWEEP_MIN_MILLIS, SWEEP_ROUNDS * elapsed);
        int n = (int) Math.min(keys, Math.max(1, (long) Math.ceil(keys * (double) elapsed / period)));
        List<Id> slice = store.keysAfter(sweepCursor, n);
        if (!slice.isEmpty()) {
            sweepCursor = slice.get(slice.size() - 1);
        }
        return slice;
    }
}
