package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.LookupException;

/**
 * A network partition splits a 12-node ring into two sites of 6 (requests between them are dropped):
 * each site goes on serving puts and gets as a ring of its own; when the network heals, the rings
 * merge by themselves ({@link RingUnification}) into one ring that is correct against the sorted-ring
 * oracle, and every record written before or during the partition, on either side, is found from
 * every node. With churn during the partition (a node joins on one side, another leaves on the
 * other) the merged ring is correct too. Merge times are printed.
 */
public class PartitionMergeTest {
    private final TestRing ring = new TestRing();
    private final PartitionedNetwork net = new PartitionedNetwork();
    private final Map<ChordNode, String> siteOf = new LinkedHashMap<>();

    @After
    public void tearDown() {
        ring.close();
    }

    /** Production intervals (stabilize 500 ms, unify 3 s, RPC timeout 2 s, repair 5 s) on loopback. */
    private static ChordConfig defaults() {
        return ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(TestRing.R).build();
    }

    private static ChordConfig fast() {
        return TestRing.fastConfig().unifyInterval(Duration.ofMillis(1000)).build();
    }

    private ChordNode add(ChordConfig config, String site) throws Exception {
        ChordNode n = ring.start(new ChordNode(config, net.transport(site)));
        siteOf.put(n, site);
        return n;
    }

    private List<ChordNode> side(String site) {
        List<ChordNode> out = new ArrayList<>();
        for (ChordNode n : ring.live()) {
            if (site.equals(siteOf.get(n))) {
                out.add(n);
            }
        }
        return out;
    }

    @Test(timeout = 300_000)
    public void splitRingServesBothSidesAndMergesWhenHealed() throws Exception {
        for (int i = 0; i < 12; i++) {
            add(defaults(), i % 2 == 0 ? "A" : "B");
        }
        ring.awaitStable(Duration.ofSeconds(60));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < 24; i++) {
            String key = "user:before" + i;
            ring.any().put(key, "10.0.0." + i + ":5060", 3600).get(20, TimeUnit.SECONDS);
            expected.put(key, Set.of("10.0.0." + i + ":5060"));
        }
        awaitReplicated(expected, Duration.ofSeconds(60));

        net.split();
        long splitAt = System.nanoTime();
        awaitRing(side("A"), Duration.ofSeconds(90));
        awaitRing(side("B"), Duration.ofSeconds(90));
        System.out.printf("partition: both sides are rings of 6 after %.1f s%n", (System.nanoTime() - splitAt) / 1e9);
        awaitRingSize(ring.live(), 6, Duration.ofSeconds(30));

        // each side serves its own users: registrations, refreshes and lookups of them succeed there
        Map<String, Set<String>> written = new HashMap<>();
        for (String site : List.of("A", "B")) {
            List<ChordNode> nodes = side(site);
            for (int i = 0; i < 12; i++) {
                String key = "user:" + site + i;
                String value = site + "-peer" + i + ":5060";
                nodes.get(i % nodes.size()).put(key, value, 3600).get(20, TimeUnit.SECONDS);
                nodes.get((i + 1) % nodes.size()).put(key, value, 3600).get(20, TimeUnit.SECONDS); // a refresh
                written.put(key, Set.of(value));
            }
            // the same user registered on both sides, at a peer of each
            nodes.get(0).put("user:carol", site + "-carol:5060", 3600).get(20, TimeUnit.SECONDS);
            for (ChordNode n : nodes) {
                for (int i = 0; i < 12; i++) {
                    String key = "user:" + site + i;
                    assertEquals("during the partition, " + key + " from " + n.ref() + " on side " + site,
                            written.get(key), new HashSet<>(n.get(key).get(20, TimeUnit.SECONDS)));
                }
                assertEquals(List.of(site + "-carol:5060"), n.get("user:carol").get(20, TimeUnit.SECONDS));
            }
        }
        expected.putAll(written);
        expected.put("user:carol", Set.of("A-carol:5060", "B-carol:5060"));

        net.heal();
        long healedAt = System.nanoTime();
        long healedWall = System.currentTimeMillis();
        ring.awaitStable(Duration.ofSeconds(120));
        double merged = (System.nanoTime() - healedAt) / 1e9;
        awaitRingSize(ring.live(), 12, Duration.ofSeconds(60));
        double counted = (System.nanoTime() - healedAt) / 1e9;
        awaitReplicated(expected, Duration.ofSeconds(90));
        double replicated = (System.nanoTime() - healedAt) / 1e9;
        assertAllFound(expected);
        double found = (System.nanoTime() - healedAt) / 1e9;
        System.out.printf("heal (12 nodes, default intervals): one correct ring after %.1f s, every node counts 12 after"
                + " %.1f s, every record on its %d holders after %.1f s, all %d keys found from all nodes after %.1f s%n",
                merged, counted, TestRing.R, replicated, expected.size(), found);
        long mergedNodes = ring.live().stream().filter(n -> n.status().lastMergeMillis() >= healedWall).count();
        System.out.println("nodes that merged their ring with the other one themselves: " + mergedNodes + " of 12");
        assertTrue("some node recorded the merge in its status", mergedNodes > 0);
    }

    @Test(timeout = 300_000)
    public void joinAndLeaveDuringThePartitionThenOneCorrectRing() throws Exception {
        for (int i = 0; i < 12; i++) {
            add(fast(), i % 2 == 0 ? "A" : "B");
        }
        ring.awaitStable(Duration.ofSeconds(60));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            String key = "user:before" + i;
            ring.any().put(key, "10.0.0." + i + ":5060", 3600).get(20, TimeUnit.SECONDS);
            expected.put(key, Set.of("10.0.0." + i + ":5060"));
        }
        awaitReplicated(expected, Duration.ofSeconds(60));

        net.split();
        awaitRing(side("A"), Duration.ofSeconds(60));
        awaitRing(side("B"), Duration.ofSeconds(60));
        // churn: a node joins site A, a node of site B leaves
        ChordNode joiner = new ChordNode(fast(), net.transport("A"));
        ring.join(joiner, side("A").get(0));
        siteOf.put(joiner, "A");
        ChordNode leaver = side("B").get(2);
        ring.leave(leaver);
        awaitRing(side("A"), Duration.ofSeconds(60));
        awaitRing(side("B"), Duration.ofSeconds(60));
        assertEquals(7, side("A").size());
        assertEquals(5, side("B").size());
        for (String site : List.of("A", "B")) {
            List<ChordNode> nodes = side(site);
            for (int i = 0; i < 6; i++) {
                String key = "user:" + site + i;
                nodes.get(i % nodes.size()).put(key, site + i, 3600).get(20, TimeUnit.SECONDS);
                expected.put(key, Set.of(site + i));
            }
        }
        joiner.put("user:joiner", "A-new", 3600).get(20, TimeUnit.SECONDS);
        expected.put("user:joiner", Set.of("A-new"));

        net.heal();
        long healedAt = System.nanoTime();
        ring.awaitStable(Duration.ofSeconds(120));
        double merged = (System.nanoTime() - healedAt) / 1e9;
        assertEquals(12, ring.sortedRefs().size());
        awaitRingSize(ring.live(), 12, Duration.ofSeconds(60));
        awaitReplicated(expected, Duration.ofSeconds(90));
        assertAllFound(expected);
        System.out.printf("heal with churn (7 + 5 nodes, test intervals): one correct ring after %.1f s, all keys"
                + " found after %.1f s%n", merged, (System.nanoTime() - healedAt) / 1e9);
        assertFalse("the node that left is not brought back", ring.sortedRefs().contains(leaver.ref()));
    }

    // ---- oracles ----------------------------------------------------------------------------------

    /** Whether {@code nodes} form a correct ring of their own: successor lists and predecessors as in id order. */
    static boolean correctRing(List<ChordNode> nodes) {
        List<ChordNode> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(ChordNode::id));
        int n = sorted.size();
        for (int i = 0; i < n; i++) {
            NodeStatus s = sorted.get(i).status();
            List<NodeRef> want = new ArrayList<>();
            for (int k = 1; k <= Math.min(TestRing.R, n - 1); k++) {
                want.add(sorted.get((i + k) % n).ref());
            }
            if (!s.successors().equals(want)) {
                return false;
            }
            if (n > 1 && !sorted.get((i - 1 + n) % n).ref().equals(s.predecessor())) {
                return false;
            }
        }
        return true;
    }

    private static void awaitRing(List<ChordNode> nodes, Duration max) throws InterruptedException {
        TestRing.await("a correct ring of " + nodes.size() + " nodes", max, () -> correctRing(nodes));
    }

    static void awaitRingSize(List<ChordNode> nodes, int size, Duration max) throws InterruptedException {
        TestRing.await("every node to count a ring of " + size, max, () -> {
            for (ChordNode n : nodes) {
                NodeStatus s = n.status();
                if (s.ringSize() != size || !s.ringSizeExact()) {
                    return false;
                }
            }
            return true;
        });
    }

    private void awaitReplicated(Map<String, Set<String>> expected, Duration max) throws InterruptedException {
        TestRing.await("every value on its " + TestRing.R + " holders", max, () -> {
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                if (!ring.fullyReplicated(e.getKey(), e.getValue())) {
                    return false;
                }
            }
            return true;
        });
    }

    private void assertAllFound(Map<String, Set<String>> expected) throws Exception {
        for (ChordNode n : ring.live()) {
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                try {
                    assertEquals("values of " + e.getKey() + " from " + n.ref(), e.getValue(),
                            new HashSet<>(n.get(e.getKey()).get(20, TimeUnit.SECONDS)));
                } catch (java.util.concurrent.ExecutionException x) {
                    throw new AssertionError("get " + e.getKey() + " from " + n.ref() + " failed: "
                            + (x.getCause() instanceof LookupException ? x.getCause().getMessage() : x.getCause()));
                }
            }
        }
    }
}
