package org.p2psip.lookup.chord;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the ring this node sees by walking it along successor lists: its own list, then the list of
 * the last node of each list (NEIGHBOURS), until the walk comes back to this node (the count is then
 * exact) or has gone once round the identifier circle without meeting it. After
 * {@link #MAX_NODES} nodes or {@link #MAX_REQUESTS} requests it stops and estimates the size from
 * the share of the circle it covered. A node in one piece of a partitioned ring counts that piece;
 * after the merge, the whole ring. Used by {@link RingUnification}, on its thread.
 */
final class RingCensus {
    private static final Logger log = LoggerFactory.getLogger(RingCensus.class);
    /** The walk counts at most this many nodes ... */
    static final int MAX_NODES = 256;
    /** ... with at most this many requests. */
    static final int MAX_REQUESTS = 64;

    /**
     * A count: {@code nodes} including this node; {@code exact} when the walk came back round; {@code hosts}:
     * the hosts of the nodes counted, this node's included, and {@code members}: the nodes counted other
     * than this one (both empty when the count is an estimate).
     */
    record Count(int nodes, boolean exact, Set<String> hosts, Set<NodeRef> members) {
        Count {
            hosts = Set.copyOf(hosts);
            members = Set.copyOf(members);
        }
    }

    private final NodeRef self;
    private final RoutingTable table;
    private final ChordRpc rpc;

    RingCensus(NodeRef self, RoutingTable table, ChordRpc rpc) {
        this.self = self;
        this.table = table;
        this.rpc = rpc;
    }

    /** Walks the ring; throws when a node on the way does not answer (the caller keeps its last count). */
    Count count() {
        BigInteger circle = BigInteger.ONE.shiftLeft(Id.BITS);
        BigInteger travelled = BigInteger.ZERO;
        Id at = self.id();
        Set<NodeRef> seen = new HashSet<>();
        List<NodeRef> list = table.successors();
        int requests = 0;
        while (true) {
            NodeRef last = null;
            for (NodeRef n : list) {
                if (n.id().equals(self.id())) {
                    return exact(seen);
                }
                BigInteger d = at.distanceTo(n.id());
                if (d.signum() == 0 || seen.contains(n)) {
                    continue;
                }
                if (travelled.add(d).compareTo(circle) >= 0) {
                    // once round the circle without meeting this node: it is not on this cycle (yet)
                    return exact(seen);
                }
                travelled = travelled.add(d);
                at = n.id();
                seen.add(n);
                last = n;
                if (seen.size() >= MAX_NODES) {
                    return estimate(seen.size(), travelled, circle);
                }
            }
            if (last == null) {
                return exact(seen); // alone, or the walk went nowhere new
            }
            if (requests++ >= MAX_REQUESTS) {
                return estimate(seen.size(), travelled, circle);
            }
            try {
                list = rpc.neighbours(last).successors();
            } catch (LookupException e) {
                log.debug("{}: ring census stopped at {}: {}", self, last, e.getMessage());
                throw e;
            }
        }
    }

    private Count exact(Set<NodeRef> seen) {
        Set<String> hosts = new HashSet<>();
        hosts.add(self.host());
        for (NodeRef n : seen) {
            hosts.add(n.host());
        }
        return new Count(seen.size() + 1, true, hosts, seen);
    }

    private static Count estimate(int counted, BigInteger travelled, BigInteger circle) {
        // counted nodes cover `travelled` of the circle: the whole holds about counted * circle / travelled
        long n = new java.math.BigDecimal(circle).multiply(java.math.BigDecimal.valueOf(counted))
                .divide(new java.math.BigDecimal(travelled), java.math.MathContext.DECIMAL64).longValue();
        return new Count((int) Math.min(Integer.MAX_VALUE, Math.max(counted + 1, n)), false, Set.of(), Set.of());
    }
}
