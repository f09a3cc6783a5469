package org.p2psip.experiment.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.ring.Id;

/**
 * One churn run, as Rhea et al. measured Bamboo ("Handling churn in a DHT", USENIX 2004): a ring of
 * {@code nodes} in-process nodes with their maintenance running in real time; every node fails (crashes,
 * without a word) after a session time drawn from an exponential distribution with the given median,
 * and a fresh node joins in its place through a random live node, so the ring keeps its size. Meanwhile
 * lookups of random keys start from random live nodes (four lookup threads, each pausing
 * {@value #LOOKUP_PAUSE_MS} ms between lookups). A lookup answers the key's owner and its successors;
 * a put or get then goes to the first of them that answers (a failed one costs the RPC timeout, which is
 * added to the lookup's latency), as Bamboo's recursive lookups end at a live node. The lookup is
 * <em>consistent</em> when that node is the oracle's owner ({@link SortedRing} of the live nodes) when it
 * started or when it ended, or a node still joining that the ring already routes to and that owns the key
 * among the live nodes and itself (the oracle lists a node once its join has returned); stricter, it <em>named the owner</em> when its first answer already was.
 * Failed nodes do not answer ({@link CrashNetwork}): requests to them cost the RPC timeout.
 *
 * <p>Owns its nodes, the churn thread, the join pool and the lookup threads; everything is stopped
 * and closed before {@link #run()} returns.
 */
final class ChurnRun {
    private static final int LATENCY_SAMPLES = 200_000;
    private static final int LOOKUP_THREADS = 4;
    /**
     * Joins under way at once, at most: each fresh node joins on its own, as on a host of its own (with
     * only 2, joins that wait out the timeouts of failed nodes fell behind the failures at 10x and the
     * ring shrank to a fraction of its size during the run).
     */
    private static final int JOIN_THREADS = 16;
    private static final int LOOKUP_PAUSE_MS = 10;

    /** What one run measured. Latencies in ms; lookups = consistent + wrong + failed. */
    record Result(int multiple, double medianSeconds, int nodes, long consistent, long ownerNamed, long wrong, long failed, long originFailed,
                  double latencyMedianMs, double latencyP99Ms, double meanHops, int failures, int joins, int joinFailures) {
        long lookups() {
            return consistent + wrong + failed;
        }

        double consistentPercent() {
            return lookups() == 0 ? 0 : 100.0 * consistent / lookups();
        }

        /** Lookups whose first answer was the live owner, in per cent. */
        double ownerNamedPercent() {
            return lookups() == 0 ? 0 : 100.0 * ownerNamed / lookups();
        }
    }

    /** A node and when its session ends. */
    private record Death(long atNanos, ChordNode node) implements Comparable<Death> {
        @Override
        public int compareTo(Death o) {
            return Long.compare(atNanos, o.atNanos);
        }
    }

    private final int nodes;
    private final int multiple;
    private final Duration stabilize;
    private final Duration measure;
    private final ChordConfig config;
    private final Consumer<String> progress;
    private final CrashNetwork net = new CrashNetwork();
    private final SortedRing oracle = new SortedRing();
    private final PriorityBlockingQueue<Death> deaths = new PriorityBlockingQueue<>();
    private final double meanSessionNanos;
    private volatile boolean churning;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger joins = new AtomicInteger();
    private final AtomicInteger joinFailures = new AtomicInteger();
    private final AtomicLong consistent = new AtomicLong();
    private final AtomicLong ownerNamed = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong originFailed = new AtomicLong();
    private final AtomicLong hops = new AtomicLong();
    private final long[] latencyNanos = new long[LATENCY_SAMPLES];
    private final AtomicInteger latencyCount = new AtomicInteger();
    private final List<ChordNode> joining = new ArrayList<>();

    /**
     * @param multiple  the median session time in stabilization intervals
     * @param stabilize the stabilization interval; the other maintenance intervals and the RPC timeout
     *                  keep their production ratios to it (see {@link #config(Duration)})
     */
    ChurnRun(int nodes, int multiple, Duration stabilize, Duration measure, Consumer<String> progress) {
        this.nodes = nodes;
        this.multiple = multiple;
        this.stabilize = stabilize;
        this.measure = measure;
        this.config = config(stabilize);
        this.progress = progress;
        this.meanSessionNanos = stabilize.toNanos() * (double) multiple / Math.log(2);
    }

    /**
     * The production configuration scaled to {@code stabilize} (production: 500 ms): check predecessor
     * and fix fingers every 2 intervals, repair every 10, ring unification every 6, RPC timeout 4.
     */
    static ChordConfig config(Duration stabilize) {
        return ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(LookupHops.R)
                .stabilizeInterval(stabilize)
                .checkPredecessorInterval(stabilize.multipliedBy(2))
                .fixFingersInterval(stabilize.multipliedBy(2))
                .repairInterval(stabilize.multipliedBy(10))
                .unifyInterval(stabilize.multipliedBy(6))
                .rpcTimeout(stabilize.multipliedBy(4))
                .build();
    }

    Result run() throws Exception {
        ExecutorService lookupPool = Executors.newFixedThreadPool(LOOKUP_THREADS, daemon("churn-lookup"));
        Thread churn = new Thread(this::churnLoop, "churn-deaths");
        churn.setDaemon(true);
        try {
            build();
            long end = System.nanoTime() + measure.toNanos();
            for (ChordNode n : oracle.members()) {
                deaths.add(new Death(System.nanoTime() + session(), n));
            }
            churning = true;
            churn.start();
            for (int i = 0; i < LOOKUP_THREADS; i++) {
                lookupPool.execute(() -> lookupLoop(end));
            }
            lookupPool.shutdown();
            lookupPool.awaitTermination(measure.toSeconds() + 120, TimeUnit.SECONDS);
            churning = false;
            churn.interrupt();
            churn.join(60_000);
        } finally {
            churning = false;
            churn.interrupt();
            lookupPool.shutdownNow();
            oracle.members().forEach(ChordNode::close);
            synchronized (joining) {
                joining.forEach(ChordNode::close);
            }
        }
        int n = Math.min(latencyCount.get(), LATENCY_SAMPLES);
        long[] lat = Arrays.copyOf(latencyNanos, n);
        Arrays.sort(lat);
        long done = consistent.get() + wrong.get();
        return new Result(multiple, stabilize.toMillis() * multiple / 1000.0, nodes, consistent.get(), ownerNamed.get(), wrong.get(), failed.get(),
                originFailed.get(), n == 0 ? Double.NaN : lat[(n - 1) / 2] / 1e6,
                n == 0 ? Double.NaN : lat[(int) Math.ceil(0.99 * n) - 1] / 1e6,
                done == 0 ? Double.NaN : hops.get() / (double) done, failures.get(), joins.get(), joinFailures.get());
    }

    /** The ring of {@code nodes}, joined one by one, until it matches the oracle. */
    private void build() throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < nodes; i++) {
            ChordNode c = new ChordNode(config, net.transport());
            ChordNode via = oracle.any();
            if (via == null) {
                c.start();
            } else {
                c.join(via.ref().toAddress());
            }
            oracle.add(c);
        }
        long deadline = System.nanoTime() + Math.max(30_000, stabilize.toMillis() * nodes * 2) * 1_000_000L;
        while (!LookupHops.stable(oracle.members(), oracle)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the churn experiment's ring of " + nodes + " nodes did not stabilise before churn started");
            }
            Thread.sleep(stabilize.toMillis());
        }
        Thread.sleep(config.fixFingersInterval().toMillis() * 2); // every finger table refreshed at least once
        progress.accept(String.format(java.util.Locale.ROOT, "churn %dx: ring of %d nodes stable in %.1f s; median session %.1f s, measuring %d s",
                multiple, nodes, (System.nanoTime() - t0) / 1e9, stabilize.toMillis() * multiple / 1000.0, measure.toSeconds()));
    }

    private long session() {
        return (long) (-meanSessionNanos * Math.log(1 - ThreadLocalRandom.current().nextDouble()));
    }

    /** Ends sessions as they fall due; each failure is followed by a join in the node's place. */
    private void churnLoop() {
        // at most one waiting join per node of the ring; beyond that the churn thread joins the node itself
        ExecutorService joinPool = new java.util.concurrent.ThreadPoolExecutor(JOIN_THREADS, JOIN_THREADS, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(nodes), daemon("churn-join"),
                new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
        try {
            while (churning) {
                Death d = deaths.peek();
                long now = System.nanoTime();
                if (d == null || d.atNanos() > now) {
                    long wait = d == null ? 20 : Math.min(20, (d.atNanos() - now) / 1_000_000 + 1);
                    Thread.sleep(wait);
                    continue;
                }
                deaths.poll();
                oracle.remove(d.node());
                net.crash(d.node().ref().toAddress());
                d.node().kill();
                failures.incrementAndGet();
                joinPool.execute(this::replace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            joinPool.shutdownNow();
            try {
                joinPool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A fresh node joins through a random live one (up to three tries, each through another node). */
    private void replace() {
        for (int attempt = 0; attempt < 3 && churning; attempt++) {
            ChordNode via = oracle.any();
            if (via == null) {
                return;
            }
            ChordNode c = new ChordNode(config, net.transport());
            synchronized (joining) {
                joining.add(c);
            }
            try {
                c.join(via.ref().toAddress());
                if (!churning) {
                    c.close();
                    return;
                }
                oracle.add(c);
                deaths.add(new Death(System.nanoTime() + session(), c));
                joins.incrementAndGet();
                return;
            } catch (Exception e) {
                joinFailures.incrementAndGet();
                c.close();
            } finally {
                synchronized (joining) {
                    joining.remove(c);
                }
            }
        }
    }

    /** Lookups of random keys from random live nodes until {@code end}, each checked against the oracle. */
    private void lookupLoop(long end) {
        long seq = 0;
        String prefix = "churn-" + Thread.currentThread().getName() + "-";
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            ChordNode origin = oracle.any();
            if (origin == null) {
                return;
            }
            Id key = Id.hash(prefix + seq++);
            NodeRef before = oracle.owner(key);
            long t0 = System.nanoTime();
            LookupResult r;
            try {
                r = origin.findSuccessor(key);
            } catch (LookupException e) {
                if (oracle.contains(origin)) {
                    failed.incrementAndGet();
                } else {
                    originFailed.incrementAndGet(); // its node failed meanwhile: no lookup to judge
                }
                pause();
                continue;
            }
            long took = System.nanoTime() - t0;
            NodeRef after = oracle.owner(key);
            NodeRef reached = null;
            for (NodeRef h : r.successors()) {
                if (!net.crashed(h.toAddress())) {
                    reached = h;
                    break;
                }
                took += config.rpcTimeout().toNanos(); // the put or get would wait for the failed holder
            }
            if (reached == null) {
                failed.incrementAndGet();
                pause();
                continue;
            }
            if (r.owner().equals(before) || r.owner().equals(after)) {
                ownerNamed.incrementAndGet();
            }
            if (reached.equals(before) || reached.equals(after) || joiningOwner(reached, key)) {
                consistent.incrementAndGet();
            } else {
                wrong.incrementAndGet();
            }
            hops.addAndGet(r.hops());
            pause();
            int i = latencyCount.getAndIncrement();
            if (i < LATENCY_SAMPLES) {
                latencyNanos[i] = took;
            }
        }
    }

    /**
     * Whether {@code n} is a node still joining (its {@code join} has not returned, so the oracle does not
     * list it yet) that the ring already routes to, and it owns {@code key} among the live nodes and itself.
     */
    private boolean joiningOwner(NodeRef n, Id key) {
        boolean isJoining = false;
        synchronized (joining) {
            for (ChordNode c : joining) {
                if (c.isJoined() && c.ref().equals(n)) {
                    isJoining = true;
                    break;
                }
            }
        }
        if (!isJoining) {
            return false;
        }
        NodeRef owner = oracle.owner(key);
        ChordNode pred = owner == null ? null : oracle.predecessorOf(owner.id());
        return owner != null && key.inHalfOpen(pred == null ? owner.id() : pred.ref().id(), n.id()) && n.id().inOpen(
                pred == null ? owner.id() : pred.ref().id(), owner.id());
    }

    private static void pause() {
        try {
            Thread.sleep(LOOKUP_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
