package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

/** Bamboo/OpenDHT store semantics on a real 8-node ring: TTL, remove, multiple values, limits, rejoin, takeover. */
public class StoreSemanticsTest {
    private final TestRing ring = new TestRing();

    @After
    public void tearDown() {
        ring.close();
    }

    private void ring(int n) throws Exception {
        ring.grow(n);
        ring.awaitStable(Duration.ofSeconds(30));
    }

    private Set<String> get(ChordNode n, String key) throws Exception {
        return new HashSet<>(n.get(key).get(20, TimeUnit.SECONDS));
    }

    private boolean everyNodeSees(String key, Set<String> values) {
        try {
            for (ChordNode n : ring.live()) {
                if (!get(n, key).equals(values)) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean nobodyHolds(String key, String value) {
        for (ChordNode n : ring.live()) {
            if (n.localValues(key).contains(value)) {
                return false;
            }
        }
        return true;
    }

    @Test(timeout = 90_000)
    public void ttlExpiryRefreshRemoveAndMultipleValues() throws Exception {
        ring(8);
        ChordNode a = ring.live().get(0);
        ChordNode b = ring.live().get(5);

        // multi-valued key: two registrations of one user
        a.put("sip:alice@p2psip.test", "peer1:5060", 600).get(10, TimeUnit.SECONDS);
        b.put("sip:alice@p2psip.test", "peer2:5060", 600).get(10, TimeUnit.SECONDS);
        assertTrue(everyNodeSees("sip:alice@p2psip.test", Set.of("peer1:5060", "peer2:5060")));

        // expiry: a 1 s value disappears everywhere, from every replica
        a.put("short", "lived", 1).get(10, TimeUnit.SECONDS);
        a.put("short", "long-lived", 600).get(10, TimeUnit.SECONDS);
        assertEquals(Set.of("lived", "long-lived"), get(b, "short"));
        TestRing.await("expiry of short/lived", Duration.ofSeconds(20),
                () -> everyNodeSees("short", Set.of("long-lived")) && nobodyHolds("short", "lived"));

        // refresh: putting the same value again extends its TTL
        a.put("refresh", "v", 1).get(10, TimeUnit.SECONDS);
        b.put("refresh", "v", 600).get(10, TimeUnit.SECONDS);
        Thread.sleep(1500);
        assertEquals(Set.of("v"), get(a, "refresh"));

        // remove: gone everywhere, and replica repair does not bring it back
        a.put("relays", "r1", 600).get(10, TimeUnit.SECONDS);
        a.put("relays", "r2", 600).get(10, TimeUnit.SECONDS);
        a.put("relays", "r3", 600).get(10, TimeUnit.SECONDS);
        TestRing.await("relays replicated", Duration.ofSeconds(20),
                () -> ring.fullyReplicated("relays", Set.of("r1", "r2", "r3")));
        b.remove("relays", "r2").get(10, TimeUnit.SECONDS);
        assertTrue(everyNodeSees("relays", Set.of("r1", "r3")));
        TestRing.await("r2 gone from every replica", Duration.ofSeconds(20), () -> nobodyHolds("relays", "r2"));
        Thread.sleep(3 * TestRing.fastConfig().build().repairInterval().toMillis());
        assertTrue("removed value came back", everyNodeSees("relays", Set.of("r1", "r3")));
        // removing what is not there is fine; putting a removed value again brings it back
        b.remove("relays", "never-there").get(10, TimeUnit.SECONDS);
        a.put("relays", "r2", 600).get(10, TimeUnit.SECONDS);
        assertTrue(everyNodeSees("relays", Set.of("r1", "r2", "r3")));
        assertEquals(Set.of(), get(a, "no-such-key"));
    }

    @Test(timeout = 60_000)
    public void limitsAreEnforcedWithClearErrors() throws Exception {
        ring(3);
        ChordNode n = ring.any();
        String max = "é".repeat(Limits.MAX_VALUE_BYTES / 2); // 1024 bytes in UTF-8
        n.put("k", max, Limits.MAX_TTL_SECONDS).get(10, TimeUnit.SECONDS);
        assertEquals(Set.of(max), get(n, "k"));
        expect(Reason.VALUE_TOO_LARGE, n.put("k", max + "x", 60));
        expect(Reason.BAD_TTL, n.put("k", "v", Limits.MAX_TTL_SECONDS + 1));
        expect(Reason.BAD_TTL, n.put("k", "v", 0));
        expect(Reason.BAD_KEY, n.put("", "v", 60));
        expect(Reason.BAD_KEY, n.get("k".repeat(Limits.MAX_KEY_BYTES + 1)));
        // the same checks on the serving side, for clients that skip them
        ChordRpc rpc = new ChordRpc(new org.p2psip.lookup.wire.TcpTransport("test-client", Duration.ofSeconds(5)),
                Duration.ofSeconds(5));
        try {
            rpc.clientPut(n.ref().toAddress(), "k", max + "x", 60);
            fail("oversized value accepted");
        } catch (LookupException e) {
            assertEquals(Reason.VALUE_TOO_LARGE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("1024"));
        }
        try {
            rpc.clientPut(n.ref().toAddress(), "k", "v", Limits.MAX_TTL_SECONDS + 1);
            fail("TTL beyond a week accepted");
        } catch (LookupException e) {
            assertEquals(Reason.BAD_TTL, e.reason());
        }
        // the node is still fine
        assertEquals(Set.of(max), get(n, "k"));
    }

    /**
     * A key holds at most 256 values per node (StoreLimits.DEFAULT): the 257th distinct value gets
     * VALUE_TOO_LARGE with a message naming the limit, a refresh of a held value is still taken, and
     * a get of the full key (256 values of 1 KiB, about 260 KiB) is answered in one frame.
     */
    @Test(timeout = 120_000)
    public void aKeyHoldsAtMost256ValuesAndItsGetIsAnswered() throws Exception {
        ring(3);
        ChordNode n = ring.any();
        String pad = "p".repeat(Limits.MAX_VALUE_BYTES - 8);
        List<CompletableFuture<?>> puts = new java.util.ArrayList<>();
        for (int i = 0; i < org.p2psip.lookup.store.StoreLimits.DEFAULT.maxRecordsPerKey(); i++) {
            puts.add(n.put("crowded", String.format("%04d", i) + pad, 600));
        }
        for (CompletableFuture<?> f : puts) {
            f.get(60, TimeUnit.SECONDS);
        }
        try {
            n.put("crowded", "one-too-many", 600).get(20, TimeUnit.SECONDS);
            fail("a 257th value was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            LookupException le = (LookupException) e.getCause();
            assertEquals(Reason.VALUE_TOO_LARGE, le.reason());
            assertTrue(le.getMessage(), le.getMessage().contains("already holds 256 values"));
        }
        n.put("crowded", "0000" + pad, 900).get(20, TimeUnit.SECONDS); // a refresh is not a new value
        for (ChordNode any : ring.live()) {
            assertEquals(256, get(any, "crowded").size());
        }
    }

    private static void expect(Reason reason, CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            fail("expected " + reason);
        } catch (ExecutionException e) {
            LookupException le = LookupException.unwrap(e);
            assertNotNull("not a LookupException: " + e.getCause(), le);
            assertEquals(le.getMessage(), reason, le.reason());
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no answer");
        }
    }

    @Test(timeout = 120_000)
    public void killedNodeRejoinsAndNewNodeTakesOverItsKeys() throws Exception {
        ring(8);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String k = "key-" + i;
            keys.add(k);
            ring.any().put(k, "v" + i, 3600).get(10, TimeUnit.SECONDS);
        }

        // kill one node; its keys are still found
        ChordNode victim = ring.live().get(3);
        Address addr = victim.ref().toAddress();
        ring.kill(victim);
        ring.awaitStable(Duration.ofSeconds(30));
        for (String k : keys) {
            assertEquals(Set.of("v" + k.substring(4)), get(ring.any(), k));
        }

        // it comes back at the same address (same id) and gets its keys back
        ChordNode back = ring.start(TestRing.fastConfig().listen(addr).build());
        assertEquals(victim.id(), back.id());
        ring.awaitStable(Duration.ofSeconds(30));
        awaitHoldsItsKeys(back, keys);

        // a brand-new node takes over the keys it is now responsible for (at an address whose id owns
        // some of them: a random id may fall into an arc holding none of the 80)
        ChordNode fresh = ring.start(TestRing.fastConfig().listen(addressOwningSomeOf(keys)).build());
        ring.awaitStable(Duration.ofSeconds(30));
        int owned = awaitHoldsItsKeys(fresh, keys);
        assertTrue("the new node should hold some of 80 keys", owned > 0);
        for (ChordNode n : ring.live()) {
            for (String k : keys) {
                assertEquals(Set.of("v" + k.substring(4)), get(n, k));
            }
        }
        // and the nodes that are no longer among a key's holders eventually drop it
        TestRing.await("stale copies dropped", Duration.ofSeconds(30), () -> {
            for (String k : keys) {
                List<NodeRef> holders = ring.expectedHolders(k);
                for (ChordNode n : ring.live()) {
                    if (!holders.contains(n.ref()) && !n.localValues(k).isEmpty()) {
                        return false;
                    }
                }
            }
            return true;
        });
        assertFalse(fresh.status().keys() == 0);
        // the ring status for frequent callers: the same ring, the store not counted
        NodeStatus full = fresh.status();
        NodeStatus ringOnly = fresh.ringStatus();
        assertEquals(full.self(), ringOnly.self());
        assertEquals(full.successors(), ringOnly.successors());
        assertEquals(full.predecessor(), ringOnly.predecessor());
        assertEquals(full.ringSize(), ringOnly.ringSize());
        assertEquals(-1, ringOnly.keys());
        assertEquals(-1, ringOnly.values());
        assertEquals(-1, ringOnly.primaryKeys());
    }

    @Test(timeout = 60_000)
    public void smallRingsKeepEveryValueOnEveryNodeWithoutChurning() throws Exception {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger repairLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ReplicaRepair.class);
        repairLog.addAppender(logged);
        logged.start();
        try {
            ring(2);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                keys.add("small-" + i);
                ring.any().put("small-" + i, "v", 600).get(10, TimeUnit.SECONDS);
            }
            ring.start();
            ring.awaitStable(Duration.ofSeconds(30));
            TestRing.await("every value on all 3 nodes", Duration.ofSeconds(20), () -> {
                for (String k : keys) {
                    for (ChordNode n : ring.live()) {
                        if (n.localValues(k).isEmpty()) {
                            return false;
                        }
                    }
                }
                return true;
            });
            // r = 4 > 3 nodes: nobody may drop a copy, round after round
            int before = logged.list.size();
            for (int round = 0; round < 10; round++) {
                Thread.sleep(200);
                for (String k : keys) {
                    for (ChordNode n : ring.live()) {
                        assertFalse(n.ref() + " dropped " + k, n.localValues(k).isEmpty());
                    }
                }
            }
            synchronized (logged.list) {
                assertTrue("repair moved keys on a stable ring: " + logged.list.subList(before, logged.list.size()),
                        logged.list.subList(before, logged.list.size()).stream()
                                .noneMatch(e -> e.getFormattedMessage().contains("dropped")));
            }
        } finally {
            repairLog.detachAppender(logged);
        }
    }

    /** Waits until {@code n} holds every key it is a holder of; returns how many it is the owner of. */
    /** A free loopback address whose node id would be the owner of at least one of {@code keys} in the current ring. */
    private Address addressOwningSomeOf(List<String> keys) throws java.io.IOException {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            NodeRef candidate = NodeRef.of("127.0.0.1", port);
            List<Id> ids = new ArrayList<>();
            for (NodeRef r : ring.sortedRefs()) {
                ids.add(r.id());
            }
            ids.add(candidate.id());
            ids.sort(null);
            for (String k : keys) {
                Id h = Id.hash(k);
                Id owner = ids.stream().filter(id -> id.compareTo(h) >= 0).findFirst().orElse(ids.get(0));
                if (owner.equals(candidate.id())) {
                    return new Address("127.0.0.1", port);
                }
            }
        }
        throw new IllegalStateException("no free port whose id owns one of " + keys.size() + " keys");
    }

    private int awaitHoldsItsKeys(ChordNode n, List<String> keys) throws InterruptedException {
        int owned = 0;
        for (String k : keys) {
            List<NodeRef> holders = ring.expectedHolders(k);
            if (holders.get(0).equals(n.ref())) {
                owned++;
            }
            if (holders.contains(n.ref())) {
                TestRing.await(n.ref() + " to hold " + k, Duration.ofSeconds(30), () -> !n.localValues(k).isEmpty());
            }
        }
        return owned;
    }
}
