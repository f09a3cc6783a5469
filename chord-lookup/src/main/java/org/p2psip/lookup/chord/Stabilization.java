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
 *   <li>{@link #joinedAfter(NodeRef)}: a node that has just joined between this node and its successor
 *       says so (its join found the successor, notified it and learnt this node from it as the
 *       successor's predecessor until then); this node checks that it answers and adopts it at once,
 *       instead of at its next stabilize, as Chord's stabilize would have done (its "join window":
 *       lookups of the keys between the two would end at the old successor meanwhile). A node that
 *       says so but lies further on, within the successor list, takes its place in the list in ring
 *       order: the successors before it may have failed unnoticed (it asked this node because the
 *       node that answered its join's lookup had skipped them).</li>
 * </ul>
 * A stabilize that read the successor's neighbours before such an adoption does not undo it: a live
 * successor closer than the one it found is kept at the head of the list
 * ({@link RoutingTable#setSuccessorsKeepingCloser}).
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

    /**
     * One round of stabilize: verify the successor, adopt a closer one, refresh the successor list, notify.
     *
     * @return the predecessor the successor had before this node's notify (when this node joins: the
     *         node it joins after), or null when no successor answered
     */
    NodeRef stabilize() {
        for (int attempt = 0; attempt <= r + 2; attempt++) {
            NodeRef succ = table.successor();
            if (succ.equals(self)) {
                NodeRef f = table.closestFollower();
                if (f == null) {
                    return null; // alone
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
            table.setSuccessorsKeepingCloser(list);
            succ = table.successor();
            if (!before.equals(succ)) {
                log.info("{}: stabilised: successor is now {}", self, table.successor());
            }
            try {
                rpc.notify(succ, self);
            } catch (LookupException e) {
                table.failed(succ);
            }
            NodeRef itsPredecessor = nb.predecessor();
            return itsPredecessor == null || itsPredecessor.id().equals(self.id()) ? null : itsPredecessor;
        }
        return null;
    }

    /**
     * {@code n} says it has just joined right after this node: when it lies between this node and
     * the successor (or this node is alone) and answers, it becomes the successor, its successor list
     * follows it in this node's, and it is notified; when it lies further on but within the
     * successor list and answers, it takes its place in the list.
     */
    void joinedAfter(NodeRef n) {
        table.alive(n);
        NodeRef succ = table.successor();
        List<NodeRef> succs = table.successors();
        NodeRef last = succs.isEmpty() ? self : succs.get(succs.size() - 1);
        if (n.id().equals(self.id()) || !(succ.equals(self) || n.id().inOpen(self.id(), last.id()))) {
            return; // beyond this node's successor list: this node's stabilize knows better (or it arrived late)
        }
        ChordRpc.Neighbours nb;
        try {
            nb = rpc.neighbours(n);
        } catch (LookupException e) {
            log.info("{}: {} said it joined after this node but does not answer ({})", self, n, e.getMessage());
            return;
        }
        RoutingTable.Adopted how = table.adoptSuccessor(n, nb.successors());
        if (how != RoutingTable.Adopted.SUCCESSOR) {
            if (how == RoutingTable.Adopted.IN_LIST) {
                log.info("{}: {} joined among this node's successors (those before it may have failed)", self, n);
            }
            return;
        }
        log.info("{}: {} joined after this node: it is the successor now", self, n);
        try {
            rpc.notify(n, self);
        } catch (LookupException e) {
            table.failed(n);
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
