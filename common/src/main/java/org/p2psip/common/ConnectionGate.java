package org.p2psip.common;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Admission of a listener's connections under {@link ListenerBounds}: at most
 * {@code maxConnections} at once and {@code maxConnectionsPerSource} from one source address. Its
 * map holds only addresses with a connection admitted now, so it is bounded by
 * {@code maxConnections}. Thread-safe.
 */
public final class ConnectionGate {
    private final int total;
    private final int perSource;
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int open;
    private long refused;

    public ConnectionGate(ListenerBounds bounds) {
        this.total = bounds.maxConnections();
        this.perSource = bounds.maxConnectionsPerSource();
    }

    /**
     * Admits a connection from {@code source}; null when admitted (call {@link #release} once it
     * ends), otherwise why not (to log and to send in the protocol's refusal).
     */
    public synchronized String admit(InetAddress source) {
        if (open >= total) {
            refused++;
            return "too many connections (" + total + ")";
        }
        int n = bySource.getOrDefault(source, 0);
        if (n >= perSource) {
            refused++;
            return "too many connections from " + source.getHostAddress() + " (" + perSource + ")";
        }
        bySource.put(source, n + 1);
        open++;
        return null;
    }

    /** Ends an admitted connection from {@code source}. */
    public synchronized void release(InetAddress source) {
        Integer n = bySource.get(source);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            bySource.remove(source);
        } else {
            bySource.put(source, n - 1);
        }
        open--;
    }

    /** Connections admitted now. */
    public synchronized int open() {
        return open;
    }

    /** Connections refused so far. */
    public synchronized long refused() {
        return refused;
    }
}
