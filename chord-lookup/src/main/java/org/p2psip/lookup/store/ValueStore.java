package org.p2psip.lookup.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's local part of the DHT: for every key id, the key's values with their expiry times and
 * tombstones. Thread-safe. Ordered by key id so that ranges of the ring can be read and handed over
 * without scanning the whole store. Keys are assumed not to collide under SHA-1.
 *
 * <p>The store remembers which keys records from other nodes ({@link #merge}) changed since the last
 * {@link #drainChanged()}, so that replica repair pushes only what changed. Puts and removes accepted
 * here ({@link #put}, {@link #remove}) are not remembered: the node replicates them at once.
 *
 * <p>Bounded by its {@link StoreLimits}: a put of a new value beyond them is refused with
 * VALUE_TOO_LARGE and a message naming the limit; a replica beyond them is not stored (logged).
 */
public final class ValueStore {
    private static final Logger log = LoggerFactory.getLogger(ValueStore.class);
    private final NavigableMap<Id, Map<String, StoredRecord>> byKey = new TreeMap<>();
    private final StoreLimits limits;
    /**
     * The writer of each value put here by a known writer (key id and value identity -> writer), and
     * how many each has: bounded by the records held.
     */
    private final Map<String, String> writers = new HashMap<>();
    private final Map<String, Integer> byWriter = new HashMap<>();
    /** Records held (values and tombstones) and their bytes as {@link StoreLimits#size} counts them. */
    private int records;
    private long bytes;
    private long refusedMerges;

    /** A store within {@link StoreLimits#DEFAULT} that admits everything (an unsecured overlay). */
    public ValueStore() {
        this(StoreLimits.DEFAULT, RecordRules.NONE);
    }

    public ValueStore(StoreLimits limits) {
        this(limits, RecordRules.NONE);
    }

    public ValueStore(RecordRules rules) {
        this(StoreLimits.DEFAULT, rules);
    }

    public ValueStore(StoreLimits limits, RecordRules rules) {
        this.limits = limits;
        this.rules = rules;
    }
    private Set<Id> changed = new HashSet<>();
    private long lastStamp;
    private long version;
    /** No record expires before this (a lower bound): purging before it has nothing to do. */
    private long nextExpiry = Long.MAX_VALUE;
    /** What this store admits (secured overlay: signed values only, see {@link RecordRules}). */
    private final RecordRules rules;


    /** A new record for a put accepted here: stamped now, expiring after {@code ttlMillis}. */
    public synchronized StoredRecord put(String key, String value, long ttlMillis, long now) {
        return put(key, value, ttlMillis, now, null);
    }

    /**
     * A put accepted here from {@code writer} (null: not known, not counted): refused with
     * VALUE_TOO_LARGE when it would be a new value beyond the writer's
     * {@link StoreLimits#maxValuesPerWriter()} on this node.
     */
    public synchronized StoredRecord put(String key, String value, long ttlMillis, long now, String writer) {
        RecordRules.Admission a = rules.admit(key, value, false, now);
        StoredRecord r = a == null ? new StoredRecord(key, Id.hash(key), value, nextStamp(now), now + ttlMillis, false)
                : new StoredRecord(key, Id.hash(key), value, a.storageTime(), Math.min(now + ttlMillis, a.expiresAt()), false);
        String refused = refusal(r);
        String tag = tag(r);
        if (refused == null && writer != null && !writer.equals(writers.get(tag))
                && byWriter.getOrDefault(writer, 0) >= limits.maxValuesPerWriter()) {
            refused = writer + " already has " + byWriter.get(writer) + " values on this node, the most one writer may have";
        }
        if (refused != null) {
            throw new LookupException(LookupException.Reason.VALUE_TOO_LARGE, refused);
        }
        if (apply(r) && writer != null) {
            untag(tag);
            writers.put(tag, writer);
            byWriter.merge(writer, 1, Integer::sum);
        }
        return r;
    }

    /** Values each writer has here now (the writers with any). */
    public synchronized Map<String, Integer> valuesByWriter() {
        return new HashMap<>(byWriter);
    }

    private String tag(StoredRecord r) {
        return r.keyId().toHex() + "\n" + rules.identity(r.value());
    }

    /** The record under {@code tag} no longer counts for its writer. */
    private void untag(String tag) {
        String w = writers.remove(tag);
        if (w != null) {
            byWriter.computeIfPresent(w, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Why {@code r} may not be stored here (a new record beyond the {@link StoreLimits}), or null. A
     * record that replaces one held for the same key and value is always taken.
     */
    private String refusal(StoredRecord r) {
        Map<String, StoredRecord> vals = byKey.get(r.keyId());
        if (vals != null && vals.containsKey(rules.identity(r.value()))) {
            return null;
        }
        if (vals != null && vals.size() >= limits.maxRecordsPerKey()) {
            return "key '" + r.key() + "' already holds " + vals.size() + " values, the most one key may hold on this node";
        }
        if (vals != null && vals.size() >= rules.maxValuesPerKey(r.key())) {
            return "key '" + r.key() + "' already holds " + vals.size() + " values, the most a key of its kind may hold";
        }
        if (records >= limits.maxRecords() || bytes + StoreLimits.size(r) > limits.maxBytes()) {
            return "this node's store is full (" + records + " records, " + bytes + " bytes; at most " + limits.maxRecords()
                    + " records, " + limits.maxBytes() + " bytes)";
        }
        return null;
    }

    /**
     * A tombstone for a remove accepted here. It lives as long as the value it removes would have
     * (a week when the value is unknown here, so that a stray replica cannot bring it back).
     */
    public synchronized StoredRecord remove(String key, String value, long now) {
        RecordRules.Admission a = rules.admit(key, value, true, now);
        Id id = Id.hash(key);
        Map<String, StoredRecord> vals = byKey.get(id);
        StoredRecord old = vals == null ? null : vals.get(rules.identity(value));
        long expires = old != null && !old.expired(now) ? old.expiresAt() : now + Limits.MAX_TTL_SECONDS * 1000L;
        StoredRecord t = new StoredRecord(key, id, value, a == null ? nextStamp(now) : a.storageTime(), expires, true);
        if (refusal(t) == null && apply(t)) { // a tombstone for a value not held here, beyond the limits, is not kept
            untag(tag(t)); // a removed value no longer counts for its writer
        }
        return t;
    }

    /**
     * Merges a record from another node: the higher stamp wins. True when something changed; the key
     * is then remembered as changed (see {@link #drainChanged()}).
     */
    public synchronized boolean merge(StoredRecord r) {
        long now = System.currentTimeMillis();
        RecordRules.Admission a;
        try {
            a = rules.admit(r.key(), r.value(), r.tombstone(), now);
        } catch (LookupException e) {
            log.warn("refused a {} under {} from another node: {}", r.tombstone() ? "removal" : "value", r.key(), e.getMessage());
            return false;
        }
        if (a != null) {
            // the writer's signed storage time orders the record, not the sender's stamp
            r = new StoredRecord(r.key(), r.keyId(), r.value(), a.storageTime(), Math.min(r.expiresAt(), a.expiresAt()), r.tombstone());
        }
        String refused = refusal(r);
        if (refused != null) {
            if (refusedMerges++ % 1000 == 0) {
                log.warn("not storing a replica under '{}': {} ({} refused so far)", r.key(), refused, refusedMerges);
            }
            return false;
        }
        if (!apply(r)) {
            return false;
        }
        changed.add(r.keyId());
        return true;
    }

    private boolean apply(StoredRecord r) {
        Map<String, StoredRecord> vals = byKey.computeIfAbsent(r.keyId(), k -> new HashMap<>());
        String identity = rules.identity(r.value());
        StoredRecord old = vals.get(identity);
        // the same stamp is the same put or remove (its expiry may differ by transit time): keep ours;
        // should two nodes ever stamp alike, the tombstone wins
        if (old != null && (old.stamp() > r.stamp() || (old.stamp() == r.stamp() && (old.tombstone() || !r.tombstone())))) {
            return false;
        }
        StoredRecord prev = vals.put(identity, r);
        if (prev == null) {
            records++;
            bytes += StoreLimits.size(r);
        } else {
            bytes += StoreLimits.size(r) - StoreLimits.size(prev);
        }
        nextExpiry = Math.min(nextExpiry, r.expiresAt());
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

    /**
     * The key ids that records from other nodes ({@link #merge}) changed since the last call, and
     * forgets them.
     */
    public synchronized Set<Id> drainChanged() {
        Set<Id> out = changed;
        changed = new HashSet<>();
        return out;
    }

    /** Unexpired records (values and tombstones) of one key id. */
    public synchronized List<StoredRecord> records(Id keyId, long now) {
        Map<String, StoredRecord> vals = byKey.get(keyId);
        List<StoredRecord> out = new ArrayList<>();
        if (vals != null) {
            for (StoredRecord r : vals.values()) {
                if (!r.expired(now)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Unexpired records whose key id lies in the circular interval (from, to] ((a, a] is the whole
     * circle), in ring order starting after {@code from}. Reads only that part of the store.
     */
    public synchronized List<StoredRecord> recordsIn(Id from, Id to, long now) {
        List<StoredRecord> out = new ArrayList<>();
        for (Map<String, StoredRecord> vals : range(from, to)) {
            for (StoredRecord r : vals.values()) {
                if (!r.expired(now)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The first key id held in the circular interval (from, to], in ring order after {@code from}; null if none. */
    public synchronized Id firstKeyIn(Id from, Id to) {
        int c = from.compareTo(to);
        if (c < 0) {
            Id k = byKey.higherKey(from);
            return k != null && k.compareTo(to) <= 0 ? k : null;
        }
        Id k = byKey.higherKey(from);
        if (k != null) {
            return k;
        }
        k = byKey.isEmpty() ? null : byKey.firstKey();
        return k != null && (c == 0 || k.compareTo(to) <= 0) ? k : null;
    }

    /** How many key ids are held (with any record, expired ones until purged). */
    public synchronized int keyCount() {
        return byKey.size();
    }

    /**
     * Up to {@code max} key ids in ring order after {@code after} (from the lowest when null),
     * wrapping round, each at most once.
     */
    public synchronized List<Id> keysAfter(Id after, int max) {
        List<Id> out = new ArrayList<>(Math.min(max, byKey.size()));
        Iterable<Id> first = after == null ? byKey.keySet() : byKey.tailMap(after, false).keySet();
        for (Id id : first) {
            if (out.size() >= max) {
                return out;
            }
            out.add(id);
        }
        if (after != null) {
            for (Id id : byKey.headMap(after, true).keySet()) {
                if (out.size() >= max) {
                    break;
                }
                out.add(id);
            }
        }
        return out;
    }

    /** True when some key id is held in the circular interval (from, to]. */
    public synchronized boolean anyKeyIn(Id from, Id to) {
        return firstKeyIn(from, to) != null;
    }

    /** The per-key maps of the circular interval (from, to], in ring order after {@code from}. */
    private List<Map<String, StoredRecord>> range(Id from, Id to) {
        List<Map<String, StoredRecord>> out = new ArrayList<>();
        if (from.compareTo(to) < 0) {
            out.addAll(byKey.subMap(from, false, to, true).values());
        } else {
            out.addAll(byKey.tailMap(from, false).values());
            // from == to: the whole circle, ending with the key at from itself
            out.addAll(byKey.headMap(to, true).values());
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
            Map<String, StoredRecord> vals = byKey.remove(id);
            if (vals != null) {
                for (StoredRecord r : vals.values()) {
                    forget(r);
                }
                version++;
            }
        }
    }

    /** Drops these records, each only while it is still the one held for its key and value (same stamp). */
    public synchronized void dropExactly(Iterable<StoredRecord> recs) {
        for (StoredRecord r : recs) {
            Map<String, StoredRecord> vals = byKey.get(r.keyId());
            String identity = rules.identity(r.value());
            if (vals != null && vals.get(identity) != null && vals.get(identity).stamp() == r.stamp()
                    && vals.get(identity).tombstone() == r.tombstone()) {
                forget(vals.remove(identity));
                if (vals.isEmpty()) {
                    byKey.remove(r.keyId());
                }
                version++;
            }
        }
    }

    /** Forgets expired values and tombstones; returns how many records went. */
    public synchronized int purgeExpired(long now) {
        if (now < nextExpiry) {
            return 0;
        }
        int n = 0;
        long next = Long.MAX_VALUE;
        for (Iterator<Map<String, StoredRecord>> it = byKey.values().iterator(); it.hasNext(); ) {
            Map<String, StoredRecord> vals = it.next();
            for (Iterator<StoredRecord> v = vals.values().iterator(); v.hasNext(); ) {
                StoredRecord r = v.next();
                if (r.expired(now)) {
                    v.remove();
                    forget(r);
                    n++;
                } else {
                    next = Math.min(next, r.expiresAt());
                }
            }
            if (vals.isEmpty()) {
                it.remove();
            }
        }
        nextExpiry = next;
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

    private void forget(StoredRecord r) {
        records--;
        bytes -= StoreLimits.size(r);
        if (!writers.isEmpty()) {
            untag(tag(r));
        }
    }

    /** Records held now (values and tombstones, expired ones until purged). */
    public synchronized int recordCount() {
        return records;
    }

    private long nextStamp(long now) {
        lastStamp = Math.max(now, lastStamp + 1);
        return lastStamp;
    }
}
