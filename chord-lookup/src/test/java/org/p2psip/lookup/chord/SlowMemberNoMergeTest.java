package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * False alarms of ring unification: a member that is only slow (its answers delayed, none dropped)
 * in a healthy ring of 8. While its answers come within the RPC timeout the ring does not change at
 * all; while they come later than that, Chord's failure detector suspects it (it lands on the
 * others' past-member lists) but once it answers in time again the ring is the same sorted ring,
 * no node merged anything, no value is lost, and no node goes on counting it unreachable. A merge attempt between any two nodes of the
 * healthy ring is a no-op.
 */
public class SlowMemberNoMergeTest {
    private final TestRing ring = new TestRing();
    private final PartitionedNetwork net = new PartitionedNetwork();

    @After
    public void tearDown() {
        ring.close();
    }

    @Test(timeout = 180_000)
    public void aSlowMemberTriggersNoMergeAndLosesNothing() throws Exception {
        ChordConfig config = TestRing.fastConfig().unifyInterval(Duration.ofMillis(500)).build();
        for (int i = 0; i < 8; i++) {
            ring.start(new ChordNode(config, net.transport("A")));
        }
        ring.awaitStable(Duration.ofSeconds(30));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            String key = "user:slow" + i;
            ring.any().put(key, "10.1.0." + i + ":5060", 3600).get(20, TimeUnit.SECONDS);
            expected.put(key, Set.of("10.1.0." + i + ":5060"));
        }
        awaitReplicated(expected);
        PartitionMergeTest.awaitRingSize(ring.live(), 8, Duration.ofSeconds(20));
        List<NodeRef> members = ring.sortedRefs();
        ChordNode slow = ring.node(members.get(3));

        // slow, within the timeout (1 s): nothing changes
        net.slow(slow.ref().toAddress(), 600);
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < until) {
            assertTrue("the ring stays the sorted ring while a member answers in 600 ms", ring.stable());
            Thread.sleep(100);
        }
        assertNoMerges();

        // slower than the timeout for a while: suspected, then answers in time again
        net.slow(slow.ref().toAddress(), 1500);
        TestRing.await("some node to suspect the slow member", Duration.ofSeconds(20), () -> {
            for (ChordNode n : ring.live()) {
                if (n != slow && n.parts().unification().past().remembers(slow.ref())
                        && n.parts().table().isSuspect(slow.ref())) {
                    return true;
                }
            }
            return false;
        });
        Thread.sleep(3000);
        net.slow(null, 0);
        ring.awaitStable(Duration.ofSeconds(30));
        assertEquals("the same members", members, ring.sortedRefs());
        // a few unification rounds after it recovered: still no merge
        Thread.sleep(3000);
        assertTrue(ring.stable());
        assertNoMerges();
        long confirmed = 0;
        for (ChordNode n : ring.live()) {
            confirmed += n.parts().unification().confirmations();
        }
        System.out.println("slow member: probes of suspected members answered from the same ring (no merge): " + confirmed);
        // and nobody goes on counting it unreachable (the OM skips relays on hosts of unreachable members)
        TestRing.await("no member counting the recovered one unreachable", Duration.ofSeconds(20), () -> {
            for (ChordNode n : ring.live()) {
                if (n.unreachableMembers() != 0 || !n.unreachableHosts().isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        awaitReplicated(expected);
        for (ChordNode n : ring.live()) {
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                assertEquals(e.getValue(), new HashSet<>(n.get(e.getKey()).get(20, TimeUnit.SECONDS)));
            }
        }

        // an explicit merge attempt with every other member, from every member, changes nothing
        for (ChordNode n : ring.live()) {
            List<NodeRef> before = n.status().successors();
            for (NodeRef p : members) {
                assertFalse(n.ref() + " merging with " + p, n.parts().unification().unifyWith(p));
            }
            assertEquals(before, n.status().successors());
        }
        assertNoMerges();
        assertTrue(ring.stable());
    }

    private void assertNoMerges() {
        for (ChordNode n : ring.live()) {
            NodeStatus s = n.status();
            assertEquals("merges recorded by " + n.ref(), 0, s.merges());
            assertEquals(0, s.lastMergeMillis());
        }
    }

    private void awaitReplicated(Map<String, Set<String>> expected) throws InterruptedException {
        TestRing.await("every value on its holders", Duration.ofSeconds(40), () -> {
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                if (!ring.fullyReplicated(e.getKey(), e.getValue())) {
                    return false;
                }
            }
            return true;
        });
    }
}
