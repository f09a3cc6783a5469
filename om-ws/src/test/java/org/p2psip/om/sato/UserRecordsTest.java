package org.p2psip.om.sato;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.UserLookup;
import org.p2psip.control.message.UserLookupAnswer;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.RingView;

/** A user found nowhere is 404 in a whole ring and 480 in a ring cut off from part of the overlay. */
public class UserRecordsTest {

    /** A lookup service that holds values in a map (unit test stand-in). */
    private static final class MapLookup implements LookupService {
        final Map<String, List<String>> values = new ConcurrentHashMap<>();
        /** Puts that fail before one succeeds. */
        final java.util.concurrent.atomic.AtomicInteger failPuts = new java.util.concurrent.atomic.AtomicInteger();
        /** Puts that stored a value, and the TTL of the last. */
        final java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
        volatile int lastTtl;

        @Override
        public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
            if (failPuts.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("node 203.0.113.20:4000 did not answer"));
            }
            values.put(key, List.of(value));
            puts.incrementAndGet();
            lastTtl = ttlSeconds;
            return CompletableFuture.completedFuture(null);
        }

        /** Gets that answer only after this many milliseconds (a lookup step waiting on a node beyond a cut). */
        volatile long getDelayMillis;

        @Override
        public CompletableFuture<List<String>> get(String key) {
            List<String> v = values.getOrDefault(key, List.of());
            return getDelayMillis == 0 ? CompletableFuture.completedFuture(v) : CompletableFuture.supplyAsync(() -> v,
                    CompletableFuture.delayedExecutor(getDelayMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
        }

        @Override
        public CompletableFuture<Void> remove(String key, String value) {
            values.remove(key);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }

    private final MapLookup lookup = new MapLookup();
    private final PeerRecord self = new PeerRecord("00112233445566778899aabbccddeeff00112233", new Address("127.0.0.1", 7070), 10);
    private final AtomicReference<RingView> ring = new AtomicReference<>();
    private final UserRecords users = new UserRecords("test", lookup, self, ring::get);

    @Test
    public void aUserFoundNowhereInAWholeRingIsNotRegistered() throws Exception {
        ring.set(new RingView(12, true, 0, 0, 1)); // one crashed peer is no partition
        UserLookupAnswer a = UserLookupAnswer.from(users.lookup(new UserLookup("nobody").toMessage()));
        assertTrue(a.peers().isEmpty());
    }

    @Test
    public void aUserFoundNowhereWhileTheRingIsCutOffIsTemporarilyUnavailable() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 6));
        try {
            users.lookup(new UserLookup("bob").toMessage());
            fail("answered although the ring is cut off");
        } catch (ControlException e) {
            assertEquals(ErrorCode.PEER_UNREACHABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("bob is not registered in this part of the overlay: 6 of its peers"));
        }
    }

    @Test
    public void aUserFoundIsFoundWhateverTheRing() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 6));
        lookup.put("user:alice", self.value(), 60);
        UserLookupAnswer a = UserLookupAnswer.from(users.lookup(new UserLookup("alice").toMessage()));
        assertEquals(List.of(self.value()), a.peers());
    }

    @Test
    public void aRegistrationWhoseRecordCannotBeStoredWhileMembersAreUnreachableIsStoredLater() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 3));
        lookup.failPuts.set(2);
        users.register(new org.p2psip.control.message.UserRegister("nb5", 60).toMessage());
        assertTrue("registered here at once", users.registered().contains("nb5"));
        long deadline = System.currentTimeMillis() + 15_000;
        while (!lookup.values.containsKey("user:nb5") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("stored in the background once the lookup service answers", List.of(self.value()),
                lookup.values.get("user:nb5"));
        users.close();
    }

    @Test
    public void aRegistrationWhoseRecordCannotBeStoredInAWholeRingFails() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 0));
        lookup.failPuts.set(1);
        try {
            users.register(new org.p2psip.control.message.UserRegister("nb6", 60).toMessage());
            fail("registered although the lookup service did not store the record");
        } catch (ControlException e) {
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
        }
        assertFalse(users.registered().contains("nb6"));
        users.close();
    }

    @Test
    public void aLookupStuckWhileMembersAreUnreachableIsTemporarilyUnavailableAfterItsBudget() throws Exception {
        ring.set(new RingView(12, true, 0, 0, 2));
        lookup.put("user:tb4", self.value(), 60);
        lookup.getDelayMillis = 4_000;
        try {
            users.lookup(new UserLookup("tb4").toMessage());
            fail("answered although the lookup had not finished");
        } catch (ControlException e) {
            assertEquals(ErrorCode.PEER_UNREACHABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("lookup of user tb4 did not finish within 2500 ms while 2 ring member(s)"));
        }
    }

    @Test
    public void aSlowLookupInAWholeRingIsWaitedFor() throws Exception {
        ring.set(new RingView(12, true, 0, 0, 0));
        lookup.put("user:tb5", self.value(), 60);
        lookup.getDelayMillis = 3_000;
        UserLookupAnswer a = UserLookupAnswer.from(users.lookup(new UserLookup("tb5").toMessage()));
        assertEquals(List.of(self.value()), a.peers());
    }

    @Test
    public void partitionedNeedsTwoUnreachableMembersAndAQuarterOfTheRing() {
        assertFalse(new RingView(12, true, 0, 0, 1).partitioned());
        assertFalse(new RingView(12, true, 0, 0, 2).partitioned());
        assertTrue(new RingView(12, true, 0, 0, 3).partitioned());
        assertTrue(new RingView(3, true, 0, 0, 3).partitioned());
        assertFalse(new RingView(3, true, 0, 0, 0).partitioned());
    }

    /**
     * The nodes holding alice's record die (the record is gone from the lookup service) and the ring
     * shrinks: the OM stores it again within seconds, without alice registering again; a user who
     * deregistered is not stored again.
     */
    @Test(timeout = 30_000)
    public void aLostRecordIsStoredAgainWhenTheRingChanges() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 0));
        users.register(new org.p2psip.control.message.UserRegister("alice", 600).toMessage());
        users.register(new org.p2psip.control.message.UserRegister("gone", 600).toMessage());
        users.deregister(new org.p2psip.control.message.UserDeregister("gone").toMessage());
        Thread.sleep(2 * UserRecordKeeper.RING_CHECK_SECONDS * 1000L + 500); // the keeper has seen the ring
        lookup.values.clear(); // every holder of the records died
        ring.set(new RingView(4, true, 0, 0, 2));
        long t0 = System.currentTimeMillis();
        while (!lookup.values.containsKey("user:alice") && System.currentTimeMillis() - t0 < 15_000) {
            Thread.sleep(100);
        }
        assertEquals("alice's record is back", List.of(self.value()), lookup.values.get("user:alice"));
        assertFalse("a deregistered user is not stored again", lookup.values.containsKey("user:gone"));
        users.close();
    }

    /**
     * A phone's refresh REGISTER does not write the lookup service again while the record stored lives on
     * (the same record, the same peer); the keeper stores it with the new TTL. A registration that now
     * ends sooner than the record, or a user registered again after deregistering, is stored at once.
     */
    @Test
    public void aRefreshWhoseRecordLivesOnIsNotStoredAgainButTheKeeperStoresTheNewTtl() throws Exception {
        ring.set(new RingView(6, true, 0, 0, 0));
        assertFalse("a first registration is no refresh",
                users.refreshes(new org.p2psip.control.message.UserRegister("carol", 200).toMessage()));
        users.register(new org.p2psip.control.message.UserRegister("carol", 200).toMessage());
        assertEquals("the first REGISTER stores the record", 1, lookup.puts.get());
        assertTrue("the next one is (answered on the control connection's reader)",
                users.refreshes(new org.p2psip.control.message.UserRegister("carol", 3600).toMessage()));
        assertFalse("one ending before the record is not",
                users.refreshes(new org.p2psip.control.message.UserRegister("carol", 100).toMessage()));
        users.register(new org.p2psip.control.message.UserRegister("carol", 3600).toMessage());
        users.register(new org.p2psip.control.message.UserRegister("carol", 3600).toMessage());
        assertEquals("refreshes while the record lives on store nothing", 1, lookup.puts.get());
        assertEquals(2, users.refreshesNotStored());
        assertEquals(List.of(self.value()), lookup.values.get("user:carol"));

        users.storeDueAgain();
        assertEquals("the keeper's timer leaves a copy with 200 s left alone", 1, lookup.puts.get());
        users.register(new org.p2psip.control.message.UserRegister("dan", 140).toMessage());
        users.register(new org.p2psip.control.message.UserRegister("dan", 3600).toMessage());
        assertEquals("dan's refresh stores nothing", 2, lookup.puts.get());
        users.storeDueAgain();
        assertEquals("the keeper's timer stores a copy with 140 s left", 3, lookup.puts.get());
        assertTrue("with dan's refreshed TTL: " + lookup.lastTtl, lookup.lastTtl >= 3590);
        lookup.puts.set(1);

        users.storeAllAgain("test");
        assertEquals("the keeper stores every record again when the ring changes", 3, lookup.puts.get());
        assertTrue("with the refreshed registration's TTL: " + lookup.lastTtl, lookup.lastTtl >= 3590);

        users.register(new org.p2psip.control.message.UserRegister("carol", 150).toMessage());
        assertEquals("a registration ending before the record stored is stored at once (the shorter TTL)", 4, lookup.puts.get());
        assertEquals(150, lookup.lastTtl);

        users.deregister(new org.p2psip.control.message.UserDeregister("carol").toMessage());
        assertFalse(lookup.values.containsKey("user:carol"));
        users.register(new org.p2psip.control.message.UserRegister("carol", 3600).toMessage());
        assertEquals("registered again after a deregistration: stored", 5, lookup.puts.get());
        assertEquals(List.of(self.value()), lookup.values.get("user:carol"));
        users.close();
    }

    /** A record with little life left, or forgotten, is stored at the next REGISTER; the keeper's timer stores it before. */
    @Test
    public void aRecordNearItsEndIsStoredAgainAtTheNextRegisterAndDueForTheKeeper() {
        StoredUserRecords s = new StoredUserRecords();
        long now = System.nanoTime();
        long sec = 1_000_000_000L;
        s.stored("dave", 3600, now);
        assertTrue(s.stillStored("dave", 3600, now + 10 * sec));
        assertFalse("less than " + StoredUserRecords.MIN_LEFT_SECONDS + " s left",
                s.stillStored("dave", 3600, now + (3600 - StoredUserRecords.MIN_LEFT_SECONDS + 1) * sec));
        assertFalse("the registration would end before the record", s.stillStored("dave", 600, now + 10 * sec));
        assertFalse("never stored", s.stillStored("erin", 3600, now));
        assertFalse("due: 3,600 s left", s.due("dave", now, 30));
        assertTrue("due: less than 150 s left", s.due("dave", now + (3600 - 149) * sec, 30));
        assertTrue("due: never stored", s.due("erin", now, 30));
        s.forget("dave");
        assertFalse("deregistered", s.stillStored("dave", 3600, now + 10 * sec));
    }
}
