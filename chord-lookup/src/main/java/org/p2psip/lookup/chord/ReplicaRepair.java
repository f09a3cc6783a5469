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
 * Replica maintenance, run periodically: keeps every value on the r nodes that succeed its key while
 * the ring changes (the Chord paper's successor-list replication, Stoica et al. 2001, "Failures and Replication", leaves
 * this to the application): replica pushes of the primary range to the r-1 successors, hand-off of
 * misplaced records to their owners, and dropping copies this node no longer has to hold. One per
 * {@link ChordNode}; the eager writes are {@link ReplicaWriter}'s, the moves on join, notify and
 * leave {@link KeyTransfer}'s.
 *
 * <p>The work of a round does not grow with the number of records held when nothing changed: puts
 * and removes are replicated by the owner as they are accepted, so a round pushes only what reached
 * the primary range otherwise (records merged from other nodes), and the whole range only to a
 * replica holder that is new, that missed an eager replication, that left the holders at some moment
 * since the last round (it may have dropped its copies then, see {@link #ownerCountsOn}), or when the
 * range itself moved (a new predecessor). Likewise records are handed to an owner in full only when the owner of a range
 * is new (ring change) or the last hand-off to it failed; otherwise only the puts and removes this
 * node accepted for keys outside its primary range.
 *
 * <p>Besides, every round takes the next slice of the {@link AntiEntropy} sweep as changed: its
 * primary records are pushed to the holders and its other records handed to their owners.
 */
final class ReplicaRepair {
    private static final Logger log = LoggerFactory.getLogger(ReplicaRepair.class);
    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final Router router;
    private final ChordRpc rpc;
    private final ValueStore store;
    private final AntiEntropy antiEntropy;
    private final Object lock = new Object();
    /** Replica holders that missed an eager replication since the last round: they get the whole range. */
    private final Set<NodeRef> missed = ConcurrentHashMap.newKeySet();
    /** Keys of puts and removes accepted here while outside this node's primary range: handed to their owner. */
    private final Set<Id> acceptedForeign = ConcurrentHashMap.newKeySet();

    // bookkeeping, under lock
    private NodeRef lastPushPredecessor;
    private List<NodeRef> lastPushHolders = List.of();
    private Set<Range> lastRanges = Set.of();
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
        this.antiEntropy = new AntiEntropy(store);
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
     * Pushes the primary range (pred, self] to the r-1 successors: in full to a holder that is new,
     * missed something, or left the holders for a while since the last round (however briefly: the
     * successor list changes with every stabilize round while rings merge, and a holder that asked
     * then may have dropped its copies), or to all when the range moved; else only the keys that
     * records from other nodes changed and those of the sweep's slice.
     */
    private void pushReplicas(NodeRef pred, Id me, Set<Id> changed, long now) {
        Set<NodeRef> leftMeanwhile = table.drainLeftHolders(); // before reading the holders: a later change counts next round
        List<NodeRef> succs = table.successors();
        List<NodeRef> holders = new ArrayList<>(succs.subList(0, Math.min(succs.size(), r - 1)));
        boolean rangeMoved = !pred.equals(lastPushPredecessor);
        List<StoredRecord> all = null;
        List<StoredRecord> delta = null;
        for (NodeRef n : holders) {
            boolean missedSome = missed.remove(n);
            boolean full = rangeMoved || missedSome || !lastPushHolders.contains(n) || leftMeanwhile.contains(n);
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
     * range of consecutive keys with one owner (an answer naming an owner that is not between the key
     * and the predecessor comes from a node whose view is out of date, and ends the lookups for this
     * round), and hands records to them: everything in a range whose owner is new, else the puts and
     * removes accepted here for keys of that range and the keys of the sweep's slice. Drops the
     * records of ranges this node is not among the r holders of once their owner has them.
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
            if (!plausibleOwner(k, owner, pred)) {
                // k's owner is k's successor, so it lies between k and the predecessor (alive as far
                // as this node knows). An answer naming a node beyond comes from a node whose view is
                // out of date (rings merging): taken as it is, that node would be the owner up to the
                // predecessor, and this node would drop copies it must hold while their owner, which
                // counts on it, does not push them again. The rest waits for the next round.
                log.debug("{}: repair lookup of {} answered {}, not between the key and predecessor {}; the rest next round",
                        self, k, owner, pred);
                break;
            }
            List<NodeRef> holders = res.successors().subList(0, Math.min(res.successors().size(), r));
            Id to = owner.id();
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
     * Whether a lookup's answer {@code owner} for {@code key}, a key outside this node's primary range,
     * can be right: a key's owner is its successor, so it lies between the key and this node's
     * predecessor (which is alive as far as this node knows), both included.
     */
    static boolean plausibleOwner(Id key, NodeRef owner, NodeRef pred) {
        return owner.id().equals(key) || owner.id().inHalfOpen(key, pred.id());
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
            List<Id> sweep = antiEntropy.nextSlice(elapsed);
            Set<Id> changed = store.drainChanged();
            changed.addAll(sweep);
            pushReplicas(pred, me, changed, now);
            handOffForeign(pred, me, sweep, now);
        }
    }
}
