package org.p2psip.lookup.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.p2psip.lookup.ring.Id;

public class ValueStoreTest {
    @Test
    public void multipleValuesExpiryAndRefresh() {
        ValueStore s = new ValueStore();
        s.put("k", "a", 1000, 0);
        s.put("k", "b", 5000, 0);
        assertEquals(Set.of("a", "b"), Set.copyOf(s.liveValues("k", 500)));
        assertEquals(List.of("b"), s.liveValues("k", 1000));
        s.put("k", "a", 10_000, 2000); // refresh
        assertEquals(Set.of("a", "b"), Set.copyOf(s.liveValues("k", 4000)));
        assertEquals(0, s.purgeExpired(4000));
        assertEquals(1, s.purgeExpired(6000));
        assertEquals(List.of("a"), s.liveValues("k", 6000));
        assertEquals(0, s.purgeExpired(12_001) - 1);
        assertTrue(s.keyIds().isEmpty());
    }

    @Test
    public void aKeyHoldsNoMoreValuesThanItsKindAllows() {
        RecordRules twoPerUser = new RecordRules() {
            @Override
            public Admission admit(String key, String value, boolean removal, long now) {
                return null;
            }

            @Override
            public String identity(String value) {
                return value;
            }

            @Override
            public int maxValuesPerKey(String key) {
                return key.startsWith("user:") ? 2 : Integer.MAX_VALUE;
            }
        };
        ValueStore s = new ValueStore(twoPerUser);
        s.put("user:alice", "peer1", 60_000, 0);
        s.put("user:alice", "peer2", 60_000, 0);
        s.put("user:alice", "peer2", 60_000, 10); // a refresh of a value held is always taken
        try {
            s.put("user:alice", "peer3", 60_000, 20);
            org.junit.Assert.fail("a third value under user:alice was stored");
        } catch (org.p2psip.lookup.LookupException e) {
            assertEquals(org.p2psip.lookup.LookupException.Reason.VALUE_TOO_LARGE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("the most a key of its kind may hold"));
        }
        for (int i = 0; i < 5; i++) {
            s.put("note:x", "v" + i, 60_000, 0); // another kind: the store's general limit only
        }
        assertEquals(Set.of("peer1", "peer2"), Set.copyOf(s.liveValues("user:alice", 30)));
        assertEquals(5, s.liveValues("note:x", 30).size());
    }

    @Test
    public void removeWinsOverOlderReplicasAndLosesToNewerPuts() {
        ValueStore owner = new ValueStore();
        StoredRecord put = owner.put("k", "v", 60_000, 1000);
        StoredRecord tomb = owner.remove("k", "v", 2000);
        assertTrue(tomb.tombstone());
        assertEquals(put.expiresAt(), tomb.expiresAt());
        assertEquals(List.of(), owner.liveValues("k", 2500));
        // a replica that missed the remove pushes the old put back: it must not resurrect
        assertFalse(owner.merge(put));
        assertEquals(List.of(), owner.liveValues("k", 2500));
        // a replica that has the old put learns the remove
        ValueStore replica = new ValueStore();
        replica.merge(put);
        assertTrue(replica.merge(tomb));
        assertEquals(List.of(), replica.liveValues("k", 2500));
        // putting again later wins
        StoredRecord again = owner.put("k", "v", 60_000, 3000);
        assertTrue(again.stamp() > tomb.stamp());
        assertTrue(replica.merge(again));
        assertEquals(List.of("v"), replica.liveValues("k", 3500));
    }

    @Test
    public void stampsAreUniqueAndPagesCoverEverything() {
        ValueStore s = new ValueStore();
        StoredRecord a = s.put("k1", "a", 1000, 5);
        StoredRecord b = s.put("k1", "b", 1000, 5);
        assertTrue(b.stamp() > a.stamp());
        for (int i = 0; i < 50; i++) {
            s.put("key" + i, "x".repeat(500), 100_000, 10);
        }
        int seen = 0;
        Id after = null;
        while (true) {
            List<StoredRecord> page = s.page(after, id -> true, 4000, 2000);
            if (page.isEmpty()) {
                break;
            }
            seen += page.size();
            after = page.get(page.size() - 1).keyId();
        }
        assertEquals(50, seen); // k1's two records expired at 1005
    }

    private static Id id(long v) {
        return Id.of(java.math.BigInteger.valueOf(v));
    }

    private static StoredRecord rec(long id, String value) {
        return new StoredRecord("k" + id, id(id), value, 1, 100_000, false);
    }

    private static List<String> values(List<StoredRecord> recs) {
        return recs.stream().map(StoredRecord::value).collect(java.util.stream.Collectors.toList());
    }

    @Test
    public void rangesOfTheCircleInRingOrder() {
        ValueStore s = new ValueStore();
        for (long v : new long[] {5, 10, 20, 30, 40}) {
            s.merge(rec(v, "v" + v));
        }
        assertEquals(List.of("v20", "v30"), values(s.recordsIn(id(10), id(30), 0)));
        assertEquals(List.of("v40", "v5", "v10"), values(s.recordsIn(id(30), id(10), 0))); // wraps
        assertEquals(List.of("v30", "v40", "v5", "v10", "v20"), values(s.recordsIn(id(20), id(20), 0))); // whole circle
        assertEquals(List.of(), s.recordsIn(id(11), id(19), 0));
        assertEquals(List.of("v20"), values(s.records(id(20), 0)));
        assertEquals(List.of(), s.records(id(21), 0));
        assertEquals(id(20), s.firstKeyIn(id(10), id(30)));
        assertEquals(id(40), s.firstKeyIn(id(30), id(10)));
        assertEquals(id(5), s.firstKeyIn(id(40), id(10)));
        assertEquals(null, s.firstKeyIn(id(40), id(4)));
        assertEquals(id(5), s.firstKeyIn(id(40), id(40)));
        assertEquals(null, s.firstKeyIn(id(11), id(19)));
        // expired records are left out
        s.merge(new StoredRecord("k25", id(25), "short", 1, 50, false));
        assertEquals(List.of("v20", "short", "v30"), values(s.recordsIn(id(10), id(30), 0)));
        assertEquals(List.of("v20", "v30"), values(s.recordsIn(id(10), id(30), 60)));
    }

    @Test
    public void keysAfterWrapsRoundOnceAtMost() {
        ValueStore s = new ValueStore();
        assertEquals(List.of(), s.keysAfter(null, 3));
        for (long v : new long[] {5, 10, 20, 30, 40}) {
            s.merge(rec(v, "v" + v));
        }
        assertEquals(5, s.keyCount());
        assertEquals(List.of(id(5), id(10)), s.keysAfter(null, 2));
        assertEquals(List.of(id(30), id(40), id(5)), s.keysAfter(id(20), 3));
        assertEquals(List.of(id(30), id(40), id(5), id(10), id(20)), s.keysAfter(id(20), 99));
        assertEquals(List.of(id(40), id(5), id(10), id(20), id(30)), s.keysAfter(id(35), 99));
    }

    @Test
    public void mergesAreRememberedAsChangedButLocalPutsAreNot() {
        ValueStore s = new ValueStore();
        StoredRecord mine = s.put("local", "v", 60_000, 0);
        s.remove("local", "w", 0);
        assertTrue(s.drainChanged().isEmpty());
        StoredRecord theirs = new StoredRecord("remote", Id.hash("remote"), "v", 5, 60_000, false);
        assertTrue(s.merge(theirs));
        assertFalse(s.merge(theirs)); // no change: not remembered again
        assertFalse(s.merge(mine));
        assertEquals(Set.of(Id.hash("remote")), s.drainChanged());
        assertTrue(s.drainChanged().isEmpty());
    }

    @Test
    public void dropExactlyLeavesNewerRecordsAlone() {
        ValueStore s = new ValueStore();
        StoredRecord a = new StoredRecord("k", Id.hash("k"), "a", 10, 60_000, false);
        StoredRecord b = new StoredRecord("k", Id.hash("k"), "b", 10, 60_000, false);
        s.merge(a);
        s.merge(b);
        s.merge(new StoredRecord("k", Id.hash("k"), "b", 11, 60_000, true)); // b removed since
        s.dropExactly(List.of(a, b));
        assertEquals(List.of(), s.liveValues("k", 0));
        assertEquals(1, s.records(Id.hash("k"), 0).size()); // b's tombstone stays
        s.dropExactly(s.records(Id.hash("k"), 0));
        assertTrue(s.keyIds().isEmpty());
    }

    @Test
    public void purgeFindsEveryExpiryAlsoAfterLongerLivedRecords() {
        ValueStore s = new ValueStore();
        s.put("a", "long", 10_000, 0);
        assertEquals(0, s.purgeExpired(5000));
        s.put("b", "short", 1000, 5000);
        s.merge(new StoredRecord("c", Id.hash("c"), "x", 1, 7000, false));
        assertEquals(0, s.purgeExpired(5999));
        assertEquals(1, s.purgeExpired(6000));
        assertEquals(1, s.purgeExpired(7000));
        assertEquals(0, s.purgeExpired(9999));
        assertEquals(1, s.purgeExpired(10_000));
        assertTrue(s.keyIds().isEmpty());
    }

    /** Limits per key and per node: new values beyond them refused (put: a clear error; replica: not stored); room comes back as records go. */
    @Test
    public void limitsPerKeyAndPerNode() {
        ValueStore s = new ValueStore(new StoreLimits(3, 5, 1_000_000));
        for (int i = 0; i < 3; i++) {
            s.put("k", "v" + i, 10_000, 0);
        }
        try {
            s.put("k", "v3", 10_000, 0);
            org.junit.Assert.fail("a 4th value under one key");
        } catch (org.p2psip.lookup.LookupException e) {
            assertEquals(org.p2psip.lookup.LookupException.Reason.VALUE_TOO_LARGE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("key 'k' already holds 3 values"));
        }
        s.put("k", "v0", 20_000, 1); // refresh: always taken
        s.put("j", "a", 1000, 0);
        s.put("j", "b", 1000, 0);
        try {
            s.put("i", "x", 10_000, 0);
            org.junit.Assert.fail("a 6th record on the node");
        } catch (org.p2psip.lookup.LookupException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("store is full (5 records"));
        }
        ValueStore other = new ValueStore();
        assertFalse("a replica beyond the limits is not stored", s.merge(other.put("i", "x", 10_000, 0)));
        assertEquals(5, s.recordCount());
        assertEquals(2, s.purgeExpired(2000));
        assertEquals(3, s.recordCount());
        s.put("i", "x", 10_000, 2000);
        s.drop(List.of(Id.hash("k")));
        assertEquals(1, s.recordCount());

        ValueStore small = new ValueStore(new StoreLimits(100, 100, 2 * (StoreLimits.RECORD_OVERHEAD + 2)));
        small.put("k", "a", 1000, 0);
        small.put("k", "b", 1000, 0);
        try {
            small.put("k", "c", 1000, 0);
            org.junit.Assert.fail("beyond the byte limit");
        } catch (org.p2psip.lookup.LookupException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("bytes"));
        }
    }

    /**
     * Values per writer (StoreLimits.maxValuesPerWriter): a writer's new value beyond its limit on this
     * node is refused naming the writer; refreshing one it has is taken; other writers are not affected;
     * a value removed or expired no longer counts; replicas and puts of no known writer are not counted.
     */
    @Test
    public void limitPerWriter() {
        ValueStore s = new ValueStore(new StoreLimits(100, 1000, 1_000_000, 3));
        for (int i = 0; i < 3; i++) {
            s.put("k" + i, "v", 10_000, 0, "address 192.0.2.1");
        }
        try {
            s.put("k3", "v", 10_000, 0, "address 192.0.2.1");
            org.junit.Assert.fail("a 4th value from one writer");
        } catch (org.p2psip.lookup.LookupException e) {
            assertEquals(org.p2psip.lookup.LookupException.Reason.VALUE_TOO_LARGE, e.reason());
            assertEquals("address 192.0.2.1 already has 3 values on this node, the most one writer may have", e.getMessage());
        }
        s.put("k0", "v", 20_000, 1, "address 192.0.2.1"); // a refresh: taken
        s.put("k3", "v", 10_000, 0, "address 192.0.2.2");
        s.put("k4", "v", 10_000, 0, null);
        assertEquals(java.util.Map.of("address 192.0.2.1", 3, "address 192.0.2.2", 1), s.valuesByWriter());
        s.remove("k1", "v", 2);
        s.put("k5", "v", 10_000, 3, "address 192.0.2.1");
        try {
            s.put("k6", "v", 500, 3, "address 192.0.2.1");
            org.junit.Assert.fail("a 4th live value from one writer");
        } catch (org.p2psip.lookup.LookupException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("already has 3 values"));
        }
        assertTrue(s.merge(new ValueStore().put("k7", "v", 10_000, 0)));
        assertEquals(3, (int) s.valuesByWriter().get("address 192.0.2.1"));
        s.purgeExpired(25_000);
        assertEquals(java.util.Map.of(), s.valuesByWriter());
        s.put("k8", "v", 10_000, 25_000, "address 192.0.2.1");
    }
}
