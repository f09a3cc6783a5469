package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.lookup.LookupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ring unification after a network partition (Shafaat, Ghodsi and Haridi, "Dealing with network
 * partitions in structured overlay networks", 2009): when a partition splits the ring, Chord's
 * stabilization closes each piece into a ring of its own, and when the network heals nothing in
 * Chord joins them again. This task, run periodically ({@code ChordConfig.unifyInterval}, jittered),
 * does:
 *
 * <ol>
 *   <li>remembers the members in this node's view ({@link PastMembers}, which also records the nodes
 *       that failed);</li>
 *   <li>probes a few remembered nodes that failed and are not in view (PING, in parallel);</li>
 *   <li>for a node p that answers, decides whether it is in another ring: it is not when a lookup of
 *       p's id in this node's ring finds p, or a lookup of this node's id through p finds this node
 *       (either ring merely lagging behind). Only then is it a merge: this node's successor list and
 *       the successors that p's ring gives for this node's id are merged in ring order, and the new
 *       successor is notified, as Shafaat et al.'s {@code trymerge} feeds a node of the other ring
 *       to its neighbours. Every node that remembers a member of the other side does the same on
 *       its own; Chord's stabilize and notify then zip the two rings together (each pointer only
 *       moves closer), and replica repair moves records to their holders in the merged ring.</li>
 *   <li>counts the ring it sees ({@link RingCensus}) for the node status.</li>
 * </ol>
 *
 * <p>A member that was only slow answers again from this node's own ring: it is confirmed, never
 * merged with; and merging two lists of the same ring changes nothing, so a merge attempt on a
 * healthy ring is a no-op.
 */
final class RingUnification {
    private static final Logger log = LoggerFactory.getLogger(RingUnification.class);
    /** Remembered nodes probed per round at most. */
    static final int PROBES_PER_ROUND = 4;

    private final NodeRef self;
    private final RoutingTable table;
    private final Router router;
    private final ChordRpc rpc;
    private final PastMembers past;
    private final RingCensus census;
    private final long probeTimeoutMillis;
    private final AtomicLong merges = new AtomicLong();
    private final AtomicLong confirmations = new AtomicLong();
    private volatile long lastMergeMillis;
    private volatile RingCensus.Count lastCount;

    RingUnification(NodeRef self, RoutingTable table, Router router, ChordRpc rpc, PastMembers past,
                    long probeTimeoutMillis) {
        this.self = self;
        this.table = table;
        this.router = router;
        this.rpc = rpc;
        this.past = past;
        this.census = new RingCensus(self, table, rpc);
        this.probeTimeoutMillis = probeTimeoutMillis;
    }

    /** One round: remember the view, probe past members, unify with any in another ring, count the ring. */
    void round() {
        long now = System.currentTimeMillis();
        Set<NodeRef> view = new LinkedHashSet<>(table.successors());
        view.addAll(table.distinctFingers());
        NodeRef pred = table.predecessor();
        if (pred != null) {
            view.add(pred);
        }
        past.seen(view, now);
        if (probeAndUnify(past.toProbe(view, PROBES_PER_ROUND, now)) > 0) {
            // a member that had failed answers again (the network healed): the others likely do too, so
            // all of them are probed now rather than a few per round (measured in the lab: 12 peers took
            // about 30 s to become one ring at 4 per round)
            probeAndUnify(past.toProbe(view, PastMembers.CAPACITY, System.currentTimeMillis()));
        }
        try {
            RingCensus.Count count = census.count();
            lastCount = count;
            if (count.exact()) {
                // members counted before and missing now went without saying goodbye: crashed, or beyond a
                // partition (this node may never have had them in its own routing table)
                past.counted(count.members(), System.currentTimeMillis());
            }
        } catch (LookupException e) {
            // keep the last count; the next round walks again
        }
    }

    /** Probes {@code nodes} in parallel and unifies with each that answers; returns how many answered. */
    private int probeAndUnify(List<NodeRef> nodes) {
        Map<NodeRef, CompletableFuture<?>> probes = new LinkedHashMap<>();
        for (NodeRef n : nodes) {
            probes.put(n, rpc.pingAsync(n.toAddress()));
        }
        int answered = 0;
        for (Map.Entry<NodeRef, CompletableFuture<?>> e : probes.entrySet()) {
            NodeRef n = e.getKey();
            try {
                e.getValue().get(probeTimeoutMillis + 500, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException x) {
                continue; // still unreachable (or not a ring member): probed again in a later round
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                return answered;
            }
            answered++;
            table.alive(n);
            try {
                unifyWith(n);
            } catch (LookupException x) {
                log.debug("{}: ring unification with {} did not finish: {}", self, n, x.getMessage());
            }
        }
        return answered;
    }

    /**
     * Unifies this node's ring with the ring of {@code p}, a live node, if they are two rings.
     *
     * @return whether this node adopted nodes of another ring
     */
    boolean unifyWith(NodeRef p) {
        if (p.id().equals(self.id())) {
            return false;
        }
        long now = System.currentTimeMillis();
        LookupResult mine = router.lookup(p.id());
        if (mine.owner().equals(p)) {
            sameRing(p, now);
            return false;
        }
        LookupResult theirs = router.lookupVia(p, self.id());
        if (theirs.owner().equals(self)) {
            sameRing(p, now);
            return false;
        }
        List<NodeRef> merged = new ArrayList<>(table.successors());
        for (NodeRef n : theirs.successors()) {
            if (!n.id().equals(self.id()) && !merged.contains(n)) {
                merged.add(n);
            }
        }
        merged.sort(Comparator.comparing((NodeRef n) -> self.id().distanceTo(n.id())));
        NodeRef before = table.successor();
        List<NodeRef> listBefore = table.successors();
        if (!table.setSuccessors(merged)) {
            return false;
        }
        merges.incrementAndGet();
        lastMergeMillis = System.currentTimeMillis();
        NodeRef succ = table.successor();
        log.info("{}: ring unification: {} answered from another ring (it routes our id to {}); successors {} -> {}",
                self, p, theirs.owner(), listBefore, table.successors());
        if (!succ.equals(before)) {
            try {
                rpc.notify(succ, self);
            } catch (LookupException e) {
                log.debug("{}: could not notify new successor {}: {}", self, succ, e.getMessage());
            }
        }
        return true;
    }

    private void sameRing(NodeRef p, long now) {
        past.confirmed(p, now);
        confirmations.incrementAndGet();
        log.debug("{}: past member {} answers from this ring: nothing to merge", self, p);
    }

    /** Times this node adopted nodes of another ring. */
    long merges() {
        return merges.get();
    }

    /** Probed past members that turned out to be in this node's ring (false alarms of the failure detector). */
    long confirmations() {
        return confirmations.get();
    }

    /** Wall-clock ms of the last merge, 0 when never. */
    long lastMergeMillis() {
        return lastMergeMillis;
    }

    /** The last ring count, or null before the first. */
    RingCensus.Count lastCount() {
        return lastCount;
    }

    PastMembers past() {
        return past;
    }
}
