package org.p2psip.lookup.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.lookup.wire.InProcessNetwork;

/**
 * The lookup service benchmark (not a test): {@code scripts/bench dht [hops|latency] [--max-nodes N] [--lookups L]};
 * {@code scripts/bench dht puts ...} runs {@link PutBenchmark} (put throughput of a small ring).
 *
 * <ul>
 *   <li>hops: mean and 99th-percentile lookup hops for N = 8, 16, ..., 1024 next to 1/2 log2 N (the
 *       Chord paper's figure). N up to 64 on real loopback TCP, above on the in-process transport
 *       (same node code, payloads still encoded). Rings are built by real joins; maintenance
 *       (stabilize, fix-fingers) is driven by hand so that every N is measured on a converged ring.
 *       Also the heap used by the 1,024-node ring.</li>
 *   <li>latency: on a 16-node TCP ring (default maintenance running), median and p99 latency and
 *       rate of sequential lookups from one client: a ring node's own lookup, a ring node's get
 *       (lookup + fetch), and a {@link RemoteLookupClient} get through a ring node.</li>
 * </ul>
 */
public final class DhtBenchmark {
    private DhtBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the nodes log every join and ring change at INFO; the benchmark prints its own figures
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        if (args.length > 0 && args[0].equals("puts")) {
            PutBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String mode = "all";
        int maxNodes = 1024;
        int lookups = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "hops":
                case "latency":
                case "all":
                    mode = args[i];
                    break;
                case "--max-nodes":
                    maxNodes = Integer.parseInt(args[++i]);
                    break;
                case "--lookups":
                    lookups = Integer.parseInt(args[++i]);
                    break;
                default:
                    System.err.println("usage: DhtBenchmark [hops|latency|all] [--max-nodes N] [--lookups L]"
                            + " | puts [--nodes N] [--in-flight K] [--puts P] [--rounds R] [--repair-ms MS]");
                    System.exit(2);
            }
        }
        if (!mode.equals("latency")) {
            hops(maxNodes, lookups);
        }
        if (!mode.equals("hops")) {
            latency(lookups * 2);
        }
    }

    // ---- hops ----------------------------------------------------------------------------------------

    private static ChordConfig manualConfig() {
        return ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(4)
                .maintenanceInterval(Duration.ZERO).rpcTimeout(Duration.ofSeconds(5)).build();
    }

    private static void hops(int maxNodes, int lookups) throws Exception {
        System.out.println("Lookup hops (hops = nodes asked for the next routing step; 0 when the origin knows the answer)");
        System.out.println("    N  transport   mean    p99   max  1/2 log2 N  target<=  goal<=  wrong  build s  heap MiB");
        Random rnd = new Random(1);
        for (int n = 8; n <= maxNodes; n *= 2) {
            boolean tcp = n <= 64;
            InProcessNetwork net = new InProcessNetwork();
            List<ChordNode> nodes = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                buildRing(nodes, n, tcp, net, rnd);
                double buildS = (System.nanoTime() - t0) / 1e9;
                List<NodeRef> sorted = new ArrayList<>();
                for (ChordNode c : nodes) {
                    sorted.add(c.ref());
                }
                sorted.sort(Comparator.comparing(NodeRef::id));
                int count = Math.max(lookups, 0);
                int[] h = new int[count];
                int wrong = 0;
                for (int i = 0; i < count; i++) {
                    Id key = Id.hash("bench-key-" + n + "-" + i);
                    ChordNode from = nodes.get(rnd.nextInt(n));
                    LookupResult r = from.findSuccessor(key);
                    h[i] = r.hops();
                    if (!r.owner().equals(successorOf(sorted, key))) {
                        wrong++;
                    }
                }
                Arrays.sort(h);
                double mean = Arrays.stream(h).average().orElse(0);
                int p99 = h[(int) Math.ceil(0.99 * count) - 1];
                double half = 0.5 * Math.log(n) / Math.log(2);
                String heap = "";
                if (n == 1024 || n == maxNodes) {
                    heap = String.format(Locale.ROOT, "%8.0f", usedHeapMiB());
                }
                System.out.printf(Locale.ROOT, "%5d  %-9s  %5.2f  %5d  %4d  %10.2f  %8.2f  %6.2f  %5d  %7.1f  %s  %s%n",
                        n, tcp ? "tcp" : "in-proc", mean, p99, h[count - 1], half, half + 1, half + 0.5, wrong, buildS,
                        heap, mean <= half + 0.5 ? "goal met" : mean <= half + 1 ? "target met" : "TARGET MISSED");
            } finally {
                for (ChordNode c : nodes) {
                    c.close();
                }
            }
        }
        System.out.println("(max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB)");
    }

    private static NodeRef successorOf(List<NodeRef> sorted, Id key) {
        for (NodeRef r : sorted) {
            if (r.id().compareTo(key) >= 0) {
                return r;
            }
        }
        return sorted.get(0);
    }

    /** N real joins; after each, the new node and its predecessor stabilise; then all nodes stabilise and fix fingers. */
    private static void buildRing(List<ChordNode> nodes, int n, boolean tcp, InProcessNetwork net, Random rnd)
            throws Exception {
        for (int i = 0; i < n; i++) {
            ChordNode c = tcp ? new ChordNode(manualConfig()) : new ChordNode(manualConfig(), net.transport());
            if (nodes.isEmpty()) {
                c.start();
            } else {
                Address via = nodes.get(rnd.nextInt(nodes.size())).ref().toAddress();
                c.join(via);
            }
            nodes.add(c);
            if (nodes.size() > 1) {
                predecessorOf(nodes, c).stabilizeNow();
                c.stabilizeNow();
            }
        }
        for (int round = 0; round < 5; round++) {
            for (ChordNode c : nodes) {
                c.stabilizeNow();
            }
        }
        for (ChordNode c : nodes) {
            c.fixFingersNow();
        }
    }

    private static ChordNode predecessorOf(List<ChordNode> nodes, ChordNode c) {
        ChordNode best = null;
        for (ChordNode o : nodes) {
            if (o == c) {
                continue;
            }
            if (best == null || o.id().distanceTo(c.id()).compareTo(best.id().distanceTo(c.id())) < 0) {
                best = o;
            }
        }
        return best;
    }

    private static double usedHeapMiB() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }

    // ---- latency -------------------------------------------------------------------------------------

    private interface Op {
        void run(int i) throws Exception;
    }

    private static void latency(int count) throws Exception {
        List<ChordNode> nodes = new ArrayList<>();
        try {
            ChordConfig cfg = ChordConfig.builder().listen("127.0.0.1", 0).build();
            for (int i = 0; i < 16; i++) {
                ChordNode c = new ChordNode(cfg);
                if (nodes.isEmpty()) {
                    c.start();
                } else {
                    c.join(nodes.get(0).ref().toAddress());
                }
                nodes.add(c);
            }
            // let default maintenance converge, then make sure every finger table is complete
            Thread.sleep(3000);
            for (ChordNode c : nodes) {
                c.stabilizeNow();
            }
            for (ChordNode c : nodes) {
                c.fixFingersNow();
            }
            int keys = 1000;
            for (int i = 0; i < keys; i++) {
                nodes.get(i % 16).put("bench-" + i, "value-" + i, 3600).get();
            }
            System.out.println();
            System.out.println("Latency, one client, sequential, N = 16 nodes on loopback TCP (" + count + " operations each)");
            System.out.println("operation                          median ms   p99 ms    ops/s   mean hops");
            ChordNode client = nodes.get(5);
            long[] hops = new long[1];
            measure("ring node lookup (findSuccessor)", count, i -> hops[0] += client.findSuccessor(Id.hash("bench-" + (i % keys))).hops(), hops);
            hops[0] = -1;
            measure("ring node get (lookup + fetch)", count, i -> client.get("bench-" + (i % keys)).get(), hops);
            try (RemoteLookupClient rc = new RemoteLookupClient(nodes.get(7).ref().toAddress())) {
                measure("RemoteLookupClient get via a node", count, i -> rc.getSync("bench-" + (i % keys)), hops);
            }
        } finally {
            for (ChordNode c : nodes) {
                c.close();
            }
        }
    }

    private static void measure(String name, int count, Op op, long[] hops) throws Exception {
        for (int i = 0; i < Math.min(2000, count); i++) {
            op.run(i);
        }
        boolean countHops = hops[0] >= 0;
        hops[0] = countHops ? 0 : -1;
        long[] t = new long[count];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long s = System.nanoTime();
            op.run(i);
            t[i] = System.nanoTime() - s;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "%-33s  %9.3f  %7.3f  %7.0f   %s%n", name, t[count / 2] / 1e6,
                t[(int) Math.ceil(0.99 * count) - 1] / 1e6, count / secs,
                countHops ? String.format(Locale.ROOT, "%.2f", (double) hops[0] / count) : "-");
    }
}
