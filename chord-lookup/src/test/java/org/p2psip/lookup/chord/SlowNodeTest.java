package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.ring.Address;

/**
 * A congested link from one node to another (every request on it waits 400 ms): once the node has
 * seen the slow answers, its gets of a key that the far node owns are served by a replica holder
 * instead, and its lookups route around the far node, so one bad link does not stall every call
 * set-up that looks up a user stored there.
 */
public class SlowNodeTest {
    private final TestRing ring = new TestRing();
    private final List<InterceptingTransport> transports = new ArrayList<>();

    @After
    public void tearDown() {
        ring.close();
    }

    @Test(timeout = 60_000)
    public void getsFromBehindACongestedLinkAreServedByAReplica() throws Exception {
        for (int i = 0; i < 5; i++) {
            InterceptingTransport t = new InterceptingTransport();
            transports.add(t);
            ring.start(new ChordNode(TestRing.fastConfig().build(), t));
        }
        ring.awaitStable(Duration.ofSeconds(30));
        String key = "user:bob";
        List<NodeRef> holders = ring.expectedHolders(key);
        NodeRef owner = holders.get(0);
        ring.node(owner).put(key, "peer-b", 600).get(10, TimeUnit.SECONDS);
        TestRing.await("the replicas to hold " + key, Duration.ofSeconds(10),
                () -> ring.fullyReplicated(key, Set.of("peer-b")));
        // an origin that is neither the owner nor its immediate successor
        ChordNode origin = null;
        for (ChordNode n : ring.live()) {
            if (!n.ref().equals(owner) && !n.ref().equals(holders.get(1))) {
                origin = n;
            }
        }
        InterceptingTransport link = transports.get(ring.live().indexOf(origin));
        Address far = owner.toAddress();
        link.slowMillis = 400;
        link.slowNode = far;
        // maintenance and the first gets meet the slow answers
        TestRing.await("the origin to see the owner as slow", Duration.ofSeconds(20),
                () -> ringRpc(originOf(link)).latency().slow(far));
        link.resetCounts();
        for (int i = 0; i < 5; i++) {
            assertEquals(List.of("peer-b"), origin.get(key).get(10, TimeUnit.SECONDS));
        }
        assertTrue("the gets were answered by some holder", link.sent(WireMessages.STORE_GET) >= 5);
        assertEquals("gets asked the owner behind the congested link", 0, link.sent(far, WireMessages.STORE_GET));
        // the link recovers: the owner answers fast again and is used again
        link.slowNode = null;
        TestRing.await("the owner to be fast again", Duration.ofSeconds(20),
                () -> !ringRpc(originOf(link)).latency().slow(far));
        assertFalse(ringRpc(originOf(link)).latency().slow(far));
    }

    private ChordNode originOf(InterceptingTransport t) {
        return ring.live().get(transports.indexOf(t));
    }

    private static ChordRpc ringRpc(ChordNode n) {
        return n.rpc();
    }
}
