package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.p2psip.lookup.ring.Address;

/**
 * How fast each node has answered this node's RPCs: a smoothed round-trip time per node (as TCP's
 * SRTT, RFC 6298, gain 1/8) and the time of its last timeout. A node is <em>slow</em> while its
 * smoothed RTT is above the threshold or it timed out recently: the path to it is congested or
 * it is overloaded. Lookups and gets then ask other nodes first when they have a choice (the
 * successors hold replicas of every key), so that one congested link does not stall every lookup
 * that happens to route over it; a slow node is still used when it is the only way.
 *
 * <p>Thread-safe; at most {@value #MAX_NODES} nodes are remembered (least recently seen go first).
 */
final class NodeLatency {
    static final int MAX_NODES = 1024;
    private static final double GAIN = 1.0 / 8;

    private record Entry(double srttMs, long lastTimeoutMillis) {
    }

    private final long slowRttMs;
    private final long timeoutMemoryMillis;
    private final LongSupplier clock;
    private final Map<Address, Entry> nodes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, Entry> eldest) {
            return size() > MAX_NODES;
        }
    };

    /**
     * @param slowRttMs           a node whose smoothed RTT is above this is slow
     * @param timeoutMemoryMillis a node that timed out is slow for this long afterwards (unless it answers fast again)
     */
    NodeLatency(long slowRttMs, long timeoutMemoryMillis, LongSupplier clock) {
        this.slowRttMs = slowRttMs;
        this.timeoutMemoryMillis = timeoutMemoryMillis;
        this.clock = clock;
    }

    NodeLatency() {
        this(250, 30_000, System::currentTimeMillis);
    }

    synchronized void answered(Address node, long rttNanos) {
        double ms = rttNanos / 1e6;
        Entry e = nodes.get(node);
        if (e == null) {
            nodes.put(node, new Entry(ms, 0));
            return;
        }
        double srtt = e.srttMs() + GAIN * (ms - e.srttMs());
        // a fast answer after a timeout shows the path works again
        long timeout = ms <= slowRttMs ? 0 : e.lastTimeoutMillis();
        nodes.put(node, new Entry(srtt, timeout));
    }

    synchronized void timedOut(Address node) {
        Entry e = nodes.get(node);
        nodes.put(node, new Entry(e == null ? slowRttMs + 1.0 : Math.max(e.srttMs(), slowRttMs + 1.0), clock.getAsLong()));
    }

    synchronized boolean slow(Address node) {
        Entry e = nodes.get(node);
        if (e == null) {
            return false;
        }
        return e.srttMs() > slowRttMs
                || (e.lastTimeoutMillis() != 0 && clock.getAsLong() - e.lastTimeoutMillis() < timeoutMemoryMillis);
    }

    /** The smoothed RTT in ms, or NaN if the node never answered. */
    synchronized double srttMs(Address node) {
        Entry e = nodes.get(node);
        return e == null ? Double.NaN : e.srttMs();
    }

    /** {@code candidates} with the nodes that are not slow first, otherwise in their order. */
    List<NodeRef> fastFirst(List<NodeRef> candidates) {
        List<NodeRef> out = new ArrayList<>(candidates);
        out.sort(Comparator.comparing((NodeRef n) -> slow(n.toAddress())));
        return out;
    }
}
