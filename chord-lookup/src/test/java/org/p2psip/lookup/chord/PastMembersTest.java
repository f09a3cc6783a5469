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
    public void failedNodesOutOfViewAreProbedUntilConfirmed() {
        NodeRef a = node(1);
        NodeRef b = node(2);
        past.seen(List.of(a, b, self), 1000);
        assertEquals("healthy members are not probed", List.of(), past.toProbe(Set.of(), 4, 2000));
        past.failed(a, 3000);
        assertEquals(List.of(a), past.toProbe(Set.of(b), 4, 4000));
        assertEquals("not while it is in view", List.of(), past.toProbe(Set.of(a, b), 4, 5000));
        assertEquals("again in the next round", List.of(a), past.toProbe(Set.of(b), 4, 6000));
        past.confirmed(a, 7000);
        assertEquals("confirmed in this ring: no more probes", List.of(), past.toProbe(Set.of(b), 4, 8000));
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
