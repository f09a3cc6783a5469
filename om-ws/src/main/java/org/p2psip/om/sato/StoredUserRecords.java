package org.p2psip.om.sato;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Until when the copy of each user record this OM last stored in the lookup service lives, so that a
 * REGISTER that only refreshes a registration does not write the lookup service again (the way a
 * registrar with a database writes a refresh back on its own schedule, not through to the database):
 * the record {@code user:<name>} -> this peer is the same before and after, and the
 * {@link UserRecordKeeper} stores it again, with the rest of its registration's TTL, before its copy
 * ends ({@link #due}), every {@value UserRecordKeeper#FULL_PASS_SECONDS} s and when the ring changes. A record is
 * {@linkplain #stillStored still stored} only while its copy lives at least {@value #MIN_LEFT_SECONDS} s
 * more (the keeper passes by more than once before it expires) and the registration does not end
 * before it (a put with the shorter TTL shortens the record). When the ring changes the keeper stores
 * every record again (copies may have gone with the nodes that held them); REGISTERs meanwhile do not
 * (that would double the writes while the ring is in trouble). At most
 * {@value UserRecordKeeper#MAX_USERS} users: beyond, every REGISTER writes the lookup service as before.
 */
final class StoredUserRecords {
    /** A copy with less life left than this is stored again at the next REGISTER. */
    static final int MIN_LEFT_SECONDS = 120;

    /** User -> when the copy stored last expires (System.nanoTime). */
    private final Map<String, Long> until = new ConcurrentHashMap<>();

    /** The record of {@code user} was stored with a TTL of {@code ttlSeconds}, counted from {@code storedAtNanos}. */
    void stored(String user, int ttlSeconds, long storedAtNanos) {
        if (until.size() >= UserRecordKeeper.MAX_USERS && !until.containsKey(user)) {
            return;
        }
        until.put(user, storedAtNanos + TimeUnit.SECONDS.toNanos(ttlSeconds));
    }

    /**
     * True when the copy of {@code user}'s record stored last lives at least {@value #MIN_LEFT_SECONDS} s
     * after {@code nowNanos} and no longer than a registration of {@code ttlSeconds} from then: a REGISTER
     * need not store it again.
     */
    boolean stillStored(String user, int ttlSeconds, long nowNanos) {
        Long end = until.get(user);
        if (end == null) {
            return false;
        }
        long left = end - nowNanos;
        return left >= TimeUnit.SECONDS.toNanos(MIN_LEFT_SECONDS) && left <= TimeUnit.SECONDS.toNanos(ttlSeconds);
    }

    /**
     * True when the record of {@code user} must be stored again before {@code passSeconds} from
     * {@code nowNanos}, for a REGISTER in between to find it {@linkplain #stillStored still stored}: no copy
     * is known or it has less than {@value #MIN_LEFT_SECONDS} + {@code passSeconds} s left.
     */
    boolean due(String user, long nowNanos, int passSeconds) {
        Long end = until.get(user);
        return end == null || end - nowNanos < TimeUnit.SECONDS.toNanos(MIN_LEFT_SECONDS + passSeconds);
    }

    /** The record of {@code user} was removed, or may be: the next REGISTER stores it. */
    void forget(String user) {
        until.remove(user);
    }

    int size() {
        return until.size();
    }
}
