package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.List;
import org.p2psip.lookup.LookupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chord's {@code stabilize()} and {@code notify(n')} (Stoica et al. 2001, "Stabilization"): how a
 * node learns about nodes that joined between it and its successor.
 *
 * <ul>
 *   <li>{@link #stabilize()}: ask the successor for its predecessor x; if x lies between this node and
 *       the successor, x becomes the successor. Then rebuild the successor list from the successor's
 *       own list ("Failures and Replication") and notify the successor. A successor that does not answer is dropped and
 *       the next in the list takes over (the finger table is the fallback when the list runs dry).</li>
 *   <li>{@link #notified(NodeRef)}: the receiving side of notify: a node that lies between the current
 *       predecessor and this node becomes the predecessor.</li>
 * </ul>
 */
final class Stabilization {
    private static final Logger log = LoggerFactory.getLogger(Stabilization.class);

    private final NodeRef self;
    private final int r;
    private final RoutingTable table;
    private final ChordRpc rpc;

    Stabilization(NodeRef self, int r, RoutingTable table, ChordRpc rpc) {
        this.self = self;
        this.r = r;
        this.table = table;
        this.rpc = rpc;
    }

    /** One round of stabilize: verify the successor, adopt a closer one, refresh the successor list, notify. */
    void stabilize() {
        for (int attempt = 0; attempt <= r + 2; attempt++) {
            NodeRef succ = table.successor();
            if (succ.equals(self)) {
                NodeRef f = table.closestFollower();
                if (f == null) {
                    return; // alone
                }
                table.setSuccessors(List.of(f));
                continue;
            }
            ChordRpc.Neighbours nb;
            try {
                nb = rpc.neighbours(succ);
            } catch (LookupException e) {
                if (table.failed(succ)) {
                    log.info("{}: successor {} failed ({}); next is {}", self, succ, e.getMessage(), table.successor());
                }
                continue;
            }
            table.alive(succ);
            NodeRef x = nb.predecessor();
            if (x != null && !x.id().equals(self.id()) && x.id().inOpen(self.id(), succ.id())) {
                try {
                    ChordRpc.Neighbours nx = rpc.neighbours(x);
                    table.alive(x);
                    succ = x;
                    nb = nx;
                } catch (LookupException e) {
                    table.failed(x);
                }
            }
            NodeRef before = table.successor();
            List<NodeRef> list = new ArrayList<>();
            list.add(succ);
            list.addAll(nb.successors());
            table.setSuccessors(list);
            if (!before.equals(table.successor())) {
                log.info("{}: stabilised: successor is now {}", self, table.successor());
            }
            try {
                rpc.notify(succ, self);
            } catch (LookupException e) {
                table.failed(succ);
            }
            return;
        }
    }

    /**
     * {@code n} thinks it might be this node's predecessor (Chord notify).
     *
     * @return whether {@code n} became the predecessor (it must then be handed the keys it now owns)
     */
    boolean notified(NodeRef n) {
        table.alive(n);
        if (n.id().equals(self.id())) {
            return false;
        }
        NodeRef old = table.predecessor();
        if (old == null || n.id().inOpen(old.id(), self.id())) {
            table.setPredecessor(n);
            log.info("{}: predecessor is now {}", self, n);
            return true;
        }
        return false;
    }
}
