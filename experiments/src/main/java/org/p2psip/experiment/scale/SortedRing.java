package org.p2psip.experiment.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.ring.Id;

/**
 * The sorted-ring oracle: the live ring members in id order, and for any key the node that must own
 * it (its successor on the circle). A lookup is correct when it names that node. Thread-safe: the
 * churn experiment adds and removes members while lookups are checked against it.
 */
final class SortedRing {
    private final ConcurrentSkipListMap<Id, ChordNode> members = new ConcurrentSkipListMap<>();

    void add(ChordNode n) {
        members.put(n.id(), n);
    }

    void remove(ChordNode n) {
        members.remove(n.id());
    }

    int size() {
        return members.size();
    }

    /** The owner of {@code key}: the first member at or after it, wrapping round; null for an empty ring. */
    NodeRef owner(Id key) {
        Map.Entry<Id, ChordNode> e = members.ceilingEntry(key);
        if (e == null) {
            e = members.firstEntry();
        }
        return e == null ? null : e.getValue().ref();
    }

    /** The member just before {@code id} on the circle (another member than {@code id} itself). */
    ChordNode predecessorOf(Id id) {
        Map.Entry<Id, ChordNode> e = members.lowerEntry(id);
        if (e == null) {
            e = members.lastEntry();
        }
        return e == null || e.getKey().equals(id) ? null : e.getValue();
    }

    /** The {@code r} members after {@code id} on the circle (fewer in a smaller ring). */
    List<NodeRef> successorsOf(Id id, int r) {
        List<NodeRef> out = new ArrayList<>();
        Id at = id;
        for (int i = 0; i < Math.min(r, members.size() - 1); i++) {
            Map.Entry<Id, ChordNode> e = members.higherEntry(at);
            if (e == null) {
                e = members.firstEntry();
            }
            out.add(e.getValue().ref());
            at = e.getKey();
        }
        return out;
    }

    /** A member chosen uniformly at random, or null when there is none. */
    ChordNode any() {
        List<ChordNode> all = members();
        return all.isEmpty() ? null : all.get(ThreadLocalRandom.current().nextInt(all.size()));
    }

    boolean contains(ChordNode n) {
        return members.get(n.id()) == n;
    }

    List<ChordNode> members() {
        return new ArrayList<>(members.values());
    }
}
