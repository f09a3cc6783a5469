package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.UserDeregister;
import org.p2psip.control.message.UserLookup;
import org.p2psip.control.message.UserLookupAnswer;
import org.p2psip.control.message.UserRegister;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.types.RingView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User records in the lookup service, stored and looked up for the P2PSIP-Port (interface 3 as
 * the paper has it: ports reach the lookup service only through their OM). {@code user.register}
 * puts {@code user:<name>} -> this peer's record with the registration's TTL, {@code user.deregister}
 * removes it, {@code user.lookup} answers the records found. The records of the users registered
 * here are stored again on a timer and when the ring changes ({@link UserRecordKeeper}); a REGISTER
 * that only refreshes a registration whose record lives on is answered without storing it again
 * ({@link StoredUserRecords}): the keeper stores it with the new TTL.
 */
final class UserRecords {
    /** The call ladder's recorder (the peer's web view); {@link CallSteps#NONE} unless one is set. */
    volatile CallSteps steps = CallSteps.NONE;
    private static final Logger log = LoggerFactory.getLogger(UserRecords.class);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long a user lookup may take while ring members stop answering (a partition forming) before
     * the caller hears 480: each lookup step or holder beyond the cut costs an RPC timeout, and the
     * caller must hear within 5 s that the callee is out of reach, signalling SATO attempt included.
     */
    static final Duration PARTITION_LOOKUP_BUDGET = Duration.ofMillis(2500);

    private final String peerName;
    private final LookupService lookup;
    private final PeerRecord self;
    private final java.util.function.Supplier<RingView> ring;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Stores the records of the users registered here again on a timer and when the ring changes. */
    private final UserRecordKeeper keeper;
    /** Until when the copies of the records stored last live: a REGISTER that refreshes one does not store it again. */
    private final StoredUserRecords stored = new StoredUserRecords();
    private final AtomicLong refreshesNotStored = new AtomicLong();
    private final AtomicLong storedAtRegister = new AtomicLong();
    /** Seconds between attempts to store a record that could not be stored at REGISTER. */
    static final int RETRY_SECONDS = 2;
    /** Records stored in the background at most. */
    static final int MAX_PENDING = 10_000;
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "om-user-records");
        t.setDaemon(true);
        return t;
    });

    UserRecords(String peerName, LookupService lookup, PeerRecord self) {
        this(peerName, lookup, self, () -> null);
    }

    /** {@code ring}: the lookup ring as this node sees it (null: not known), to answer 480 rather than 404 in a partition. */
    UserRecords(String peerName, LookupService lookup, PeerRecord self, java.util.function.Supplier<RingView> ring) {
        this.ring = ring;
        this.peerName = peerName;
        this.lookup = lookup;
        this.self = self;
        this.keeper = new UserRecordKeeper(peerName, lookup, self, ring, stored);
    }

    Set<String> registered() {
        return Set.copyOf(registered);
    }

    ControlMessage register(ControlMessage r) throws ControlException {
        UserRegister req = UserRegister.from(r);
        String user = req.user();
        int ttl = Math.max(1, req.ttlSeconds());
        long now = System.nanoTime();
        if (isRefresh(user, ttl, now)) {
            // a refresh: the record is the same and lives on; the keeper stores it again with the new TTL
            refreshesNotStored.incrementAndGet();
        } else {
            store(user, ttl, now);
        }
        keeper.registered(user, ttl);
        if (registered.add(user)) {
            Flow.step(peerName, "P2PSIP-Port: REGISTER {} -> OM stores user record user:{} -> {} in the DHT (TTL {} s)",
                    user, user, self.shortId(), ttl);
        }
        return ControlMessage.responseTo(r);
    }

    /**
     * Whether {@code user.register} request {@code r} only refreshes a registration whose record lives on
     * (it will be answered without storing anything); false for anything else, malformed requests included.
     */
    boolean refreshes(ControlMessage r) {
        try {
            UserRegister req = UserRegister.from(r);
            return isRefresh(req.user(), Math.max(1, req.ttlSeconds()), System.nanoTime());
        } catch (ControlException | RuntimeException e) {
            return false;
        }
    }

    /** {@code user} is kept alive here and the copy stored last lives on past a registration of {@code ttl} s. */
    private boolean isRefresh(String user, int ttl, long now) {
        return keeper.keeps(user) && stored.stillStored(user, ttl, now);
    }

    private void store(String user, int ttl, long now) throws ControlException {
        try {
            await(lookup.put(PeerRecord.USER_PREFIX + user, self.value(), ttl), "store the user record of " + user);
            stored.stored(user, ttl, now);
            storedAtRegister.incrementAndGet();
        } catch (ControlException e) {
            RingView ring = this.ring.get();
            if (ring == null || ring.unreachable() == 0 || !storeLater(user, ttl)) {
                throw e;
            }
            // ring members stop answering (a partition forming): this peer serves its user now and stores the
            // record as soon as its part of the ring has closed (each side serves its own users)
            log.info("{}: user record of {} not stored yet ({}); registered here, stored in the background", peerName, user,
                    e.getMessage());
        }
    }

    /** REGISTERs that refreshed a registration whose record lives on, answered without storing it again. */
    long refreshesNotStored() {
        return refreshesNotStored.get();
    }

    /** REGISTERs whose user record was stored in the lookup service before the answer. */
    long storedAtRegister() {
        return storedAtRegister.get();
    }

    /**
     * Stores the user record of {@code user} in the background, every {@value #RETRY_SECONDS} s until it
     * is stored or its TTL has passed; false if too many are pending already.
     */
    private boolean storeLater(String user, int ttl) {
        if (pending.size() >= MAX_PENDING && !pending.containsKey(user)) {
            return false;
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, ttl));
        ScheduledFuture<?> old = pending.put(user, retries.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() > until || !registered.contains(user)) {
                cancelPending(user);
                return;
            }
            try {
                long t = System.nanoTime();
                long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(until - t));
                lookup.put(PeerRecord.USER_PREFIX + user, self.value(), (int) left).get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                stored.stored(user, (int) left, t);
                log.info("{}: user record of {} stored in the lookup service (after a failed attempt)", peerName, user);
                cancelPending(user);
            } catch (Exception e) {
                log.debug("{}: user record of {} still not stored: {}", peerName, user, e.toString());
            }
        }, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS));
        if (old != null) {
            old.cancel(false);
        }
        return true;
    }

    private void cancelPending(String user) {
        ScheduledFuture<?> f = pending.remove(user);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Stores every live user's record again now, as the keeper does when the ring changes. */
    void storeAllAgain(String why) {
        keeper.restoreAll(why);
    }

    /** Stores the records whose copy nears its end again now, as the keeper does on its timer. */
    void storeDueAgain() {
        keeper.restore("test", false);
    }

    /** Stops storing records in the background (the peer is stopping). */
    void close() {
        keeper.close();
        retries.shutdownNow();
        pending.clear();
    }

    ControlMessage deregister(ControlMessage r) throws ControlException {
        String user = UserDeregister.from(r).user();
        cancelPending(user);
        stored.forget(user);
        keeper.deregistered(user);
        await(lookup.remove(PeerRecord.USER_PREFIX + user, self.value()), "remove the user record of " + user);
        registered.remove(user);
        Flow.step(peerName, "P2PSIP-Port: {} deregistered -> OM removed user:{} from the DHT", user, user);
        return ControlMessage.responseTo(r);
    }

    ControlMessage lookup(ControlMessage r) throws ControlException {
        UserLookup asked = UserLookup.from(r);
        String user = asked.user();
        String call = asked.call();
        if (call != null) {
            steps.step(call, null, CallSteps.PORT, CallSteps.OM, "user.lookup " + user, "the P2PSIP-Port asks which peer serves " + user);
            steps.step(call, null, CallSteps.OM, CallSteps.LOOKUP, "lookup user:" + user, "get user:" + user + " from the Chord ring");
        }
        List<String> values;
        try {
            values = awaitLookup(lookup.get(PeerRecord.USER_PREFIX + user), user);
        } catch (ControlException e) {
            RingView ring = this.ring.get();
            if (ring != null && ring.unreachable() > 0) {
                // the lookup failed while ring members stop answering (a partition forming): the user's part
                // of the overlay is out of reach, not the service down
                throw new ControlException(ErrorCode.PEER_UNREACHABLE, e.getMessage() + "; " + ring.unreachable()
                        + " ring member(s) unreachable");
            }
            throw e;
        }
        List<String> peers = new ArrayList<>();
        List<String> selves = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String v : values) {
            PeerRecord p;
            try {
                p = PeerRecord.parse(v);
            } catch (IllegalArgumentException e) {
                log.warn("ignoring a malformed user record under user:{}: {}", user, e.getMessage());
                continue;
            }
            peers.add(v);
            if (p.nodeId().equals(self.nodeId())) {
                selves.add(v);
            }
            found.add(p.shortId());
        }
        if (found.isEmpty()) {
            RingView ring = this.ring.get();
            if (ring != null && ring.partitioned()) {
                // not a user nobody registered: the part of the overlay that may hold the record is cut off
                Flow.step(peerName, "P2PSIP-Port: DHT lookup user:{} -> not found; {} ring member(s) unreachable (480)",
                        user, ring.unreachable());
                throw new ControlException(ErrorCode.PEER_UNREACHABLE, user + " is not registered in this part of the overlay: "
                        + ring.unreachable() + " of its peers are unreachable (a network partition?)");
            }
        }
        Flow.step(peerName, "P2PSIP-Port: DHT lookup user:{} -> {}", user, found.isEmpty() ? "not registered (404)" : found);
        if (call != null) {
            steps.step(call, null, CallSteps.LOOKUP, CallSteps.OM, found.isEmpty() ? "not found" : "found " + found,
                    "user:" + user + " -> " + (peers.isEmpty() ? "nothing (404)" : String.join(", ", peers)));
        }
        return new UserLookupAnswer(peers, selves).answer(r);
    }

    /** Removes the records of every user still registered here (the peer is stopping). */
    void removeAll() {
        keeper.close(); // it must not store them again
        for (String user : registered()) {
            try {
                lookup.remove(PeerRecord.USER_PREFIX + user, self.value()).get(3, TimeUnit.SECONDS);
                log.info("{}: deregistered {} from the lookup service", peerName, user);
            } catch (Exception e) {
                log.warn("{}: could not remove the user record of {}: {}", peerName, user, e.getMessage());
            }
        }
    }

    /**
     * Waits for a user lookup: at most {@link #PARTITION_LOOKUP_BUDGET} while (or once) ring members are
     * unreachable, then it fails with PEER_UNREACHABLE (480) and the lookup ends in the background with
     * its own RPC timeouts; otherwise up to {@link #LOOKUP_TIMEOUT}.
     */
    private List<String> awaitLookup(CompletableFuture<List<String>> f, String user) throws ControlException {
        String what = "look up user " + user;
        try {
            return f.get(PARTITION_LOOKUP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            RingView ring = this.ring.get();
            if (ring != null && ring.unreachable() > 0) {
                throw new ControlException(ErrorCode.PEER_UNREACHABLE, "lookup of user " + user + " did not finish within "
                        + PARTITION_LOOKUP_BUDGET.toMillis() + " ms while " + ring.unreachable()
                        + " ring member(s) are unreachable (a network partition?)");
            }
        } catch (ExecutionException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service: could not " + what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted: could not " + what);
        }
        return await(f, what, LOOKUP_TIMEOUT.minus(PARTITION_LOOKUP_BUDGET));
    }

    private static <T> T await(CompletableFuture<T> f, String what) throws ControlException {
        return await(f, what, LOOKUP_TIMEOUT);
    }

    private static <T> T await(CompletableFuture<T> f, String what, Duration timeout) throws ControlException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service did not answer in time: could not " + what);
        } catch (ExecutionException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service: could not " + what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted: could not " + what);
        }
    }
}
