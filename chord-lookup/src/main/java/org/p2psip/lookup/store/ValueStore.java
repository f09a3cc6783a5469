package org.p2psip.lookup.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.chord.Id;

/**
 * A node's local part of the DHT: for every key id, the key's values with their expiry times and
 * tombstones. Thread-safe. Ordered by key id so that ranges of the ring can be handed over in pages.
 * Keys are assumed not to collide under SHA-1.
 */
public final class ValueStore {
    private final NavigableMap<Id, Map<String, StoredRecord>> byKey = new TreeMap<>();
    private long lastStamp;
    private long version;

    /** A new record for a put accepted here: stamped now, expiring after {@code ttlMillis}. */
    public synchronized StoredRecord put(String key, String value, long ttlMillis, long now) {
        StoredRecord r = new StoredRecord(key, Id.hash(key), value, nextStamp(now), now + ttlMillis, false);
        merge(r);
        return r;
    }

    /**
     * A tombstone for a remove accepted here. It lives as long as the value it removes would have
     * (a week when the value is unknown here, so that a stray replica cannot bring it back).
     */
    public synchronized StoredRecord remove(String key, String value, long now) {
        Id id = Id.hash(key);
        Map<String, StoredRecord> vals = byKey.get(id);
        StoredRecord old = vals == null ? null : vals.get(value);
        long expires = old != null && !old.expired(now) ? old.expiresAt() : now + Limits.MAX_TTL_SECONDS * 1000L;
        StoredRecord t = new StoredRecord(key, id, value, nextStamp(now), expires, true);
        merge(t);
        return t;
    }

    /** Merges a record from another node: the higher stamp wins. True when something changed. */
    public synchronized boolean merge(StoredRecord r) {
        Map<String, StoredRecord> vals = byKey.computeIfAbsent(r.keyId(), k -> new HashMap<>());
        StoredRecord old = vals.get(r.value());
        // the same stamp is the same put or remove (its expiry may differ by transit time): keep ours;
        // should two nodes ever stamp alike, the tombstone wins
        if (old != null && (old.stamp() > r.stamp() || (old.stamp() == r.stamp() && (old.tombstone() || !r.tombstone())))) {
            return false;
        }
        vals.put(r.value(), r);
        lastStamp = Math.max(lastStamp, r.stamp());
        version++;
        return true;
    }

    /** Live values under {@code key}. */
    public synchronized List<String> liveValues(String key, long now) {
        Map<String, StoredRecord> vals = byKey.get(Id.hash(key));
        List<String> out = new ArrayList<>();
        if (vals != null) {
            for (StoredRecord r : vals.values()) {
                if (r.live(now) && r.key().equals(key)) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    /** Unexpired records (values and tombstones) whose key id satisfies {@code which}, in key-id order. */
    public synchronized List<StoredRecord> records(Predicate<Id> which, long now) {
        List<StoredRecord> out = new ArrayList<>();
        for (Map.Entry<Id, Map<String, StoredRecord>> e : byKey.entrySet()) {
            if (which.test(e.getKey())) {
                for (StoredRecord r : e.getValue().values()) {
                    if (!r.expired(now)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /**
     * A page of unexpired records with key id above {@code after} (all when null) that satisfy
     * {@code which}, whole keys only, about {@code maxBytes} at most (at least one key).
     */
    public synchronized List<StoredRecord> page(Id after, Predicate<Id> which, int maxBytes, long now) {
        List<StoredRecord> out = new ArrayList<>();
        int bytes = 0;
        NavigableMap<Id, Map<String, StoredRecord>> tail = after == null ? byKey : byKey.tailMap(after, false);
        for (Map.Entry<Id, Map<String, StoredRecord>> e : tail.entrySet()) {
            if (!which.test(e.getKey())) {
                continue;
            }
            int keyBytes = 0;
            for (StoredRecord r : e.getValue().values()) {
                keyBytes += r.approxBytes();
            }
            if (!out.isEmpty() && bytes + keyBytes > maxBytes) {
                break;
            }
            for (StoredRecord r : e.getValue().values()) {
                if (!r.expired(now)) {
                    out.add(r);
                }
            }
            bytes += keyBytes;
        }
        return out;
    }

    /** The key ids held (with any unexpired record), in order. */
    public synchronized List<Id> keyIds() {
        return new ArrayList<>(byKey.keySet());
    }

    /** Drops everything under these key ids. */
    public synchronized void drop(Iterable<Id> ids) {
        for (Id id : ids) {
            if (byKey.remove(id) != null) {
                version++;
            }
        }
    }

    /** Forgets expired values and tombstones; returns how many records went. */
    public synchronized int purgeExpired(long now) {
        int n = 0;
        for (Iterator<Map<String, StoredRecord>> it = byKey.values().iterator(); it.hasNext(); ) {
            Map<String, StoredRecord> vals = it.next();
            int before = vals.size();
            vals.values().removeIf(r -> r.expired(now));
            n += before - vals.size();
            if (vals.isEmpty()) {
                it.remove();
            }
        }
        if (n > 0) {
            version++;
        }
        return n;
    }

    /** Keys with at least one live value satisfying {@code which}. */
    public synchronized int liveKeyCount(Predicate<Id> which, long now) {
        int n = 0;
        for (Map.Entry<Id, Map<String, StoredRecord>> e : byKey.entrySet()) {
            if (which.test(e.getKey()) && e.getValue().values().stream().anyMatch(r -> r.live(now))) {
                n++;
            }
        }
        return n;
    }

    public synchronized int liveValueCount(long now) {
        int n = 0;
        for (Map<String, StoredRecord> vals : byKey.values()) {
            for (StoredRecord r : vals.values()) {
                if (r.live(now)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Incremented by every change; lets the node skip repair work when nothing changed. */
    public synchronized long version() {
        return version;
    }

    private long nextStamp(long now) {
        lastStamp = Math.max(now, lastStamp + 1);
        return lastStamp;
    }
}
