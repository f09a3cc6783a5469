package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of a put or remove: store it, then write it to the r-1 successors, the replica
 * holders of the Chord paper's successor-list replication (Stoica et al. 2001, "Failures and
 * Replication": an application keeps copies of a key's data at the nodes that succeed the key). The writes go out in parallel; the operation answers once each holder has acknowledged or
 * failed (at most one RPC timeout). It succeeds only when at least {@code quorum} replica holders
 * (fewer if the ring has fewer other nodes) acknowledged: otherwise it fails with UNREACHABLE, the
 * record staying at the owner for repair to spread, and the caller retries. A holder that fails or
 * refuses is reported to the routing table (when it did not answer) and {@link ReplicaRepair} sends
 * it the whole primary range at its next round.
 */
final class ReplicaWriter {
    private static final Logger log = LoggerFactory.getLogger(ReplicaWriter.class);

    private final NodeRef self;
    private final int r;
    private final int quorum;
    private final RoutingTable table;
    private final ChordRpc rpc;
    private final ValueStore store;
    private final ReplicaRepair repair;

    ReplicaWriter(NodeRef self, int r, int quorum, RoutingTable table, ChordRpc rpc, ValueStore store, ReplicaRepair repair) {
        this.self = self;
        this.r = r;
        this.quorum = quorum;
        this.table = table;
        this.rpc = rpc;
        this.store = store;
        this.repair = repair;
    }

    /** Stores a put that routed to this node and replicates it to the successors. */
    void put(String key, String value, int ttlSeconds) {
        put(key, value, ttlSeconds, null);
    }

    /** {@link #put(String, String, int)} from {@code writer} (null: unknown), counted against its per-writer limit. */
    void put(String key, String value, int ttlSeconds, String writer) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        Limits.checkTtl(ttlSeconds);
        write(store.put(key, value, ttlSeconds * 1000L, System.currentTimeMillis(), writer));
    }

    /** Stores a remove (a tombstone) that routed to this node and replicates it to the successors. */
    void remove(String key, String value) {
        Limits.checkKey(key);
        Limits.checkValue(value);
        write(store.remove(key, value, System.currentTimeMillis()));
    }

    private void write(StoredRecord rec) {
        NodeRef pred = table.predecessor();
        if (pred == null || !rec.keyId().inHalfOpen(pred.id(), self.id())) {
            // accepted for a key outside this node's primary range: goes to the key's owner at the next repair
            repair.acceptedForeign(rec.keyId());
        }
        replicateToSuccessors(List.of(rec));
    }

    /**
     * Sends {@code recs} to the r-1 successors at once, in parallel, and waits until each has answered
     * or failed; fails with UNREACHABLE when fewer than the quorum acknowledged.
     */
    private void replicateToSuccessors(List<StoredRecord> recs) {
        List<NodeRef> holders = new ArrayList<>();
        for (NodeRef h : table.successors()) {
            if (holders.size() < r - 1 && !h.equals(self) && !holders.contains(h)) {
                holders.add(h);
            }
        }
        if (holders.isEmpty()) {
            return; // alone in the ring: the owner is every holder there is
        }
        AtomicInteger acked = new AtomicInteger();
        CompletableFuture<?>[] sent = new CompletableFuture<?>[holders.size()];
        for (int i = 0; i < holders.size(); i++) {
            NodeRef h = holders.get(i);
            sent[i] = rpc.replicateAsync(h, recs).handle((ok, e) -> {
                if (e != null) {
                    replicaFailed(h, e);
                } else {
                    acked.incrementAndGet();
                }
                return null;
            });
        }
        try {
            CompletableFuture.allOf(sent).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: stored here, repair of the survivors catches up
            return;
        } catch (ExecutionException e) {
            // cannot happen: every failure is handled above
        }
        int needed = Math.min(quorum, holders.size());
        if (acked.get() < needed) {
            throw new LookupException(LookupException.Reason.UNREACHABLE, "stored at " + self + " but only " + acked.get()
                    + " of " + holders.size() + " replica holders confirmed (at least " + needed + " needed); try again");
        }
    }

    private void replicaFailed(NodeRef holder, Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        repair.replicaMissed(holder);
        if (e instanceof RpcFailure) {
            table.failed(holder);
            log.info("{}: replica holder {} failed ({}); repair will catch up", self, holder, e.getMessage());
        } else {
            log.debug("{}: replica holder {} refused: {}", self, holder, e.getMessage());
        }
    }
}
