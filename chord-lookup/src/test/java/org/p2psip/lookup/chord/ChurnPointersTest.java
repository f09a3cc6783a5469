package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.p2psip.lookup.ring.Id;

/**
 * The routing state under churn, without a network: a node told that another joined among its
 * successors takes it in at its place in ring order; one whose successors have all failed during a
 * lookup does not answer for keys beyond itself; a stabilize round that read the old successor does
 * not undo a closer successor adopted meanwhile.
 */
public class ChurnPointersTest {
    /** A node at {@code n} * 2^150 on the ring (so that their order is plain). */
    private static NodeRef node(int n) {
        byte[] b = BigInteger.valueOf(n).shiftLeft(150).toByteArray();
        byte[] id = new byte[Id.BYTES];
        System.arraycopy(b, Math.max(0, b.length - Id.BYTES), id, Math.max(0, Id.BYTES - b.length), Math.min(b.length, Id.BYTES));
        return new NodeRef(Id.fromBytes(id), "10.0.0." + n, 7000);
    }

    private static Id key(int n) {
        byte[] b = BigInteger.valueOf(n).shiftLeft(150).add(BigInteger.ONE).toByteArray();
        byte[] id = new byte[Id.BYTES];
        System.arraycopy(b, Math.max(0, b.length - Id.BYTES), id, Math.max(0, Id.BYTES - b.length), Math.min(b.length, Id.BYTES));
        return Id.fromBytes(id); // just after node n
    }

    private static RoutingTable table(NodeRef self, NodeRef... successors) {
        RoutingTable t = new RoutingTable(self, 4, 60_000, new PastMembers(self));
        t.setSuccessors(List.of(successors));
        return t;
    }

    @Test
    public void aJoinedNodeBecomesTheSuccessorOrTakesItsPlaceInTheList() {
        RoutingTable t = table(node(1), node(10), node(20), node(30), node(40));
        assertEquals(RoutingTable.Adopted.SUCCESSOR, t.adoptSuccessor(node(5), List.of(node(10), node(20), node(30))));
        assertEquals(List.of(node(5), node(10), node(20), node(30)), t.successors());
        // further on, before the list's last node: in ring order (those before it may have failed unnoticed)
        assertEquals(RoutingTable.Adopted.IN_LIST, t.adoptSuccessor(node(15), List.of()));
        assertEquals(List.of(node(5), node(10), node(15), node(20)), t.successors());
        // beyond the list, or already in it: nothing changes
        assertEquals(RoutingTable.Adopted.NO, t.adoptSuccessor(node(50), List.of()));
        assertEquals(RoutingTable.Adopted.NO, t.adoptSuccessor(node(10), List.of()));
        assertEquals(List.of(node(5), node(10), node(15), node(20)), t.successors());
    }

    @Test
    public void aStabilizeRoundKeepsACloserSuccessorAdoptedMeanwhile() {
        RoutingTable t = table(node(1), node(10), node(20));
        t.adoptSuccessor(node(5), List.of(node(10), node(20)));
        // the round asked node 10 before node 5 joined, and sets what node 10 said
        t.setSuccessorsKeepingCloser(List.of(node(10), node(20), node(30)));
        assertEquals(List.of(node(5), node(10), node(20), node(30)), t.successors());
        // a round that found a closer one itself is taken as it is
        t.setSuccessorsKeepingCloser(List.of(node(3), node(5), node(10)));
        assertEquals(List.of(node(3), node(5), node(10)), t.successors());
    }

    /**
     * A node that leaves the replica holders (the first r - 1 successors) and comes back before the
     * next repair round is still reported: it may have dropped its copies meanwhile, so repair must
     * push it the whole range although it is a holder both before and after.
     */
    @Test
    public void aHolderThatLeftTheHoldersOnlyBrieflyIsReported() {
        RoutingTable t = table(node(1), node(10), node(20), node(30), node(40));
        assertEquals(Set.of(), t.drainLeftHolders());
        // a stabilize round copies a successor list that lacks node 30 (merging rings), the next one has it again
        t.setSuccessors(List.of(node(10), node(20), node(25), node(40)));
        t.setSuccessors(List.of(node(10), node(20), node(30), node(40)));
        assertEquals(List.of(node(10), node(20), node(30), node(40)), t.successors());
        assertEquals(Set.of(node(30), node(25)), t.drainLeftHolders());
        assertEquals("drained", Set.of(), t.drainLeftHolders());
        // changes beyond the holders (place 4) are not reported
        t.setSuccessors(List.of(node(10), node(20), node(30)));
        t.setSuccessors(List.of(node(10), node(20), node(30), node(35)));
        assertEquals(Set.of(), t.drainLeftHolders());
        // a node that was a holder for a moment (place 3) and then beyond the holders again is
        t.setSuccessors(List.of(node(10), node(20), node(35)));
        t.setSuccessors(List.of(node(10), node(20), node(30), node(35)));
        assertEquals(Set.of(node(30), node(35)), t.drainLeftHolders());
        // a failed holder leaves too
        t.failed(node(20));
        assertEquals(Set.of(node(20)), t.drainLeftHolders());
    }

    /**
     * Replica repair hands a key outside its primary range to the owner a lookup names, and drops its
     * copy when it is not among that owner's holders: an answer from a node whose view is out of date
     * (rings merging) that names a node beyond the key's predecessor-side arc is not taken.
     */
    @Test
    public void repairTakesOnlyAnOwnerBetweenTheKeyAndThePredecessor() {
        NodeRef pred = node(50); // this node is node 60: its foreign keys lie in (60, 50]
        assertTrue(ReplicaRepair.plausibleOwner(key(20), node(30), pred));
        assertTrue(ReplicaRepair.plausibleOwner(key(20), node(50), pred));
        assertTrue(ReplicaRepair.plausibleOwner(key(95), node(10), pred)); // round the top of the ring
        // a node before the key (a stale answer from a node that knows no owner between them)
        assertFalse(ReplicaRepair.plausibleOwner(key(20), node(15), pred));
        // a node between the predecessor and this node (a stale answer that misses the predecessor)
        assertFalse(ReplicaRepair.plausibleOwner(key(20), node(55), pred));
        // a node beyond this node
        assertFalse(ReplicaRepair.plausibleOwner(key(20), node(70), pred));
    }

    @Test
    public void aNodeWhoseSuccessorsAllFailedInALookupDoesNotAnswerForKeysBeyondIt() {
        NodeRef self = node(1);
        RoutingTable t = table(self, node(10), node(20));
        t.setFinger(100, node(40));
        Router router = new Router(self, 4, t, null);
        ChordRpc.Step fine = router.localStep(key(5), Set.of());
        assertTrue(fine.found());
        assertEquals(List.of(node(10), node(20)), fine.nodes().subList(0, 2)); // (then itself: a ring of at most r nodes)
        // both successors failed during this lookup: no answer naming this node the owner of key 5 ...
        Set<Id> failed = Set.of(node(10).id(), node(20).id());
        ChordRpc.Step s = router.localStep(key(5), failed);
        assertFalse("answered " + s.nodes(), s.found());
        assertTrue(s.nodes().isEmpty());
        // ... and for a key beyond a finger, the finger as the next step
        ChordRpc.Step far = router.localStep(key(45), failed);
        assertFalse(far.found());
        assertEquals(List.of(node(40)), far.nodes());
        // a node alone in its ring owns every key
        ChordRpc.Step alone = new Router(self, 4, table(self), null).localStep(key(5), Set.of());
        assertTrue(alone.found());
        assertEquals(List.of(self), alone.nodes());
    }
}
