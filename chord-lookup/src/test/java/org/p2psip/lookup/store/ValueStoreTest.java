package org.p2psip.lookup.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.p2psip.lookup.chord.Id;

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
}
