package org.p2psip.sip.registrar;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import org.p2psip.sip.message.Responses;
import org.p2psip.sip.overlay.OverlayException;
import org.p2psip.sip.overlay.OverlayLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local registrar of the P2PSIP-Port (draft Sec. 3.1): the real contacts of the users registered
 * here stay in this peer; the lookup service only learns "user -> this peer" ({@code user.register}
 * with a TTL that follows the longest binding, {@code user.deregister} when the last binding goes).
 * One user's updates are serialised; a binding change is committed only after the lookup service
 * stored the record, so a UA never gets a 200 for a registration the overlay does not know. With a
 * {@link BindingJournal} the bindings survive a restart of the port.
 */
public final class Registrar implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);

    private final OverlayLink overlay;
    private final RegistrarPolicy policy;
    private final Map<String, List<Binding>> store = new ConcurrentHashMap<>();
    /** Which users are bound at which address (the forwarding policy's question), kept with {@link #store}. */
    private final BindingAddresses addresses = new BindingAddresses();
    private final KeyedSerializer serial = new KeyedSerializer();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong registrations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** How often changed bindings are written to the journal at most. */
    static final long SAVE_MILLIS = 500;
    private final BindingJournal journal;
    private final java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
    /** The journal is written again no sooner than this (sweeper thread only). */
    private long nextSaveNanos;

    public Registrar(OverlayLink overlay, RegistrarPolicy policy, long sweepMillis) {
        this(overlay, policy, sweepMillis, null);
    }

    /**
     * A registrar whose bindings live on in {@code journal} (null: in memory only): read at start,
     * saved within {@value #SAVE_MILLIS} ms of every change (or nine times as long as the last write took,
     * if that is longer), and the users found there registered with the OM again (its records may have
     * been lost with it).
     */
    public Registrar(OverlayLink overlay, RegistrarPolicy policy, long sweepMillis, BindingJournal journal) {
        this.overlay = overlay;
        this.policy = policy;
        this.journal = journal;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2psip-registrar-expiry");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        if (journal != null) {
            Map<String, List<Binding>> restored = journal.load(System.currentTimeMillis());
            restored.forEach(this::put);
            if (!restored.isEmpty()) {
                log.info("restored {} registered user(s) from {}", restored.size(), journal.file());
                // the OM may have gone down with this port: tell it again (it connects shortly after the start)
                for (long delay : new long[] {2_000, 10_000}) {
                    sweeper.schedule(this::registerRestored, delay, TimeUnit.MILLISECONDS);
                }
            }
            sweeper.scheduleWithFixedDelay(this::saveIfChanged, SAVE_MILLIS, SAVE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void registerRestored() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, List<Binding>> e : store.entrySet()) {
            int ttl = 0;
            for (Binding b : e.getValue()) {
                ttl = Math.max(ttl, b.remainingSeconds(now));
            }
            if (ttl > 0) {
                String user = e.getKey();
                overlay.registerUser(user, ttl).whenComplete((v, x) -> {
                    if (x != null) {
                        log.debug("user.register {} (restored) failed: {}", user, x.getMessage());
                    }
                });
            }
        }
    }

    /**
     * Writes the bindings to the journal if they changed, but not sooner after the last write than nine
     * times what it took: writing is a pass over every binding, and under a REGISTER load with many
     * users (8,000: 10% of a core at 2,000 REGISTER/s) it must not take the core from the REGISTERs.
     */
    private void saveIfChanged() {
        if (System.nanoTime() < nextSaveNanos || !changed.getAndSet(false)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            journal.save(store);
        } catch (IOException | RuntimeException e) {
            changed.set(true);
            log.warn("cannot save the registrar's bindings to {}: {}", journal.file(), e.getMessage());
        }
        long t1 = System.nanoTime();
        nextSaveNanos = t1 + 9 * (t1 - t0);
    }

    public RegistrarPolicy policy() {
        return policy;
    }

    /**
     * Applies one REGISTER of {@code user}: completes with the bindings after it (the 200's Contacts), or
     * with the SIP error of {@link BindingUpdate.Result}; a lookup-service failure gives 503.
     */
    public CompletableFuture<BindingUpdate.Result> register(String user, BindingUpdate.Request request) {
        return serial.submit(user, () -> {
            long now = System.currentTimeMillis();
            List<Binding> current = live(store.getOrDefault(user, List.of()), now);
            BindingUpdate.Result r = BindingUpdate.apply(current, request, now, policy);
            if (!r.isOk() || r.bindings() == current) {
                return CompletableFuture.completedFuture(r);
            }
            List<Binding> next = r.bindings();
            if (next.isEmpty()) {
                remove(user);
                changed.set(true);
                if (current.isEmpty()) {
                    return CompletableFuture.completedFuture(r);
                }
                log.debug("{} deregistered", user);
                return overlay.deregisterUser(user).handle((v, e) -> {
                    if (e != null) {
                        log.warn("user.deregister {} failed (the record expires by its TTL): {}", user, e.getMessage());
                    }
                    return r;
                });
            }
            int ttl = 0;
            for (Binding b : next) {
                ttl = Math.max(ttl, b.remainingSeconds(now));
            }
            return overlay.registerUser(user, ttl).handle((v, e) -> {
                if (e != null) {
                    failures.incrementAndGet();
                    String why = e instanceof OverlayException ? e.getMessage()
                            : e.getCause() != null ? e.getCause().getMessage() : e.toString();
                    log.info("REGISTER {} refused: lookup service did not store the record: {}", user, why);
                    return BindingUpdate.Result.error(503, "Service Unavailable (lookup service: " + Responses.reason(why) + ")");
                }
                put(user, next);
                changed.set(true);
                registrations.incrementAndGet();
                return r;
            });
        });
    }

    /** The live bindings of {@code user}, best q first. */
    public List<Binding> lookup(String user) {
        List<Binding> all = store.get(user);
        if (all == null) {
            return List.of();
        }
        List<Binding> out = new ArrayList<>(live(all, System.currentTimeMillis()));
        out.sort((a, b) -> Float.compare(q(b), q(a)));
        return out;
    }

    private static float q(Binding b) {
        return b.q() < 0 ? 1.0f : b.q();
    }

    /**
     * Whether a live binding of any user has its contact or its flow (the REGISTER's source) at
     * {@code host:port}: a next hop the forwarding policy accepts. A look-up in the address index,
     * then a check of the bindings it names (an expired one does not count).
     */
    public boolean isRegisteredAddress(String host, int port) {
        long now = System.currentTimeMillis();
        String key = BindingAddresses.key(host, port);
        for (String user : addresses.usersAt(host, port)) {
            for (Binding b : store.getOrDefault(user, List.of())) {
                if (b.isLive(now) && BindingAddresses.keysOf(b).contains(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Stores {@code user}'s bindings (one user's changes are serialised) and indexes their addresses. */
    private void put(String user, List<Binding> bindings) {
        List<Binding> before = store.put(user, bindings);
        addresses.changed(user, before == null ? List.of() : before, bindings);
    }

    private void remove(String user) {
        List<Binding> before = store.remove(user);
        if (before != null) {
            addresses.changed(user, before, List.of());
        }
    }

    /** The binding whose contact is {@code uri} (in-dialog requests to a UA behind a NAT), or null. */
    public Binding findByContact(URI uri) {
        if (!(uri instanceof SipURI) || ((SipURI) uri).getUser() == null) {
            return null;
        }
        for (Binding b : lookup(((SipURI) uri).getUser())) {
            if (b.uri().equals(uri)) {
                return b;
            }
        }
        return null;
    }

    private static List<Binding> live(List<Binding> all, long now) {
        for (Binding b : all) {
            if (!b.isLive(now)) {
                List<Binding> out = new ArrayList<>(all.size());
                for (Binding x : all) {
                    if (x.isLive(now)) {
                        out.add(x);
                    }
                }
                return out;
            }
        }
        return all;
    }

    /** Removes expired bindings; a user without any left is deregistered from the lookup service. */
    void sweep() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, List<Binding>> e : store.entrySet()) {
            if (live(e.getValue(), now) == e.getValue()) {
                continue;
            }
            String user = e.getKey();
            serial.submit(user, () -> {
                long t = System.currentTimeMillis();
                List<Binding> cur = store.get(user);
                if (cur == null) {
                    return CompletableFuture.completedFuture(null);
                }
                List<Binding> left = live(cur, t);
                changed.set(true);
                if (!left.isEmpty()) {
                    put(user, left);
                    return CompletableFuture.completedFuture(null);
                }
                remove(user);
                log.debug("registration of {} expired", user);
                return overlay.deregisterUser(user).handle((v, x) -> {
                    if (x != null) {
                        log.info("user.deregister {} after expiry failed (the record expires by its TTL): {}", user, x.getMessage());
                    }
                    return null;
                });
            });
        }
    }

    public int users() {
        return store.size();
    }

    public int bindings() {
        int n = 0;
        for (List<Binding> l : store.values()) {
            n += l.size();
        }
        return n;
    }

    public long registrationsAccepted() {
        return registrations.get();
    }

    public long registrationsFailed() {
        return failures.get();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (journal != null && changed.getAndSet(false)) {
            try {
                journal.save(store);
            } catch (IOException | RuntimeException e) {
                log.warn("cannot save the registrar's bindings to {}: {}", journal.file(), e.getMessage());
            }
        }
    }
}
