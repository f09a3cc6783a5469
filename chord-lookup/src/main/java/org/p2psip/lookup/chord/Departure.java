package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.List;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A voluntary departure, both sides of it (Stoica et al. 2001, "Voluntary Node Departures": the
 * leaving node hands its keys to its successor and tells its predecessor and successor, which link
 * up): the leaving node's {@link #leave()}, the successor's
 * {@link #predecessorLeft} (it takes over the keys and, when it knows no predecessor, the leaving
 * node's) and the predecessor's {@link #successorLeft} (it links up with the leaving node's
 * successors).
 */
final class Departure {
    private static final Logger log = LoggerFactory.getLogger(Departure.class);

    private final NodeRef self;
    private final RoutingTable table;
    private final ChordRpc rpc;
    private final ValueStore store;
    private final PastMembers past;

    Departure(NodeRef self, RoutingTable table, ChordRpc rpc, ValueStore store, PastMembers past) {
        this.self = self;
        this.table = table;
        this.rpc = rpc;
        this.store = store;
        this.past = past;
    }

    /**
     * Leave: sends every record to the first successor that takes them, tells it this node's
     * predecessor, and tells the predecessor this node's successor list. Failures are logged: the
     * replicas and the other nodes' maintenance cover for them.
     */
    void leave() {
        List<NodeRef> succs = table.successors();
        NodeRef pred = table.predecessor();
        List<StoredRecord> records = store.records(id -> true, System.currentTimeMillis());
        NodeRef heir = null;
        for (NodeRef n : succs) {
            try {
                rpc.replicate(n, records);
                rpc.leavingToSuccessor(n, self, pred);
                heir = n;
                break;
            } catch (LookupException e) {
                log.info("{}: successor {} did not take the keys ({}); trying the next", self, n, e.getMessage());
            }
        }
        if (pred != null) {
            try {
                rpc.leavingToPredecessor(pred, self, succs);
            } catch (LookupException e) {
                log.info("{}: could not tell predecessor {} ({})", self, pred, e.getMessage());
            }
        }
        if (heir != null) {
            log.info("{}: left the ring; handed {} records over to {}", self, records.size(), heir);
        } else {
            log.info("{}: left the ring (no successor took {} records)", self, records.size());
        }
    }

    /** At the successor: its predecessor {@code leaving} left and handed its records over. */
    void predecessorLeft(NodeRef leaving, NodeRef itsPredecessor) {
        table.failed(leaving);
        past.forget(leaving); // left for good: nothing to probe or merge with
        if (table.predecessor() == null && itsPredecessor != null && !itsPredecessor.id().equals(self.id())) {
            table.setPredecessor(itsPredecessor);
        }
        log.info("{}: {} left the ring; took over its keys; predecessor now {}", self, leaving, table.predecessor());
    }

    /** At the predecessor: its successor {@code leaving} left; its successors come next. */
    void successorLeft(NodeRef leaving, List<NodeRef> itsSuccessors) {
        table.failed(leaving);
        past.forget(leaving);
        List<NodeRef> next = new ArrayList<>();
        for (NodeRef n : itsSuccessors) {
            if (!n.equals(leaving)) {
                next.add(n);
            }
        }
        next.addAll(table.successors());
        table.setSuccessors(next);
        log.info("{}: successor {} left the ring; successor now {}", self, leaving, table.successor());
    }
}
