package org.p2psip.om.records;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.types.Address;

/**
 * The relay candidates an OM measures come from a cached list: a peer that joins before the relays'
 * records reach it must not be left without candidates until the next regular refresh (30 s), when
 * a running call's relay dies and a new one must be found at once.
 */
public class RelayDirectoryTest {
    private static final String C = "8a02e5aa4f1d6a4b1a3e3c2c9d1b7e6f5a4b3c2d";
    private static final String D = "1e34012d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";

    /** A lookup service whose relay key holds whatever the test put there; counts the gets. */
    private static final class Records implements LookupService {
        final List<String> relays = new CopyOnWriteArrayList<>();
        final AtomicInteger gets = new AtomicInteger();

        @Override
        public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<List<String>> get(String key) {
            gets.incrementAndGet();
            return CompletableFuture.completedFuture(PeerRecord.RELAY_KEY.equals(key) ? new ArrayList<>(relays) : List.of());
        }

        @Override
        public CompletableFuture<Void> remove(String key, String value) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }

    private static String relay(String id, String ip, int free) {
        return new PeerRecord(id, new Address(ip, 7070), free).relayValue();
    }

    @Test
    public void relaysThatAppearAfterTheFirstLookupAreCandidatesWithinSecondsNotAtTheNextRefresh() throws Exception {
        Records lookup = new Records();
        try (RelayDirectory dir = new RelayDirectory(lookup)) {
            assertEquals(List.of(), dir.candidates(4, Set.of())); // starts the background refresh; nothing yet
            // both at once: a refresh between two adds would see one relay and keep it until the next refresh
            lookup.relays.addAll(List.of(relay(C, "203.0.113.12", 50), relay(D, "203.0.113.13", 80)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (dir.candidates(4, Set.of()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<PeerRecord> got = dir.candidates(4, Set.of());
            assertEquals("most spare capacity first", List.of(D, C), got.stream().map(PeerRecord::nodeId).toList());
            assertTrue("found by the retries of an empty list (gets: " + lookup.gets.get() + ")",
                    System.nanoTime() < deadline);
        }
    }

    @Test
    public void aRelayFoundForACallFillsTheCandidateList() {
        Records lookup = new Records();
        lookup.relays.add(relay(C, "203.0.113.12", 50));
        lookup.relays.add(relay(D, "203.0.113.13", 80));
        try (RelayDirectory dir = new RelayDirectory(lookup)) {
            assertEquals(D, dir.find(Set.of()).nodeId());
            // a later failover excluding the relay in use has the other one at once, no lookup
            int gets = lookup.gets.get();
            List<PeerRecord> left = new ArrayList<>(dir.candidates(4, Set.of(D)));
            assertEquals(C, left.get(0).nodeId());
            assertTrue(left.size() == 1 && lookup.gets.get() <= gets + 1);
        }
    }

    @Test
    public void aRelayThatAppearsIsACandidateSoonWhenACallAsksNotAtTheNextThirtySecondRefresh() throws Exception {
        Records lookup = new Records();
        lookup.relays.add(relay(C, "203.0.113.12", 50));
        try (RelayDirectory dir = new RelayDirectory(lookup)) {
            assertEquals(C, dir.find(Set.of()).nodeId()); // the cached list: C, fresh for 30 s
            lookup.relays.add(relay(D, "203.0.113.13", 80));
            Thread.sleep(2_100); // reads coalesce within 2 s of the last one
            int gets = lookup.gets.get();
            for (int i = 0; i < 20; i++) {
                dir.refreshSoon(); // twenty calls asking at once: one read
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (dir.candidates(4, Set.of(C)).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of(D), dir.candidates(4, Set.of(C)).stream().map(PeerRecord::nodeId).toList());
            assertEquals("one read for twenty asks", gets + 1, lookup.gets.get());
        }
    }

    @Test
    public void anOverlayWithoutRelaysIsNotAskedEveryTwoSecondsForEver() throws Exception {
        Records lookup = new Records();
        try (RelayDirectory dir = new RelayDirectory(lookup)) {
            dir.candidates(4, Set.of());
            Thread.sleep(9_000);
            // asked at 0, 2 and 6 s (doubling pauses), not every 2 s (5 times)
            assertTrue("gets in 9 s: " + lookup.gets.get(), lookup.gets.get() >= 2 && lookup.gets.get() <= 3);
        }
    }
}
