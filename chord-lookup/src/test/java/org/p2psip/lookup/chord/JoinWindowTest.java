package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.ring.Id;

/**
 * The window right after a join, before the other nodes have stabilised: a value put through a
 * node that still has the old view lands at the old owner, which is the new owner's successor.
 * A get routed to the new owner must still find it (the overlay peer registers users right after
 * peers join; a miss here is a wrong 404). Maintenance is run by hand so the window stays open.
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
        // the predecessor still believes its old successor owns the key: the value goes there
        predecessor.put(key, "peer-record", 60).get();
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
