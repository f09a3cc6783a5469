package org.p2psip.lookup.chord;

import java.util.List;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.store.ValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves keys when a node joins, as the Chord paper requires (Stoica et al. 2001, "Node Joins":
 * transferring keys); the keys of a leaving node move with its {@link Departure}:
 *
 * <ul>
 *   <li>join: the new node pulls the records it must hold from its successor ({@link #pullFrom},
 *       served by {@link #page}, in pages of the TRANSFER message);</li>
 *   <li>notify: a node that adopts a new predecessor hands it the records it must now hold
 *       ({@link #handOverTo}).</li>
 * </ul>
 */
final class KeyTransfer {
    private static final Logger log = LoggerFactory.getLogger(KeyTransfer.class);

    private final NodeRef self;
    private final ChordRpc rpc;
    private final ValueStore store;

    KeyTransfer(NodeRef self, ChordRpc rpc, ValueStore store) {
        this.self = self;
        this.rpc = rpc;
        this.store = store;
    }

    /** Join: fetches the records this node must hold from {@code successor}; returns how many came. */
    int pullFrom(NodeRef successor) {
        int n = 0;
        Id after = null;
        for (int page = 0; page < 100_000; page++) {
            ChordRpc.TransferPage p = rpc.transfer(successor, self, after);
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

    /** A joining node asks for the records it must hold (see {@link #handOverTo}), one page at a time. */
    List<StoredRecord> page(NodeRef joining, Id after) {
        Id me = self.id();
        return store.page(after, id -> !id.inHalfOpen(joining.id(), me), WireMessages.BATCH_BYTES,
                System.currentTimeMillis());
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
}
