package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.ring.Id;

/**
 * The window right after a join, before the other nodes have stabilised. Chord's join tells only
 * the successor (notify); the node before the new one would keep pointing past it until its next
 * stabilize, and lookups of the keys between them would end at the old owner. Here the joining node
 * also tells that predecessor (JOINED), which adopts it at once. And a value that still lands at the
 * old owner (a put routed before the join) must be found at the new owner (the overlay peer
 * registers users right after peers join; a miss here is a wrong 404). Maintenance is run by hand
 * so that nothing but the join itself changes the pointers.
 */
public class JoinWindowTest {
    private final TestRing ring = new TestRing();

    @After
    public void tearDown() {
        ring.close();
    }

    @Test
    public void valuePutThroughAStaleViewIsFoundAtTheNewOwner() throws Exception {
        ChordConfig manual = TestRing.fastConfig()
                .stabilizeInterval(Duration.ZERO).fixFingersInterval(Duration.ZERO)
                .checkPredecessorInterval(Duration.ZERO).repairInterval(Duration.ZERO).build();
        ChordNode a = ring.start(manual);
        ChordNode b = ring.start(manual);
        for (int i = 0; i < 3; i++) {
            a.stabilizeNow();
            b.stabilizeNow();
        }
        ChordNode c = ring.start(manual); // joins; nobody has stabilised since
        // a key the new node c now owns, i.e. in (predecessor of c, c]
        ChordNode predecessor = a.id().distanceTo(c.id()).compareTo(b.id().distanceTo(c.id())) < 0 ? a : b;
        String key = null;
        for (int i = 0; key == null; i++) {
            if (Id.hash("user:" + i).inHalfOpen(predecessor.id(), c.id())) {
                key = "user:" + i;
            }
        }
        // the predecessor was told of the join: lookups from every node end at the new owner at once
        assertEquals(c.ref(), predecessor.status().successors().get(0));
        for (ChordNode n : List.of(a, b, c)) {
            assertEquals("lookup through " + n + " right after the join", c.ref(), n.lookup(key).get().owner());
        }
        // a value that landed at the old owner, c's successor, before the join (as through a stale view)
        ChordNode oldOwner = predecessor == a ? b : a;
        oldOwner.acceptPut(key, "peer-record", 60);
        // the ring settles (stabilize only: no replica repair yet)
        for (int i = 0; i < 3; i++) {
            a.stabilizeNow();
            b.stabilizeNow();
            c.stabilizeNow();
        }
        for (ChordNode n : List.of(a, b, c)) {
            assertEquals("get through " + n, List.of("peer-record"), n.get(key).get());
        }
    }
}
