package org.p2psip.experiment.scale;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;

/**
 * What one peer's lookup service does per second for REGISTERs: the P2PSIP-Port answers a REGISTER
 * once its OM has put the user record ({@code user:<user>}) into the lookup service, stored at the key's
 * owner and replicated to its r-1 successors. This measures such puts through one node of a 3-node
 * loopback TCP ring (successor list 3: every put stored and replicated to the two other nodes, the
 * ring of the P2PSIP-Port's benchmark), {@value #IN_FLIGHT} in flight as an OM's workers issue them,
 * after a warm-up; the three nodes share this JVM and its cores, so the rate is what one machine
 * does for the whole put path (routing, owner, replicas). The puts are REGISTERs of {@value #USERS}
 * users over and over (each a refresh of the user's record once every user has registered, as the
 * re-REGISTERs the estimate counts), so that the stores stay within their limit of records per node
 * ({@code StoreLimits}, 50,000: fresh names at thousands a second would fill it within the warm-up).
 */
final class RegisterCapacity {
    static final int IN_FLIGHT = 64;
    private static final int TTL_SECONDS = 3600;
    /** Distinct users registering (each node of the 3-node ring holds every record). */
    static final int USERS = 20_000;

    /** Puts per second, how many failed, the seconds measured and the cores the JVM had. */
    record Result(double putsPerSecond, long puts, long failed, double seconds, int cores) {
    }

    private final Duration warmUp;
    private final Duration measure;

    RegisterCapacity(Duration warmUp, Duration measure) {
        this.warmUp = warmUp;
        this.measure = measure;
    }

    Result run() throws Exception {
        List<ChordNode> ring = new ArrayList<>();
        try {
            ChordConfig cfg = ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(3).build();
            for (int i = 0; i < 3; i++) {
                ChordNode c = new ChordNode(cfg);
                if (ring.isEmpty()) {
                    c.start();
                } else {
                    c.join(ring.get(0).ref().toAddress());
                }
                ring.add(c);
            }
            SortedRing oracle = new SortedRing();
            ring.forEach(oracle::add);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!LookupHops.stable(ring, oracle)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the 3-node ring for the REGISTER capacity did not stabilise in 30 s");
                }
                Thread.sleep(100);
            }
            ChordNode peer = ring.get(0);
            putFor(peer, warmUp);
            AtomicLong failed = new AtomicLong();
            long t0 = System.nanoTime();
            long puts = putFor(peer, measure, failed);
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Result(puts / secs, puts, failed.get(), secs, ManagementFactory.getOperatingSystemMXBean().getAvailableProcessors());
        } finally {
            ring.forEach(ChordNode::close);
        }
    }

    private static long putFor(ChordNode peer, Duration d) throws InterruptedException {
        return putFor(peer, d, new AtomicLong());
    }

    /** Puts {@code user:userN}, N going round the {@value #USERS} users, through {@code peer} for {@code d}; returns how many were acknowledged. */
    private static long putFor(ChordNode peer, Duration d, AtomicLong failed) throws InterruptedException {
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + d.toNanos();
        long i = 0;
        while (System.nanoTime() < end) {
            window.acquire();
            peer.put("user:user" + (i++ % USERS), "0123456789abcdef0123456789abcdef01234567@192.0.2.1:8080", TTL_SECONDS)
                    .whenComplete((v, e) -> {
                        if (e == null) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        window.release();
                    });
        }
        if (!window.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("puts still unanswered 30 s after the REGISTER capacity run");
        }
        return ok.get();
    }
}
