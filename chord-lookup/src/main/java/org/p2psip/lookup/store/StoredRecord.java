package org.p2psip.lookup.store;

import org.p2psip.lookup.ring.Id;

/**
 * One value under one key, or the tombstone of a removed value. Records of the same (key, value)
 * are merged last-writer-wins by {@code stamp} (the wall-clock millisecond at the node that
 * accepted the put or remove, made unique per node); a tombstone keeps a removed value from being
 * resurrected by replica repair and expires with the value it removed.
 *
 * @param expiresAt local wall-clock millisecond at which the record disappears
 */
public record StoredRecord(String key, Id keyId, String value, long stamp, long expiresAt, boolean tombstone) {

    public boolean expired(long now) {
        return now >= expiresAt;
    }

    public boolean live(long now) {
        return !tombstone && !expired(now);
    }

    /** Approximate encoded size, for batching. */
    public int approxBytes() {
        return key.length() * 3 + value.length() * 3 + 32;
    }
}
