package org.p2psip.experiment.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.wire.InProcessNetwork;

/**
 * Lookup hops against ring size: rings of N = 8, 16, ... nodes built by real joins, with Chord's
 * maintenance (stabilize, fix fingers) driven by hand until every node's successors and predecessor
 * match the {@link SortedRing} oracle; then lookups of random keys from random nodes, each owner
 * checked against the oracle. Real TCP on loopback up to {@code tcpMax} nodes (one ring per N); above
 * that one in-process ring ({@link InProcessNetwork}: the same node code, payloads still encoded,
 * no sockets) grown by doubling and measured at each size. Also the heap the largest ring holds.
 */
final class LookupHops {
    /** r: the successor-list length of the production default. */
    static final int R = 4;

    /** One ring size's figures; {@code hops} sorted. */
    record Row(int n, String transport, int lookups, double mean, int median, int p99, int max, int wrong) {
        double halfLog2() {
            return 0.5 * Math.log(n) / Math.log(2);
        }
    }

    /** The figures and the heap the largest in-process ring held (NaN when none was built). */
    record Result(List<Row> rows, double heapBytesPerNode, int heapNodes) {
    }

    private final int maxNodes;
    private final int tcpMax;
    private final int lookups;
    private final Consumer<String> progress;
    private final Random random = new Random(18);

    LookupHops(int maxNodes, int tcpMax, int lookups, Consumer<String> progress) {
        this.maxNodes = maxNodes;
        this.tcpMax = tcpMax;
        this.lookups = lookups;
        this.progress = progress;
    }

    private static ChordConfig manualConfig() {
        return ChordConfig.builder().listen("127.0.0.1", 0).successorListSize(R)
                .maintenanceInterval(Duration.ZERO).rpcTimeout(Duration.ofSeconds(5)).build();
    }

    Result run() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int n = 8; n <= Math.min(tcpMax, maxNodes); n *= 2) {
            List<ChordNode> nodes = new ArrayList<>();
            SortedRing oracle = new SortedRing();
            try {
                grow(nodes, oracle, n, null);
                rows.add(measure(nodes, oracle, "tcp"));
            } finally {
                nodes.forEach(ChordNode::close);
            }
        }
        int first = 8;
        while (first <= tcpMax) {
            first *= 2;
        }
        if (first > maxNodes) {
            return new Result(rows, Double.NaN, 0);
        }
        long before = usedHeap();
        InProcessNetwork net = new InProcessNetwork();
        List<ChordNode> nodes = new ArrayList<>();
        SortedRing oracle = new SortedRing();
        double perNode = Double.NaN;
        int heapNodes = 0;
        try {
            for (int n = first; n <= maxNodes; n *= 2) {
                grow(nodes, oracle, n, net);
                rows.add(measure(nodes, oracle, "in-process"));
            }
            heapNodes = nodes.size();
            perNode = (usedHeap() - before) / (double) heapNodes;
        } finally {
            nodes.forEach(ChordNode::close);
        }
        return new Result(rows, perNode, heapNodes);
    }

    /** Joins nodes until there are {@code n}, then drives maintenance until the ring matches the oracle. */
    private void grow(List<ChordNode> nodes, SortedRing oracle, int n, InProcessNetwork net) throws Exception {
        long t0 = System.nanoTime();
        while (nodes.size() < n) {
            ChordNode c = net == null ? new ChordNode(manualConfig()) : new ChordNode(manualConfig(), net.transport());
            if (nodes.isEmpty()) {
                c.start();
            } else {
                c.join(nodes.get(random.nextInt(nodes.size())).ref().toAddress());
            }
            nodes.add(c);
            oracle.add(c);
            ChordNode pred = oracle.predecessorOf(c.id());
            if (pred != null) {
                pred.stabilizeNow();
                c.stabilizeNow();
            }
        }
        int rounds = 0;
        while (!stable(nodes, oracle)) {
            if (++rounds > 30) {
                throw new IllegalStateException("a ring of " + n + " nodes did not stabilise in 30 rounds of stabilize");
            }
            nodes.forEach(ChordNode::stabilizeNow);
        }
        nodes.forEach(ChordNode::fixFingersNow);
        progress.accept(String.format(java.util.Locale.ROOT, "ring of %d nodes (%s) built and stable in %.1f s", n,
                net == null ? "tcp" : "in-process", (System.nanoTime() - t0) / 1e9));
    }

    /** Every node's successor list and predecessor are the oracle's. */
    static boolean stable(List<ChordNode> nodes, SortedRing oracle) {
        for (ChordNode c : nodes) {
            NodeStatus s = c.status();
            if (!s.successors().equals(oracle.successorsOf(c.id(), R))) {
                return false;
            }
            ChordNode pred = oracle.predecessorOf(c.id());
            if (pred != null && !pred.ref().equals(s.predecessor())) {
                return false;
            }
        }
        return true;
    }

    private Row measure(List<ChordNode> nodes, SortedRing oracle, String transport) {
        int[] h = new int[lookups];
        int wrong = 0;
        for (int i = 0; i < lookups; i++) {
            Id key = Id.hash("scale-key-" + nodes.size() + "-" + i);
            LookupResult r = nodes.get(random.nextInt(nodes.size())).findSuccessor(key);
            h[i] = r.hops();
            NodeRef want = oracle.owner(key);
            if (!r.owner().equals(want)) {
                wrong++;
            }
        }
        Arrays.sort(h);
        double mean = Arrays.stream(h).average().orElse(0);
        return new Row(nodes.size(), transport, lookups, mean, h[(lookups - 1) / 2], h[(int) Math.ceil(0.99 * lookups) - 1],
                h[lookups - 1], wrong);
    }

    /** Heap in use after garbage collection (as far as {@code System.gc()} gets it). */
    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
