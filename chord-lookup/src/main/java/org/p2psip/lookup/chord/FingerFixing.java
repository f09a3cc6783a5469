package org.p2psip.lookup.chord;

import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chord's {@code fix_fingers()} (Stoica et al. 2001, "Stabilization"): keeps finger i pointing at
 * successor(n + 2^i). The paper refreshes one random finger per call; this does all 160 in one pass
 * with one lookup per distinct finger: consecutive fingers whose start falls before the last answer
 * are filled without a lookup.
 */
final class FingerFixing {
    private static final Logger log = LoggerFactory.getLogger(FingerFixing.class);

    private final NodeRef self;
    private final RoutingTable table;
    private final Router router;

    FingerFixing(NodeRef self, RoutingTable table, Router router) {
        this.self = self;
        this.table = table;
        this.router = router;
    }

    /** One pass over the finger table; stops at the first lookup that fails (the next pass retries). */
    void fixFingers() {
        NodeRef prev = null;
        for (int i = 0; i < Id.BITS; i++) {
            Id start = table.fingerStart(i);
            if (prev != null && start.inHalfOpen(self.id(), prev.id())) {
                table.setFinger(i, prev);
                continue;
            }
            LookupResult res;
            try {
                res = router.lookup(start);
            } catch (LookupException e) {
                log.debug("{}: fix-fingers stopped at finger {}: {}", self, i, e.getMessage());
                return;
            }
            prev = res.owner();
            table.setFinger(i, prev);
        }
    }
}
