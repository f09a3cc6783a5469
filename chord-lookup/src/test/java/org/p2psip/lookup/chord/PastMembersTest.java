package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.Test;

/** The bounded memory of past ring members that ring unification probes. */
public class PastMembersTest {
    private final NodeRef self = NodeRef.of("10.0.0.1", 4000);
    private final PastMembers past = new PastMembers(self);

    private static NodeRef node(int i) {
        return NodeRef.of("10.0.1." + (i / 250), 4000 + i % 250);
    }

    @Test
    public void failedNodesAreProbedUntilConfirmed() {
        NodeRef a = NodeRef.of("10.0.2.1", 4000);
        NodeRef b = node(2);
        past.seen(List.of(a, b, self), 1000);
        assertEquals("healthy members are not probed", List.of(), past.toProbe(Set.of(), 4, 2000));
        past.failed(a, 3000);
        assertEquals(List.of(a), past.toProbe(Set.of(b), 4, 4000));
        assertEquals("again in the next round", List.of(a), past.toProbe(Set.of(b), 4, 5000));
        assertEquals("back in view (a neighbour named it) it still counts as unreachable ...", 1, past.unreachable(5500));
        assertEquals(Set.of("10.0.2.1"), past.unreachableHosts(5500));
        assertEquals("... so it is probed in view too, until confirmed", List.of(a), past.toProbe(Set.of(a, b), 4, 6000));
        past.confirmed(a, 7000);
        assertEquals("confirmed in this ring: no more probes", List.of(), past.toProbe(Set.of(b), 4, 8000));
        assertEquals(List.of(), past.toProbe(Set.of(a, b), 4, 9000));
        assertEquals(0, past.unreachable(9000));
        assertEquals(Set.of(), past.unreachableHosts(9000));
        assertFalse("self is never remembered", past.remembers(self));
    }

    @Test
    public void boundedAndForgetful() {
        for (int i = 0; i < 200; i++) {
            past.seen(List.of(node(i)), 1000 + i);
        }
        assertEquals(PastMembers.CAPACITY, past.size());
        assertTrue("the most recently seen stay", past.remembers(node(199)));
        assertFalse("the longest unseen went first", past.remembers(node(0)));

        PastMembers p = new PastMembers(self);
        p.failed(node(0), 1000);
        for (int i = 1; i < 200; i++) {
            p.seen(List.of(node(i)), 2000 + i);
        }
        assertTrue("a failed node outlives healthy ones (a heal needs it)", p.remembers(node(0)));
        assertEquals(List.of(node(0)), p.toProbe(Set.of(), 4, 3000));
        assertEquals("forgotten after the memory window", List.of(),
                p.toProbe(Set.of(), 4, 2200 + PastMembers.MEMORY_MILLIS + 1));
        assertEquals(0, p.size());
        assertFalse(p.remembers(node(0)));
    }

    @Test
    public void failedFirstAndAtMostKPerRound() {
        for (int i = 1; i <= 10; i++) {
            past.failed(node(i), 1000);
        }
        List<NodeRef> first = past.toProbe(Set.of(), 4, 2000);
        assertEquals(4, first.size());
        List<NodeRef> second = past.toProbe(Set.of(), 4, 3000);
        assertTrue("the next round probes others first", second.stream().noneMatch(first::contains));
        past.forget(node(1));
        assertFalse(past.remembers(node(1)));
    }

    @Test
    public void membersCountedBeforeAndMissingFromAnExactCountAreUnreachable() {
        // a ring of 6 counted all the way round; this node had only b1 in its routing table
        NodeRef b1 = NodeRef.of("203.0.113.13", 4000);
        NodeRef b2 = NodeRef.of("203.0.113.14", 4000);
        NodeRef a1 = NodeRef.of("203.0.113.10", 4000);
        NodeRef a2 = NodeRef.of("203.0.113.11", 4000);
        NodeRef a3 = NodeRef.of("203.0.113.12", 4000);
        past.seen(List.of(b1), 1000);
        past.counted(Set.of(b1, b2, a1, a2, a3, self), 1000);
        assertEquals(0, past.unreachable(1000));
        assertFalse("self is never remembered", past.remembers(self));
        // the cut: the next exact count finds this node's side only
        past.counted(Set.of(b1, b2), 2000);
        assertEquals("the far side, though none of it was ever in the routing table", 3, past.unreachable(2000));
        assertEquals(Set.of("203.0.113.10", "203.0.113.11", "203.0.113.12"), past.unreachableHosts(2000));
        assertEquals("and probed, for the merge", Set.of(a1, a2, a3), Set.copyOf(past.toProbe(Set.of(b1), 4, 3000)));
        // the heal: a1 answers and is unified with (confirmed in the merged ring), the count finds all again
        past.confirmed(a1, 4000);
        past.counted(Set.of(b1, b2, a1, a2, a3), 4000);
        assertEquals("counted members that failed stay suspect until a probe confirms them", 2, past.unreachable(4000));
        past.confirmed(a2, 5000);
        past.confirmed(a3, 5000);
        assertEquals(0, past.unreachable(5000));
    }

    @Test
    public void unreachableHostsAreThoseWhereNoRememberedMemberAnswers() {
        long now = 1_000_000;
        NodeRef farA = NodeRef.of("203.0.113.20", 4000);
        NodeRef farB = NodeRef.of("203.0.113.21", 4000);
        NodeRef loopDead = NodeRef.of("127.0.0.1", 4001);
        NodeRef loopAlive = NodeRef.of("127.0.0.1", 4002);
        past.seen(java.util.List.of(farA, farB, loopDead, loopAlive), now);
        past.failed(farA, now);
        past.failed(farB, now);
        past.failed(loopDead, now);
        assertEquals(3, past.unreachable(now));
        assertEquals("a host with a member that answers is not cut off", java.util.Set.of("203.0.113.20", "203.0.113.21"),
                past.unreachableHosts(now));
        past.confirmed(farA, now + 1);
        assertEquals(java.util.Set.of("203.0.113.21"), past.unreachableHosts(now + 1));
    }
}
