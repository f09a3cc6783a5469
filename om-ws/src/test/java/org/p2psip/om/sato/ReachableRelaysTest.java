package org.p2psip.om.sato;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.RingView;

/** Relays beyond a partition, or whose OM did not answer lately, are not offered. */
public class ReachableRelaysTest {
    private final PeerRecord near = new PeerRecord("11".repeat(20), new Address("203.0.113.10", 7070), 90);
    private final PeerRecord far = new PeerRecord("22".repeat(20), new Address("203.0.113.20", 7070), 99);
    private final PeerRecord silent = new PeerRecord("33".repeat(20), new Address("203.0.113.11", 7070), 95);
    private final AtomicReference<RingView> ring = new AtomicReference<>();

    /** Most spare capacity first, as the lookup service's relay records are ordered. */
    private final RelayPolicy.Relays all = new RelayPolicy.Relays() {
        @Override
        public List<PeerRecord> candidates(int n, Set<String> exclude) {
            return List.of(far, silent, near).stream().filter(p -> !exclude.contains(p.nodeId())).limit(n).toList();
        }

        @Override
        public PeerRecord find(Set<String> exclude) {
            List<PeerRecord> c = candidates(1, exclude);
            return c.isEmpty() ? null : c.get(0);
        }
    };
    private final RelayPolicy.Relays reachable = ReachableRelays.of(all, ring::get,
            (om, within) -> om.equals(silent.om()) ? 123L : -1L);

    @Test
    public void inAWholeRingOnlyAnOmThatDidNotAnswerIsSkipped() {
        ring.set(new RingView(12, true, 0, 0, 0, Set.of()));
        assertEquals(far, reachable.find(Set.of()));
        assertEquals(List.of(far, near), reachable.candidates(3, Set.of()));
    }

    @Test
    public void inAPartitionTheRelaysBeyondTheCutAreSkipped() {
        ring.set(new RingView(6, true, 0, 0, 6, Set.of("203.0.113.20")));
        assertEquals("the relay with the most spare capacity is beyond the cut, the next did not answer", near,
                reachable.find(Set.of()));
        assertEquals(List.of(near), reachable.candidates(3, Set.of()));
        assertNull(reachable.find(Set.of(near.nodeId())));
    }

    @Test
    public void inAPartitionARelayWithNoMemberInTheRingCountedRoundIsSkipped() {
        // the far relay was never a neighbour of this node (not among its unreachable members), but the
        // ring, counted round after this side closed on itself, has no member on its host
        ring.set(new RingView(6, true, 0, 0, 3, Set.of("203.0.113.30"), Set.of("203.0.113.10", "203.0.113.11")));
        assertEquals(near, reachable.find(Set.of()));
        assertEquals(List.of(near), reachable.candidates(3, Set.of()));
    }

    @Test
    public void inAWholeRingARelayNotYetCountedIsOffered() {
        // a relay that joined after the last count: no member unreachable, so no reason to doubt it
        ring.set(new RingView(6, true, 0, 0, 0, Set.of(), Set.of("203.0.113.10")));
        assertEquals(far, reachable.find(Set.of()));
    }
}
