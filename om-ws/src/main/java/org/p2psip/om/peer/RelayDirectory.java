package org.p2psip.om.peer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.p2psip.lookup.LookupService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay records in the lookup service (paper Sec. 5.2: "the packet relay is registered in the
 * lookup service as RTP port beforehand"). Every peer that offers its RTP-Port as a relay keeps a
 * record under {@code relay:rtp-port} alive (TTL {@value #TTL_SECONDS} s, refreshed every
 * {@value #REFRESH_SECONDS} s, with its spare capacity); an OM that needs a relay picks the live
 * record with the most spare capacity, other than itself and the far end.
 */
final class RelayDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayDirectory.class);
    static final int TTL_SECONDS = 60;
    static final int REFRESH_SECONDS = 20;

    private final LookupService lookup;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-directory");
        t.setDaemon(true);
        return t;
    });
    private volatile String advertised;

    RelayDirectory(LookupService lookup) {
        this.lookup = lookup;
    }

    /** Starts advertising this peer's RTP-Port; {@code spare} tells its current spare capacity. */
    void advertise(PeerRecord self, IntSupplier spare) {
        // early refreshes while the ring around a new peer settles, then the steady rhythm
        for (int delay : new int[] {0, 2, 5, 10}) {
            timer.schedule(() -> refresh(self, spare), delay, TimeUnit.SECONDS);
        }
        timer.scheduleWithFixedDelay(() -> refresh(self, spare), REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private void refresh(PeerRecord self, IntSupplier spare) {
        try {
            String value = new PeerRecord(self.nodeId(), self.om(), Math.max(0, spare.getAsInt())).relayValue();
            String old = advertised;
            lookup.put(PeerRecord.RELAY_KEY, value, TTL_SECONDS).get(5, TimeUnit.SECONDS);
            advertised = value;
            if (old == null) {
                log.info("RTP-Port offered as a relay in the lookup service: {} -> {}", PeerRecord.RELAY_KEY, value);
            } else if (!old.equals(value)) {
                lookup.remove(PeerRecord.RELAY_KEY, old);
            }
        } catch (Exception e) {
            log.warn("could not refresh the relay record: {}", e.getMessage());
        }
    }

    /** The relay with the most spare capacity, excluding {@code exclude} node ids; null if none (asked twice, 1 s apart). */
    PeerRecord find(Set<String> exclude) {
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
        List<String> values;
        try {
            values = lookup.get(PeerRecord.RELAY_KEY).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not look up relays: {}", e.getMessage());
            return null;
        }
        PeerRecord best = null;
        for (String v : values) {
            try {
                PeerRecord p = PeerRecord.parse(v);
                if (!exclude.contains(p.nodeId()) && p.free() != 0 && (best == null || p.free() > best.free())) {
                    best = p;
                }
            } catch (IllegalArgumentException e) {
                log.debug("ignoring relay record {}: {}", v, e.getMessage());
            }
        }
        return best;
    }

    /** Stops refreshing and removes this peer's record. */
    @Override
    public void close() {
        timer.shutdownNow();
        String a = advertised;
        if (a != null) {
            try {
                lookup.remove(PeerRecord.RELAY_KEY, a).get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("relay record not removed: {}", e.getMessage());
            }
        }
    }
}
