package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

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
 * 16 nodes; a quarter leave gracefully, then a quarter of the rest are killed abruptly (never all r
 * replicas of a key): after maintenance no unexpired value is lost and every survivor finds every key.
 */
public class ChurnTest {
    private final TestRing ring = new TestRing();

    @After
    public void tearDown() {
        ring.close();
    }

    @Test(timeout = 150_000)
    public void leaveThenKillLosesNothing() throws Exception {
        ring.grow(16);
        ring.awaitStable(Duration.ofSeconds(30));
        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "sip:churn" + i + "@p2psip.test";
            Set<String> vals = new HashSet<>();
            for (int c = 0; c < 1 + i % 3; c++) {
                String v = "10.0." + c + "." + i + ":5060";
                ring.any().put(key, v, 3600).get(10, TimeUnit.SECONDS);
                vals.add(v);
            }
            expected.put(key, vals);
        }
        awaitReplicated(expected);

        // a quarter leave gracefully
        for (int i = 0; i < 4; i++) {
            ring.leave(ring.any());
        }
        ring.awaitStable(Duration.ofSeconds(30));
        awaitReplicated(expected);
        assertAllFound(expected);

        // a quarter of the remaining 12 are killed: every third node in ring order, so no key
        // (held by r = 4 consecutive nodes) loses all of its holders
        List<NodeRef> sorted = ring.sortedRefs();
        assertEquals(12, sorted.size());
        List<NodeRef> victims = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += 3) {
            victims.add(sorted.get(i));
        }
        for (String key : expected.keySet()) {
            assertFalse("test set-up: all holders of " + key + " would die",
                    victims.containsAll(ring.expectedHolders(key)));
        }
        for (NodeRef v : victims) {
            ring.kill(ring.node(v));
        }
        ring.awaitStable(Duration.ofSeconds(40));
        awaitReplicated(expected);
        assertAllFound(expected);
    }

    private void awaitReplicated(Map<String, Set<String>> expected) throws InterruptedException {
        TestRing.await("every value on its " + TestRing.R + " holders", Duration.ofSeconds(40), () -> {
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
                assertEquals("values of " + e.getKey() + " from " + n.ref(), e.getValue(),
                        new HashSet<>(n.get(e.getKey()).get(20, TimeUnit.SECONDS)));
            }
        }
    }
}
