package org.p2psip.peer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.RunCa;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

/**
 * The cost of security on the lookup service part of a REGISTER ({@code user.register}: the OM puts
 * {@code user:NAME} -> its peer record, TTL 3600, through the ring with r = 4 copies) and of a call's
 * callee lookup ({@code user.lookup}: a get), secured vs unsecured, side by side in one run: three
 * lookup nodes on loopback as the peers assemble them ({@link PeerSecurity}: mutual TLS, signed
 * records checked by every storing node and by the reader; or plain TCP and unsigned values), the
 * writes from the users' home node, 16 in flight.
 *
 * <p>{@code scripts/bench security [--seconds N] [--users N]}
 */
public final class SecurityCostBenchmark {
    private SecurityCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int users = 500;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--users")) {
                users = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: scripts/bench security [--seconds N] [--users N]");
                System.exit(2);
            }
        }
        Path dir = Files.createTempDirectory("p2psip-security-bench-");
        RunCa ca = RunCa.in(dir);
        String[] names = new String[users];
        for (int i = 0; i < users; i++) {
            names[i] = "u" + i;
        }
        long t0 = System.nanoTime();
        ca.peer("n1", names);
        ca.peer("n2");
        ca.peer("n3");
        System.out.printf(Locale.ROOT, "enrolled 3 peers and %d users at n1 in %.1f s%n", users, (System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "%-12s %12s %12s %14s %14s%n", "mode", "puts/s", "gets/s", "put p50 ms", "get p50 ms");
        for (int round = 0; round < 2; round++) { // the second round is the one to read: both modes warmed up
            for (String mode : new String[] {"unsecured", "tls-only", "signed-only", "secured"}) {
                List<ChordNode> ring = new ArrayList<>();
                try {
                    LookupService home = ring(ring, dir, !mode.equals("unsecured") && !mode.equals("signed-only"),
                            !mode.equals("unsecured") && !mode.equals("tls-only"));
                    Result put = run(seconds, i -> home.put("user:" + names[i % names.length], "0123456789abcdef0123456789abcdef01234567"
                            + "@127.0.0.1:7070", 3600));
                    Result get = run(seconds, i -> home.get("user:" + names[i % names.length]).thenApply(v -> {
                        if (v.isEmpty()) {
                            throw new IllegalStateException("no value under user:" + names[i % names.length]);
                        }
                        return null;
                    }));
                    if (round == 1) {
                        System.out.printf(Locale.ROOT, "%-12s %12.0f %12.0f %14.2f %14.2f%n", mode,
                                put.perSecond, get.perSecond, put.p50Millis, get.p50Millis);
                    }
                } finally {
                    for (ChordNode n : ring) {
                        n.close();
                    }
                }
            }
        }
    }

    /**
     * Three lookup nodes as {@code Peer} assembles them, with mutual TLS ({@code tls}) and signed records
     * ({@code signed}) or not; returns the OM's view of the first.
     */
    private static LookupService ring(List<ChordNode> nodes, Path dir, boolean tls, boolean signed) throws Exception {
        LookupService home = null;
        for (String name : new String[] {"n1", "n2", "n3"}) {
            NodeIdentity id = NodeIdentity.load(RunCa.in(dir).peer(name));
            ChordConfig.Builder b = ChordConfig.builder().listen("127.0.0.1", 0)
                    .security(PeerSecurity.wire(tls ? id : null)).recordRules(PeerSecurity.storeRules(signed ? id : null));
            if (tls) {
                b.nodeId(Id.fromHex(id.nodeId()));
            }
            ChordNode n = new ChordNode(b.build());
            nodes.add(n);
            if (home == null) {
                n.start();
                home = PeerSecurity.records(n, signed ? id : null);
            } else {
                n.join(Address.parse(nodes.get(0).address()));
            }
        }
        Thread.sleep(3000); // stabilised, fingers fixed
        return home;
    }

    private interface Op {
        CompletableFuture<?> start(int i);
    }

    private record Result(double perSecond, double p50Millis) {
    }

    private static Result run(int seconds, Op op) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        int i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long t = System.nanoTime();
            op.start(i++).whenComplete((v, e) -> {
                if (e == null) {
                    done.incrementAndGet();
                    latencies.add(System.nanoTime() - t);
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(16);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " operations failed)");
        }
        List<Long> l = new ArrayList<>(latencies);
        l.sort(null);
        return new Result(done.get() / elapsed, l.isEmpty() ? Double.NaN : l.get(l.size() / 2) / 1e6);
    }
}
