package org.p2psip.om.sato;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.RingView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this OM's users' records alive in the lookup service, as the OM does for its relay records:
 * every user registered here and not yet expired has its record {@code user:<name>} stored again
 * with the rest of its registration's TTL at once when the ring as this node sees it changes (size,
 * merges, members unreachable: a neighbour left or died, possibly with every copy of a record), every
 * {@value #FULL_PASS_SECONDS} s, and, checked every {@value #REFRESH_SECONDS} s, when the copy stored
 * last has less than {@value StoredUserRecords#MIN_LEFT_SECONDS} + {@value #REFRESH_SECONDS} s left or
 * none is known ({@link StoredUserRecords#due}): a REGISTER that refreshed a registration did not store
 * it. So a user stays reachable when the nodes holding its record die, without waiting for the phone to
 * register again, and a record is not written every few seconds while nothing in it changes. One daemon
 * thread, stopped by {@link #close()}; at most {@value #MAX_USERS} users.
 */
final class UserRecordKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UserRecordKeeper.class);
    static final int REFRESH_SECONDS = 30;
    /** Every record is stored again this often even if its copy lives on (a loss the ring view did not show). */
    static final int FULL_PASS_SECONDS = 600;
    static final int RING_CHECK_SECONDS = 2;
    static final int MAX_USERS = 100_000;

    private final String peerName;
    private final LookupService lookup;
    private final PeerRecord self;
    private final Supplier<RingView> ring;
    /** User -> when its registration ends (System.nanoTime). */
    private final Map<String, Long> until = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "om-user-record-keeper");
        t.setDaemon(true);
        return t;
    });
    private volatile RingView lastRing;
    private volatile long lastFullPass = System.nanoTime();
    /** Told of every record stored (a REGISTER refreshing a registration whose copy lives on stores nothing). */
    private final StoredUserRecords stored;

    UserRecordKeeper(String peerName, LookupService lookup, PeerRecord self, Supplier<RingView> ring, StoredUserRecords stored) {
        this.stored = stored;
        this.peerName = peerName;
        this.lookup = lookup;
        this.self = self;
        this.ring = ring;
        timer.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::checkRing, RING_CHECK_SECONDS, RING_CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** {@code user} is registered here for {@code ttlSeconds} from now. */
    void registered(String user, int ttlSeconds) {
        if (until.size() >= MAX_USERS && !until.containsKey(user)) {
            log.warn("{}: {} users kept alive already; the record of {} lives only as long as its TTL", peerName, MAX_USERS, user);
            return;
        }
        until.put(user, System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, ttlSeconds)));
    }

    /** True while {@code user}'s record is kept alive here (stored again on the timer and when the ring changes). */
    boolean keeps(String user) {
        return until.containsKey(user);
    }

    void deregistered(String user) {
        until.remove(user);
    }

    private void checkRing() {
        RingView now;
        try {
            now = ring.get();
        } catch (RuntimeException e) {
            return;
        }
        RingView before = lastRing;
        lastRing = now;
        if (now == null || before == null) {
            return;
        }
        if (now.size() != before.size() || now.merges() != before.merges() || now.unreachable() != before.unreachable()) {
            restoreAll("the ring changed (" + before.size() + " -> " + now.size() + " nodes, " + now.unreachable() + " unreachable)");
        }
    }

    /** The timer's pass: every record every {@value #FULL_PASS_SECONDS} s, otherwise those whose copy nears its end. */
    private void refresh() {
        if (System.nanoTime() - lastFullPass >= TimeUnit.SECONDS.toNanos(FULL_PASS_SECONDS)) {
            restoreAll("refresh of every record");
        } else {
            restore("refresh of the records whose copy nears its end", false);
        }
    }

    /** Stores every live user's record again with the rest of its TTL; forgets expired ones. */
    void restoreAll(String why) {
        lastFullPass = System.nanoTime();
        restore(why, true);
    }

    /** Stores the records of live users again ({@code all}, or those {@link StoredUserRecords#due}); forgets expired ones. */
    void restore(String why, boolean all) {
        int count = 0;
        for (Map.Entry<String, Long> e : until.entrySet()) {
            long t = System.nanoTime();
            long left = TimeUnit.NANOSECONDS.toSeconds(e.getValue() - t);
            if (left < 1) {
                until.remove(e.getKey(), e.getValue());
                stored.forget(e.getKey());
                continue;
            }
            if (!all && !stored.due(e.getKey(), t, REFRESH_SECONDS)) {
                continue;
            }
            int ttl = (int) Math.min(Integer.MAX_VALUE, left);
            try {
                lookup.put(PeerRecord.USER_PREFIX + e.getKey(), self.value(), ttl).get(5, TimeUnit.SECONDS);
                stored.stored(e.getKey(), ttl, t);
                count++;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception ex) {
                log.debug("{}: could not store the record of {} again: {}", peerName, e.getKey(), ex.toString());
            }
        }
        if (count > 0) {
            if (all) {
                log.info("{}: stored {} user record(s) again: {}", peerName, count, why);
            } else {
                log.debug("{}: stored {} user record(s) again: {}", peerName, count, why);
            }
        }
    }

    /** Users kept alive now. */
    int size() {
        return until.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        until.clear();
    }

    @Override
    public String toString() {
        return "UserRecordKeeper{" + peerName + ", " + until.size() + " users, ring " + Objects.toString(lastRing) + "}";
    }
}
