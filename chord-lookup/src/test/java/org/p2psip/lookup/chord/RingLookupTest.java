package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/** A ring of 16 real TCP nodes: every key put through any node is found from every node. */
public class RingLookupTest {
    private final TestRing ring = new TestRing();

    @After
    public void tearDown() {
        ring.close();
    }

    @Test(timeout = 120_000)
    public void everyKeyFromEveryNode() throws Exception {
        ring.grow(16);
        ring.awaitStable(Duration.ofSeconds(30));

        Map<String, Set<String>> expected = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String key = "sip:user" + i + "@p2psip.test";
            int copies = i % 4 == 0 ? 2 : 1; // some users registered at two peers
            for (int c = 0; c < copies; c++) {
                String value = "peer-" + c + "-" + i;
                ring.any().put(key, value, 600).get(10, TimeUnit.SECONDS);
                expected.computeIfAbsent(key, k -> new HashSet<>()).add(value);
            }
        }
        // many relays share one key
        for (int i = 0; i < 10; i++) {
            ring.any().put("sato:rtp-port", "relay-" + i, 600).get(10, TimeUnit.SECONDS);
            expected.computeIfAbsent("sato:rtp-port", k -> new HashSet<>()).add("relay-" + i);
        }

        int lookups = 0;
        int totalHops = 0;
        for (ChordNode n : ring.live()) {
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                List<String> got = n.get(e.getKey()).get(10, TimeUnit.SECONDS);
                assertEquals("values of " + e.getKey() + " seen from " + n.ref(), e.getValue(), new HashSet<>(got));
                LookupResult r = n.lookup(e.getKey()).get(10, TimeUnit.SECONDS);
                assertEquals("owner of " + e.getKey(), ring.expectedHolders(e.getKey()).get(0), r.owner());
                lookups++;
                totalHops += r.hops();
            }
        }
        double mean = (double) totalHops / lookups;
        assertTrue("mean hops " + mean + " on 16 nodes should be small", mean < 4);

        // every value is on its r holders
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            TestRing.await("replicas of " + e.getKey(), Duration.ofSeconds(20),
                    () -> ring.fullyReplicated(e.getKey(), e.getValue()));
        }
    }
}
