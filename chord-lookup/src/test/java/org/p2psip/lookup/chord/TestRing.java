package org.p2psip.lookup.chord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.p2psip.lookup.ring.Id;

/** A ring of real TCP nodes on loopback for tests, with fast maintenance, and an oracle of where keys belong. */
public final class TestRing implements AutoCloseable {
    public static final int R = 4;
    private final List<ChordNode> live = new ArrayList<>();
    private final List<ChordNode> all = new ArrayList<>();
    private final List<NodeRef> external = new ArrayList<>();
    private final Random random = new Random(42);

    public static ChordConfig.Builder fastConfig() {
        return ChordConfig.builder()
                .listen("127.0.0.1", 0)
                .successorListSize(R)
                .stabilizeInterval(Duration.ofMillis(100))
                .checkPredecessorInterval(Duration.ofMillis(200))
                .fixFingersInterval(Duration.ofMillis(250))
                .repairInterval(Duration.ofMillis(300))
                .rpcTimeout(Duration.ofMillis(1000));
    }

    public synchronized List<ChordNode> live() {
        return new ArrayList<>(live);
    }

    public ChordNode start() throws Exception {
        return start(fastConfig().build());
    }

    public synchronized ChordNode start(ChordConfig config) throws Exception {
        return start(new ChordNode(config));
    }

    /** Starts or joins a node built by the caller (e.g. on a test transport). */
    public synchronized ChordNode start(ChordNode n) throws Exception {
        all.add(n);
        if (live.isEmpty()) {
            n.start();
        } else {
            n.join(live.get(random.nextInt(live.size())).ref().toAddress());
        }
        live.add(n);
        return n;
    }

    /** Joins a node built by the caller through {@code via} (e.g. a node on its side of a partition). */
    public synchronized ChordNode join(ChordNode n, ChordNode via) throws Exception {
        all.add(n);
        n.join(via.ref().toAddress());
        live.add(n);
        return n;
    }

    public void grow(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            start();
        }
    }

    public synchronized void leave(ChordNode n) {
        live.remove(n);
        n.leave();
    }

    public synchronized void kill(ChordNode n) {
        live.remove(n);
        n.kill();
    }

    public ChordNode any() {
        List<ChordNode> l = live();
        return l.get(random.nextInt(l.size()));
    }

    /** A ring member running outside this JVM (checked by the oracle, not inspected). */
    public synchronized void addExternal(NodeRef n) {
        external.add(n);
    }

    public synchronized void removeExternal(NodeRef n) {
        external.remove(n);
    }

    private synchronized boolean isExternal(NodeRef n) {
        return external.contains(n);
    }

    /** Live nodes (in-JVM and external) in id order. */
    public synchronized List<NodeRef> sortedRefs() {
        List<NodeRef> refs = new ArrayList<>(external);
        for (ChordNode n : live()) {
            refs.add(n.ref());
        }
        refs.sort(Comparator.comparing(NodeRef::id));
        return refs;
    }

    /** The r live nodes that should hold {@code key}: its successor and the next r-1. */
    public List<NodeRef> expectedHolders(String key) {
        List<NodeRef> refs = sortedRefs();
        Id id = Id.hash(key);
        int first = 0;
        while (first < refs.size() && refs.get(first).id().compareTo(id) < 0) {
            first++;
        }
        List<NodeRef> out = new ArrayList<>();
        for (int i = 0; i < Math.min(R, refs.size()); i++) {
            out.add(refs.get((first + i) % refs.size()));
        }
        return out;
    }

    public ChordNode node(NodeRef ref) {
        for (ChordNode n : live()) {
            if (n.ref().equals(ref)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no live node " + ref);
    }

    /** True when every live node's predecessor and full successor list match the sorted ring. */
    public boolean stable() {
        List<NodeRef> refs = sortedRefs();
        int n = refs.size();
        for (int i = 0; i < n; i++) {
            if (isExternal(refs.get(i))) {
                continue;
            }
            NodeStatus s = node(refs.get(i)).status();
            List<NodeRef> want = new ArrayList<>();
            for (int k = 1; k <= Math.min(R, n - 1); k++) {
                want.add(refs.get((i + k) % n));
            }
            if (!s.successors().equals(want)) {
                return false;
            }
            NodeRef pred = n == 1 ? null : refs.get((i - 1 + n) % n);
            if (pred != null && !pred.equals(s.predecessor())) {
                return false;
            }
        }
        return true;
    }

    public void awaitStable(Duration max) throws InterruptedException {
        await("ring of " + live().size() + " nodes to stabilise", max, this::stable);
    }

    public static void await(String what, Duration max, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Keys whose values are held by all their expected holders. */
    public boolean fullyReplicated(String key, Set<String> values) {
        for (NodeRef h : expectedHolders(key)) {
            if (isExternal(h)) {
                continue;
            }
            if (!new HashSet<>(node(h).localValues(key)).containsAll(values)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        for (ChordNode n : all) {
            n.close();
        }
        live.clear();
    }
}
