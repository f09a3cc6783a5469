package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.p2psip.lookup.ring.Address;

/**
 * The nodes this node has seen as ring members of late (successors, predecessor, fingers, nodes that
 * failed, the members of its last count all the way round), the "passive list" of Shafaat, Ghodsi and Haridi ("Dealing with network partitions in
 * structured overlay networks", 2009): after a network partition the members on the far side look
 * failed; {@link RingUnification} keeps probing them, and one that answers again from another ring
 * starts the merge. Bounded: at most {@link #CAPACITY} nodes (the one seen longest ago goes first, one that did
 * not fail before one that did),
 * each forgotten {@link #MEMORY_MILLIS} after it was last seen alive. Thread-safe.
 */
final class PastMembers {
    /** At most this many nodes are remembered. */
    static final int CAPACITY = 64;
    /** A node not seen alive for this long is forgotten (a partition longer than this is not healed by itself). */
    static final long MEMORY_MILLIS = 30 * 60_000L;
    /** A node out of view that did not fail is checked again after this long. */
    static final long RECHECK_MILLIS = 5 * 60_000L;

    private static final class Entry {
        NodeRef node;
        long lastSeen;
        /** When a request to it last failed (0: not since it was last confirmed). */
        long failedAt;
        /** When it was last found to be a member of this node's ring. */
        long confirmedAt;
        /** When it was last probed. */
        long probedAt;
    }

    private final NodeRef self;
    private final Map<Address, Entry> byAddress = new HashMap<>();

    PastMembers(NodeRef self) {
        this.self = self;
    }

    /** {@code nodes} are in this node's view now (routing table): alive as far as it knows. */
    synchronized void seen(Collection<NodeRef> nodes, long now) {
        for (NodeRef n : nodes) {
            if (n != null && !n.id().equals(self.id())) {
                entry(n, now).lastSeen = now;
            }
        }
    }

    /**
     * This node counted its ring all the way round and found {@code members} (itself aside): they are
     * remembered as seen; a remembered node not among them that has not failed yet is taken as failed
     * now (not in this ring: it crashed, or it is on the far side of a partition, where this node may
     * never have had it in its routing table), so it is probed, counted {@link #unreachable} and, when
     * it answers from another ring, merged with.
     */
    synchronized void counted(Set<NodeRef> members, long now) {
        Set<Address> in = new java.util.HashSet<>();
        for (NodeRef n : members) {
            if (!n.id().equals(self.id())) {
                entry(n, now).lastSeen = now;
                in.add(n.toAddress());
            }
        }
        for (Entry e : byAddress.values()) {
            if (e.failedAt == 0 && !in.contains(e.node.toAddress())) {
                e.failedAt = now;
            }
        }
    }

    /** A request to {@code n} failed (it left the routing table): keep probing it. */
    synchronized void failed(NodeRef n, long now) {
        if (n.id().equals(self.id())) {
            return;
        }
        Entry e = byAddress.get(n.toAddress());
        if (e == null) {
            e = entry(n, now);
            e.lastSeen = now;
        }
        e.failedAt = now;
    }

    /** {@code n} answered and is a member of this node's ring: nothing to merge with. */
    synchronized void confirmed(NodeRef n, long now) {
        Entry e = byAddress.get(n.toAddress());
        if (e != null) {
            e.lastSeen = now;
            e.confirmedAt = now;
            e.failedAt = 0;
        }
    }

    /** {@code n} left the ring gracefully: not to be probed. */
    synchronized void forget(NodeRef n) {
        byAddress.remove(n.toAddress());
    }

    /**
     * Up to {@code k} nodes to probe now: remembered, and either failed since they were last confirmed
     * (whether or not back in {@code view}: a member that failed once, say a request that timed out
     * while the ring was cut, and came back into the routing table through a neighbour is still counted
     * {@link #unreachable} until a probe confirms it), or out of view and not checked for
     * {@link #RECHECK_MILLIS}; failed ones first, then the ones probed longest ago. Marks them probed.
     */
    synchronized List<NodeRef> toProbe(Set<NodeRef> view, int k, long now) {
        byAddress.values().removeIf(e -> now - e.lastSeen > MEMORY_MILLIS);
        List<Entry> c = new ArrayList<>();
        for (Entry e : byAddress.values()) {
            if (e.failedAt > 0) {
                c.add(e);
            } else if (!view.contains(e.node) && now - Math.max(e.confirmedAt, e.lastSeen) > RECHECK_MILLIS) {
                c.add(e);
            }
        }
        c.sort(Comparator.comparing((Entry e) -> e.failedAt == 0).thenComparingLong(e -> e.probedAt));
        List<NodeRef> out = new ArrayList<>();
        for (Entry e : c.subList(0, Math.min(k, c.size()))) {
            e.probedAt = now;
            out.add(e.node);
        }
        return out;
    }

    synchronized int size() {
        return byAddress.size();
    }

    /**
     * The hosts of the members {@link #unreachable} counts, except hosts where a member answers (several
     * nodes on one host, e.g. on loopback: the host as a whole is not cut off).
     */
    synchronized java.util.Set<String> unreachableHosts(long now) {
        java.util.Set<String> hosts = new java.util.TreeSet<>();
        java.util.Set<String> alive = new java.util.HashSet<>();
        alive.add(self.host());
        for (Entry e : byAddress.values()) {
            if (e.failedAt > 0 && now - e.lastSeen <= MEMORY_MILLIS) {
                hosts.add(e.node.host());
            } else if (e.failedAt == 0) {
                alive.add(e.node.host());
            }
        }
        hosts.removeAll(alive);
        return hosts;
    }

    /**
     * Remembered members that failed and have not been found alive in this ring since (nor
     * forgotten): after a partition, the members on the far side.
     */
    synchronized int unreachable(long now) {
        int n = 0;
        for (Entry e : byAddress.values()) {
            if (e.failedAt > 0 && now - e.lastSeen <= MEMORY_MILLIS) {
                n++;
            }
        }
        return n;
    }

    synchronized boolean remembers(NodeRef n) {
        return byAddress.containsKey(n.toAddress());
    }

    private static boolean evictBefore(Entry a, Entry b) {
        boolean aFailed = a.failedAt > 0;
        boolean bFailed = b.failedAt > 0;
        if (aFailed != bFailed) {
            return !aFailed;
        }
        return a.lastSeen < b.lastSeen;
    }

    private Entry entry(NodeRef n, long now) {
        Entry e = byAddress.get(n.toAddress());
        if (e != null) {
            e.node = n;
            return e;
        }
        if (byAddress.size() >= CAPACITY) {
            // the one seen longest ago goes, a node that did not fail before one that did (nodes in
            // view are seen again every round; the failed ones are what a heal needs)
            Entry oldest = null;
            for (Entry x : byAddress.values()) {
                if (oldest == null || evictBefore(x, oldest)) {
                    oldest = x;
                }
            }
            byAddress.remove(oldest.node.toAddress());
        }
        e = new Entry();
        e.node = n;
        e.lastSeen = now;
        byAddress.put(n.toAddress(), e);
        return e;
    }
}
