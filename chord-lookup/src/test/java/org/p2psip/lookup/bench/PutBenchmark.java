package org.p2psip.lookup.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;

/**
 * Put throughput of a small loopback TCP ring (not a test): {@code scripts/bench dht puts [--nodes 3]
 * [--in-flight 64] [--puts 50000] [--rounds 3] [--repair-ms 300]}. The ring is the one the P2PSIP-Port benchmark
 * stores user records in (successor list 3: every put stored at the owner and replicated to the two
 * other nodes; maintenance running every 100-300 ms). One node issues the puts, at most
 * {@code in-flight} at a time, as an Overlay Manager with that many workers would. Prints puts/s,
 * median and p99 put latency, and the CPU the whole JVM used per put.
 */
public final class PutBenchmark {
    private PutBenchmark() {
    }

    /** Repair interval of the ring (ms); the P2PSIP-Port test ring uses 300. */
    private static int repairMs = 300;

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int nodes = 3;
        int inFlight = 64;
        int puts = 50_000;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "puts":
                    break;
                case "--nodes":
                    nodes = Integer.parseInt(args[++i]);
                    break;
                case "--in-flight":
                    inFlight = Integer.parseInt(args[++i]);
                    break;
                case "--puts":
                    puts = Integer.parseInt(args[++i]);
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                case "--repair-ms":
                    repairMs = Integer.parseInt(args[++i]);
                    break;
                default:
                    System.err.println("usage: PutBenchmark [--nodes N] [--in-flight K] [--puts P] [--rounds R] [--repair-ms MS]");
                    System.exit(2);
            }
        }
        run(nodes, inFlight, puts, rounds);
        System.exit(0);
    }

    /** The TestOverlay ring of the P2PSIP-Port tests and benchmark. */
    static ChordConfig ringConfig() {
        return ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(3)
                .stabilizeInterval(Duration.ofMillis(100)).checkPredecessorInterval(Duration.ofMillis(200))
                .fixFingersInterval(Duration.ofMillis(250)).repairInterval(Duration.ofMillis(repairMs))
                .rpcTimeout(Duration.ofMillis(2000)).build();
    }

    static void run(int n, int inFlight, int puts, int rounds) throws Exception {
        List<ChordNode> ring = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ChordNode c = new ChordNode(ringConfig());
                if (i == 0) {
                    c.start();
                } else {
                    c.join(ring.get(0).ref().toAddress());
                }
                ring.add(c);
            }
            for (int k = 0; k < 5; k++) {
                for (ChordNode c : ring) {
                    c.stabilizeNow();
                    c.fixFingersNow();
                }
            }
            ChordNode client = ring.get(0);
            System.out.printf(Locale.ROOT, "Puts through node 0 of a %d-node loopback TCP ring (successor list 3), %d in flight, %d per round, %d cores%n",
                    n, inFlight, puts, Runtime.getRuntime().availableProcessors());
            System.out.println("round    puts/s   median ms   p99 ms   max ms   failed   CPU us/put");
            load(client, inFlight, Math.min(puts, 20_000), "warm", -1);
            for (int r = 0; r < rounds; r++) {
                load(client, inFlight, puts, "r" + r, r);
            }
            long total = 0;
            StringBuilder views = new StringBuilder();
            for (ChordNode c : ring) {
                total += c.status().values();
                views.append(' ').append(c.status().successors().size());
            }
            long keys = Math.min(puts, 20_000) + (long) puts;
            System.out.printf(Locale.ROOT, "copies held in the ring: %d of %d (%d keys x %d holders); successors known per node:%s%n",
                    total, keys * Math.min(3, n), keys, Math.min(3, n), views);
        } finally {
            for (ChordNode c : ring) {
                c.close();
            }
        }
    }

    private static void load(ChordNode client, int inFlight, int puts, String label, int round) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        long[] lat = new long[puts];
        AtomicLong failed = new AtomicLong();
        CompletableFuture<?>[] all = new CompletableFuture<?>[puts];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < puts; i++) {
            window.acquire();
            int idx = i;
            long s = System.nanoTime();
            all[i] = client.put("user:u" + (round < 0 ? "w" : "") + i, "peer-a-record-" + i, 3600).whenComplete((v, e) -> {
                lat[idx] = System.nanoTime() - s;
                if (e != null) {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).get(120, TimeUnit.SECONDS);
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "%-5s  %8.0f   %9.3f  %7.2f  %7.1f   %6d   %10.0f%n", label, puts / secs, lat[puts / 2] / 1e6,
                lat[(int) Math.ceil(0.99 * puts) - 1] / 1e6, lat[puts - 1] / 1e6, failed.get(), cpu / 1e3 / puts);
    }
}
