package org.p2psip.om.sato;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongBiFunction;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.RingView;

/**
 * The relays of the lookup service without those this node has reasons to think unreachable: the
 * relay peer's host is among the ring members that stopped answering (a partition: its record still
 * lives in the lookup service for its TTL) or, while members are unreachable, has no member in the
 * ring as last counted round (a relay this node never knew as a neighbour, beyond the cut), or its OM
 * did not answer lately. Measured choices (policy
 * auto between public peers) find that out by probing; choices by spare capacity (policy always, a
 * NAT) would otherwise pick a relay beyond the cut and fail the call after a SOAP timeout.
 */
final class ReachableRelays implements RelayPolicy.Relays {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReachableRelays.class);
    /** An OM that did not answer within this long is skipped. */
    static final long UNANSWERED_MS = 60_000;
    /** Relays looked at at most, past the unreachable ones. */
    private static final int TRIES = 4;

    private final RelayPolicy.Relays all;
    private final Supplier<RingView> ring;
    private final ToLongBiFunction<Address, Long> lostWithin;

    private ReachableRelays(RelayPolicy.Relays all, Supplier<RingView> ring, ToLongBiFunction<Address, Long> lostWithin) {
        this.all = all;
        this.ring = ring;
        this.lostWithin = lostWithin;
    }

    /** {@code all} without the unreachable ones; {@code lostWithin(om, ms)}: when om was last found unanswering within ms, or -1. */
    static RelayPolicy.Relays of(RelayPolicy.Relays all, Supplier<RingView> ring, ToLongBiFunction<Address, Long> lostWithin) {
        return new ReachableRelays(all, ring, lostWithin);
    }

    boolean reachable(PeerRecord relay) {
        return unreachableBecause(relay) == null;
    }

    /** Why {@code relay} is taken as unreachable, or null if it is not. */
    private String unreachableBecause(PeerRecord relay) {
        RingView r = ring.get();
        String host = relay.om().host();
        if (r != null && r.unreachableHosts().contains(host)) {
            return "a lookup node on " + host + " stopped answering this node's ring";
        }
        if (r != null && r.outOfReach(host)) {
            return host + " has no member in this node's ring as counted all the way round, while "
                    + r.unreachable() + " member(s) are unreachable";
        }
        long lost = lostWithin.applyAsLong(relay.om(), UNANSWERED_MS);
        if (lost >= 0) {
            return "its OM IF did not answer " + (System.currentTimeMillis() - lost) / 1000 + " s ago";
        }
        return null;
    }

    @Override
    public List<PeerRecord> candidates(int n, Set<String> exclude) {
        List<PeerRecord> out = new ArrayList<>(n);
        for (PeerRecord p : all.candidates(n + TRIES, exclude)) {
            if (out.size() < n && reachable(p)) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public void refreshSoon() {
        all.refreshSoon();
    }

    @Override
    public PeerRecord find(Set<String> exclude) {
        Set<String> ex = new HashSet<>(exclude);
        for (int i = 0; i < TRIES; i++) {
            PeerRecord p = all.find(ex);
            String why = p == null ? null : unreachableBecause(p);
            if (why == null) {
                return p;
            }
            log.info("relay {} at {} skipped: {}", p.shortId(), p.om(), why);
            ex.add(p.nodeId());
        }
        return null;
    }
}
