package org.p2psip.om.records;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.types.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay records in the lookup service (paper Sec. 5.2: "the packet relay is registered in the
 * lookup service as RTP port beforehand"). Every peer that offers its RTP-Port as a relay keeps a
 * record under {@code relay:rtp-port} alive (TTL {@value #TTL_SECONDS} s, refreshed every
 * {@value #REFRESH_SECONDS} s, with its spare capacity); an OM that needs a relay picks the live
 * record with the most spare capacity, other than itself and the far end ({@link #find}), or
 * measures the detours through a few candidates ({@link #candidates}: a list cached and refreshed
 * every {@value #CANDIDATES_REFRESH_SECONDS} s in the background, so a call never waits for it;
 * every {@value #EMPTY_RETRY_SECONDS} s while it is still empty, since the first lookup of a peer
 * that has just joined may come before the relays' records reach it).
 */
public final class RelayDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayDirectory.class);
    static final int TTL_SECONDS = 60;
    static final int REFRESH_SECONDS = 20;
    static final int CANDIDATES_REFRESH_SECONDS = 30;
    /** While the cached candidate list is empty, it is looked up again this often. */
    static final int EMPTY_RETRY_SECONDS = 2;
    /** Relay records kept in the cached candidate list at most. */
    static final int MAX_CANDIDATES = 16;

    private final LookupService lookup;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-directory");
        t.setDaemon(true);
        return t;
    });
    /** Per key: the value this peer last stored there. */
    private final java.util.Map<String, String> advertised = new java.util.concurrent.ConcurrentHashMap<>();
    /** The relay records last read, most spare capacity first; refreshed in the background once asked for. */
    private volatile List<PeerRecord> cachedCandidates = List.of();
    /** When the candidate list was last read from the lookup service (System.nanoTime), or 0: never. */
    private volatile long candidatesReadNanos;
    /** When the list was last asked for while empty, and the pause before asking again (doubling up to the refresh interval). */
    private long emptyAskedNanos;
    private long emptyPauseSeconds;
    private final java.util.concurrent.atomic.AtomicBoolean candidatesRefreshing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean refreshSoonPending = new java.util.concurrent.atomic.AtomicBoolean();

    public RelayDirectory(LookupService lookup) {
        this.lookup = lookup;
    }

    /** Starts advertising this peer's RTP-Port; {@code spare} tells its current spare capacity. */
    public void advertise(PeerRecord self, IntSupplier spare) {
        keepAlive(PeerRecord.RELAY_KEY, () -> self.withFree(Math.max(0, spare.getAsInt())).relayValue(), "RTP-Port offered as a relay");
    }

    /** Starts advertising this peer's TCP relay (for peers behind NATs) at {@code relay}. */
    public void advertiseTcpRelay(PeerRecord self, Address relay) {
        PeerRecord r = new PeerRecord(self.nodeId(), self.om(), -1, false, relay);
        keepAlive(PeerRecord.TCP_RELAY_KEY, r::tcpRelayValue, "TCP relay offered to peers behind NATs");
    }

    private void keepAlive(String key, Supplier<String> value, String what) {
        // early refreshes while the ring around a new peer settles, then the steady rhythm
        for (int delay : new int[] {0, 2, 5, 10}) {
            timer.schedule(() -> refresh(key, value, what), delay, TimeUnit.SECONDS);
        }
        timer.scheduleWithFixedDelay(() -> refresh(key, value, what), REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private void refresh(String key, Supplier<String> supplier, String what) {
        try {
            String value = supplier.get();
            String old = advertised.get(key);
            lookup.put(key, value, TTL_SECONDS).get(5, TimeUnit.SECONDS);
            advertised.put(key, value);
            if (old == null) {
                log.info("{} in the lookup service: {} -> {}", what, key, value);
            } else if (!old.equals(value)) {
                lookup.remove(key, old);
            }
        } catch (Exception e) {
            log.warn("could not refresh the record under {}: {}", key, e.getMessage());
        }
    }

    /**
     * A TCP relay for a peer behind a NAT, from the lookup service; waits up to {@code patience}
     * (the public peers may still be starting). Null if none was found.
     */
    public PeerRecord findTcpRelay(java.time.Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                for (String v : lookup.get(PeerRecord.TCP_RELAY_KEY).get(5, TimeUnit.SECONDS)) {
                    try {
                        PeerRecord p = PeerRecord.parse(v);
                        if (p.tcpRelay() != null) {
                            return p;
                        }
                    } catch (IllegalArgumentException e) {
                        log.debug("ignoring TCP relay record {}: {}", v, e.getMessage());
                    }
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.info("looking up a TCP relay: {}", e.getMessage());
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(1000);
        }
    }

    /** The relay with the most spare capacity, excluding {@code exclude} node ids; null if none (asked twice, 1 s apart). */
    public PeerRecord find(Set<String> exclude) {
        PeerRecord r = findOnce(exclude);
        if (r == null) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            r = findOnce(exclude);
        }
        return r;
    }

    private PeerRecord findOnce(Set<String> exclude) {
        List<PeerRecord> all = readRelays();
        if (all == null) {
            return null;
        }
        return all.stream().filter(p -> !exclude.contains(p.nodeId())).findFirst().orElse(null);
    }

    /** The live relay records with spare capacity, most first; null if the lookup failed. */
    private List<PeerRecord> readRelays() {
        List<String> values;
        try {
            values = lookup.get(PeerRecord.RELAY_KEY).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not look up relays: {}", e.getMessage());
            return null;
        }
        List<PeerRecord> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v : values) {
            try {
                PeerRecord p = PeerRecord.parse(v);
                if (p.free() != 0 && !p.nat() && seen.add(p.nodeId())) {
                    out.add(p);
                }
            } catch (IllegalArgumentException e) {
                log.debug("ignoring relay record {}: {}", v, e.getMessage());
            }
        }
        out.sort((a, b) -> Integer.compare(b.free(), a.free()));
        // every successful read refreshes the candidates (a find for a call included)
        cachedCandidates = List.copyOf(out.subList(0, Math.min(MAX_CANDIDATES, out.size())));
        candidatesReadNanos = System.nanoTime();
        return out;
    }

    /**
     * Up to {@code n} relays (most spare capacity first), excluding {@code exclude} node ids, from the
     * cached list: never waits for the lookup service. The first call starts the background refresh
     * (every {@value #CANDIDATES_REFRESH_SECONDS} s; while the list is empty after {@value #EMPTY_RETRY_SECONDS},
     * 4, 8 ... s); until a lookup has found a relay the list is empty.
     */
    public List<PeerRecord> candidates(int n, Set<String> exclude) {
        if (candidatesRefreshing.compareAndSet(false, true)) {
            try {
                timer.scheduleWithFixedDelay(this::refreshCandidatesIfDue, 0, EMPTY_RETRY_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return List.of(); // closed
            }
        }
        return cachedCandidates.stream().filter(p -> !exclude.contains(p.nodeId())).limit(n).toList();
    }

    /**
     * Reads the relay records again in the background, at once unless a read came in the last
     * {@value #EMPTY_RETRY_SECONDS} s (many calls asking at once make one read): a call that wants a
     * relay its cached list lacks (policy always, after its relay failed) need not wait for the
     * {@value #CANDIDATES_REFRESH_SECONDS} s rhythm.
     */
    public void refreshSoon() {
        long read = candidatesReadNanos;
        if (read != 0 && System.nanoTime() - read < TimeUnit.SECONDS.toNanos(EMPTY_RETRY_SECONDS)) {
            return;
        }
        if (refreshSoonPending.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    refreshSoonPending.set(false);
                    readRelays();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                refreshSoonPending.set(false); // closed
            }
        }
    }

    /**
     * Every {@value #EMPTY_RETRY_SECONDS} s: reads the relays again if the cached list is empty (a
     * young ring, or every relay gone) or {@value #CANDIDATES_REFRESH_SECONDS} s old.
     */
    private void refreshCandidatesIfDue() {
        long now = System.nanoTime();
        long read = candidatesReadNanos;
        if (!cachedCandidates.isEmpty()) {
            emptyPauseSeconds = 0;
            if (now - read >= TimeUnit.SECONDS.toNanos(CANDIDATES_REFRESH_SECONDS)) {
                readRelays();
            }
            return;
        }
        // empty: 2, 4, 8 ... s apart (an overlay without relays is not asked every 2 s for ever)
        if (emptyPauseSeconds == 0 || now - emptyAskedNanos >= TimeUnit.SECONDS.toNanos(emptyPauseSeconds)) {
            emptyAskedNanos = now;
            emptyPauseSeconds = emptyPauseSeconds == 0 ? EMPTY_RETRY_SECONDS
                    : Math.min(CANDIDATES_REFRESH_SECONDS, 2 * emptyPauseSeconds);
            readRelays();
        }
    }

    /** Stops refreshing and removes this peer's records. */
    @Override
    public void close() {
        timer.shutdownNow();
        advertised.forEach((key, value) -> {
            try {
                lookup.remove(key, value).get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("record under {} not removed: {}", key, e.getMessage());
            }
        });
    }
}
