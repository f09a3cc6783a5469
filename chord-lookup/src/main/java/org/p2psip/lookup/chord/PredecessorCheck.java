package org.p2psip.lookup.chord;

import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.wire.RpcFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chord's {@code check_predecessor()} (Stoica et al. 2001, "Stabilization"): pings the predecessor
 * and forgets it when it has failed, so that a live node's notify can replace it.
 */
final class PredecessorCheck {
    private static final Logger log = LoggerFactory.getLogger(PredecessorCheck.class);

    private final NodeRef self;
    private final RoutingTable table;
    private final ChordRpc rpc;

    PredecessorCheck(NodeRef self, RoutingTable table, ChordRpc rpc) {
        this.self = self;
        this.table = table;
        this.rpc = rpc;
    }

    /** Pings the predecessor; one that does not answer, or is no longer part of the ring, is forgotten. */
    void checkPredecessor() {
        NodeRef p = table.predecessor();
        if (p == null) {
            return;
        }
        try {
            rpc.ping(p.toAddress());
            table.alive(p);
        } catch (LookupException e) {
            if (e instanceof RpcFailure || e.reason() == Reason.NOT_JOINED || e.reason() == Reason.CLOSED) {
                table.failed(p);
                log.info("{}: predecessor {} failed ({})", self, p, e.getMessage());
            }
        }
    }
}
