package org.p2psip.lookup.chord;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

/**
 * A node's routing state (Chord): predecessor, successor list of length r, and 160 fingers
 * (finger i = successor(self + 2^i)). Nodes found to have failed are removed everywhere and kept
 * on a short "suspect" list so that stale references from other nodes do not bring them straight back;
 * they stay in {@link PastMembers} (for ring unification after a partition) much longer.
 * Thread-safe.
 */
final class RoutingTable {
    private final NodeRef self;
    private final int r;
    private final long suspectMillis;
    private final Id[] fingerStarts = new Id[Id.BITS];
    private final NodeRef[] fingers = new NodeRef[Id.BITS];
    private final List<NodeRef> successors = new ArrayList<>();
    private final Map<Address, Long> suspects = new HashMap<>();
    /** Nodes that left the replica holders (the successor list's first r - 1) since {@link #drainLeftHolders()}. */
    private final Set<NodeRef> leftHolders = new HashSet<>();
    /** Bound of {@link #leftHolders} between two repair rounds; beyond it the anti-entropy sweep repairs the rest. */
    private static final int MAX_LEFT_HOLDERS = 1024;
    private final PastMembers past;
    private NodeRef predecessor;

    /** {@code past}: where failed nodes are remembered for {@link RingUnification}. */
    RoutingTable(NodeRef self, int r, long suspectMillis, PastMembers past) {
        this.self = self;
        this.r = r;
        this.suspectMillis = suspectMillis;
        this.past = past;
        for (int i = 0; i < Id.BITS; i++) {
            fingerStarts[i] = self.id().plusPowerOfTwo(i);
        }
    }

    Id fingerStart(int i) {
        return fingerStarts[i];
    }

    /** The first successor, or self when alone. */
    synchronized NodeRef successor() {
        return successors.isEmpty() ? self : successors.get(0);
    }

    synchronized List<NodeRef> successors() {
        return new ArrayList<>(successors);
    }

    /** Self followed by the successor list: the holders of the keys this node is primary for. */
    synchronized List<NodeRef> selfAndSuccessors() {
        List<NodeRef> out = new ArrayList<>(successors.size() + 1);
        out.add(self);
        out.addAll(successors);
        return out;
    }

    /** Replaces the successor list (duplicates, self and suspects dropped; cut to r). */
    synchronized boolean setSuccessors(List<NodeRef> list) {
        LinkedHashSet<NodeRef> s = new LinkedHashSet<>();
        long now = System.currentTimeMillis();
        for (NodeRef n : list) {
            if (n != null && !n.id().equals(self.id()) && !suspect(n, now)) {
                s.add(n);
            }
            if (s.size() == r) {
                break;
            }
        }
        List<NodeRef> next = new ArrayList<>(s);
        if (next.equals(successors)) {
            return false;
        }
        replaceSuccessors(next);
        return true;
    }

    /** The successor list becomes {@code next}; the nodes that thereby leave the replica holders are remembered. */
    private void replaceSuccessors(List<NodeRef> next) {
        List<NodeRef> holdersBefore = new ArrayList<>(successors.subList(0, Math.min(successors.size(), r - 1)));
        successors.clear();
        successors.addAll(next);
        List<NodeRef> holdersNow = successors.subList(0, Math.min(successors.size(), r - 1));
        for (NodeRef n : holdersBefore) {
            if (!holdersNow.contains(n) && leftHolders.size() < MAX_LEFT_HOLDERS) {
                leftHolders.add(n);
            }
        }
    }

    /**
     * The nodes that left the replica holders of this node's keys (the first r - 1 successors) at
     * some moment since the last call, even if they are holders again now, and forgets them. A
     * holder that sees itself left out may drop its copies ({@link ReplicaRepair}), however briefly
     * it was: only a push of the whole range makes sure it has them again.
     */
    synchronized Set<NodeRef> drainLeftHolders() {
        if (leftHolders.isEmpty()) {
            return Set.of();
        }
        Set<NodeRef> out = new HashSet<>(leftHolders);
        leftHolders.clear();
        return out;
    }

    /**
     * {@link #setSuccessors} for a stabilize round: when the current successor is a live node closer
     * than the list's head (adopted meanwhile, e.g. a node that said it joined after this one), it
     * stays the successor, followed by the list.
     */
    synchronized boolean setSuccessorsKeepingCloser(List<NodeRef> list) {
        NodeRef c = successors.isEmpty() ? null : successors.get(0);
        if (c != null && !list.isEmpty() && !c.equals(list.get(0)) && c.id().inOpen(self.id(), list.get(0).id())
                && !suspect(c, System.currentTimeMillis())) {
            List<NodeRef> withCloser = new ArrayList<>(list.size() + 1);
            withCloser.add(c);
            withCloser.addAll(list);
            return setSuccessors(withCloser);
        }
        return setSuccessors(list);
    }

    /** How {@link #adoptSuccessor} took a node in. */
    enum Adopted { NO, SUCCESSOR, IN_LIST }

    /**
     * A live node {@code n} that lies between this node and the current successor (or this node has
     * none) becomes the successor, followed by {@code itsSuccessors}; one that lies further on but
     * before the list's last node takes its place in the list, in ring order (the nodes before it
     * may have failed unnoticed: a lookup answer then still leads to it first among the live ones).
     */
    synchronized Adopted adoptSuccessor(NodeRef n, List<NodeRef> itsSuccessors) {
        NodeRef c = successor();
        if (n.id().equals(self.id()) || successors.contains(n)) {
            return Adopted.NO;
        }
        suspects.remove(n.toAddress());
        if (c.equals(self) || n.id().inOpen(self.id(), c.id())) {
            List<NodeRef> list = new ArrayList<>(itsSuccessors.size() + 1);
            list.add(n);
            list.addAll(itsSuccessors);
            setSuccessors(list);
            return Adopted.SUCCESSOR;
        }
        NodeRef last = successors.get(successors.size() - 1);
        if (!n.id().inOpen(self.id(), last.id())) {
            return Adopted.NO;
        }
        List<NodeRef> list = new ArrayList<>(successors);
        int at = 1;
        while (at < list.size() && list.get(at).id().inOpen(self.id(), n.id())) {
            at++;
        }
        list.add(at, n);
        setSuccessors(list);
        return Adopted.IN_LIST;
    }

    synchronized NodeRef predecessor() {
        return predecessor;
    }

    synchronized void setPredecessor(NodeRef p) {
        predecessor = p != null && p.id().equals(self.id()) ? null : p;
    }

    synchronized void setFinger(int i, NodeRef n) {
        fingers[i] = n == null || n.id().equals(self.id()) ? null : n;
    }

    synchronized NodeRef finger(int i) {
        return fingers[i];
    }

    /** The distinct nodes of the finger table, in finger order. */
    synchronized List<NodeRef> distinctFingers() {
        LinkedHashSet<NodeRef> s = new LinkedHashSet<>();
        for (NodeRef f : fingers) {
            if (f != null) {
                s.add(f);
            }
        }
        return new ArrayList<>(s);
    }

    /**
     * Up to {@code k} known nodes that precede {@code target} (in the open interval (self, target)),
     * closest to the target first, skipping excluded ids and suspects.
     */
    synchronized List<NodeRef> closestPreceding(Id target, int k, Set<Id> exclude) {
        long now = System.currentTimeMillis();
        Map<Id, NodeRef> found = new HashMap<>();
        for (int i = Id.BITS - 1; i >= 0; i--) {
            consider(fingers[i], target, exclude, now, found);
        }
        for (NodeRef n : successors) {
            consider(n, target, exclude, now, found);
        }
        List<NodeRef> c = new ArrayList<>(found.values());
        c.sort(Comparator.comparing((NodeRef n) -> n.id().distanceTo(target)));
        return c.size() > k ? new ArrayList<>(c.subList(0, k)) : c;
    }

    private void consider(NodeRef n, Id target, Set<Id> exclude, long now, Map<Id, NodeRef> found) {
        if (n != null && !found.containsKey(n.id()) && n.id().inOpen(self.id(), target)
                && !exclude.contains(n.id()) && !suspect(n, now)) {
            found.put(n.id(), n);
        }
    }

    /** The closest known node after self (successor list, else fingers), for when the successor list ran dry. */
    synchronized NodeRef closestFollower() {
        NodeRef best = null;
        BigInteger bestDist = null;
        long now = System.currentTimeMillis();
        List<NodeRef> all = new ArrayList<>(successors);
        for (NodeRef f : fingers) {
            if (f != null) {
                all.add(f);
            }
        }
        if (predecessor != null) {
            all.add(predecessor);
        }
        for (NodeRef n : all) {
            if (suspect(n, now)) {
                continue;
            }
            BigInteger d = self.id().distanceTo(n.id());
            if (best == null || d.compareTo(bestDist) < 0) {
                best = n;
                bestDist = d;
            }
        }
        return best;
    }

    /** Forgets a failed node everywhere and suspects it for a while. Returns true if it was known. */
    synchronized boolean failed(NodeRef n) {
        boolean known = successors.contains(n);
        if (known) {
            List<NodeRef> next = new ArrayList<>(successors);
            next.remove(n);
            replaceSuccessors(next);
        }
        if (n.equals(predecessor)) {
            predecessor = null;
            known = true;
        }
        for (int i = 0; i < fingers.length; i++) {
            if (n.equals(fingers[i])) {
                fingers[i] = null;
                known = true;
            }
        }
        long now = System.currentTimeMillis();
        suspects.put(n.toAddress(), now + suspectMillis);
        past.failed(n, now);
        return known;
    }

    /** A node proved alive (it contacted us or answered): no longer suspect. */
    synchronized void alive(NodeRef n) {
        if (!suspects.isEmpty()) {
            suspects.remove(n.toAddress());
        }
    }

    synchronized boolean isSuspect(NodeRef n) {
        return suspect(n, System.currentTimeMillis());
    }

    synchronized Set<Id> suspectIdsAmong(Collection<NodeRef> nodes) {
        Set<Id> out = new java.util.HashSet<>();
        long now = System.currentTimeMillis();
        for (NodeRef n : nodes) {
            if (suspect(n, now)) {
                out.add(n.id());
            }
        }
        return out;
    }

    private boolean suspect(NodeRef n, long now) {
        if (suspects.isEmpty()) {
            return false;
        }
        Long until = suspects.get(n.toAddress());
        if (until == null) {
            return false;
        }
        if (now >= until) {
            suspects.remove(n.toAddress());
            return false;
        }
        return true;
    }
}
