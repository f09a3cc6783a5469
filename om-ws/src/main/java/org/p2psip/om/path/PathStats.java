package org.p2psip.om.path;

import org.p2psip.om.types.Address;

/**
 * Path measurements towards one peer's OM from Ping probes: RTT (last, min, mean of the recent
 * probes), loss (probes without an answer), and a throughput estimate from padded probes.
 * Thread-safe; {@link #snapshot()} gives a consistent copy.
 */
public final class PathStats {
    private static final int WINDOW = 32;

    private final String nodeId;
    private volatile Address om;
    private long sent;
    private long lost;
    private double lastRttMs = Double.NaN;
    private double minRttMs = Double.NaN;
    private final double[] recent = new double[WINDOW];
    private int recentCount;
    private int recentNext;
    private double throughputKbps = Double.NaN;
    private int consecutiveFailures;
    private long updatedNanos = System.nanoTime();
    private boolean lostReported;

    PathStats(String nodeId, Address om) {
        this.nodeId = nodeId;
        this.om = om;
    }

    public String nodeId() {
        return nodeId;
    }

    public Address om() {
        return om;
    }

    void om(Address a) {
        this.om = a;
    }

    synchronized void answered(long rttNanos, int paddingBytes) {
        sent++;
        double ms = rttNanos / 1e6;
        lastRttMs = ms;
        minRttMs = Double.isNaN(minRttMs) ? ms : Math.min(minRttMs, ms);
        recent[recentNext] = ms;
        recentNext = (recentNext + 1) % WINDOW;
        recentCount = Math.min(WINDOW, recentCount + 1);
        if (paddingBytes > 0 && rttNanos > 0) {
            throughputKbps = paddingBytes * 8.0 / (rttNanos / 1e9) / 1000.0;
        }
        consecutiveFailures = 0;
        lostReported = false;
        updatedNanos = System.nanoTime();
    }

    synchronized int failed() {
        sent++;
        lost++;
        consecutiveFailures++;
        updatedNanos = System.nanoTime();
        return consecutiveFailures;
    }

    /** True once per outage: the caller reports the peer as lost. */
    synchronized boolean markLostReported() {
        if (lostReported) {
            return false;
        }
        lostReported = true;
        return true;
    }

    public synchronized Snapshot snapshot(int failuresBeforeLost) {
        double sum = 0;
        for (int i = 0; i < recentCount; i++) {
            sum += recent[i];
        }
        double avg = recentCount == 0 ? Double.NaN : sum / recentCount;
        return new Snapshot(nodeId, om, sent, lost, sent == 0 ? 0.0 : (double) lost / sent, lastRttMs, minRttMs, avg,
                throughputKbps, (System.nanoTime() - updatedNanos) / 1_000_000_000L,
                consecutiveFailures < failuresBeforeLost && sent > lost);
    }

    /** A consistent copy; RTTs in milliseconds (NaN until a probe was answered), throughput in kbit/s (NaN if not measured). */
    public record Snapshot(String nodeId, Address om, long probesSent, long probesLost, double lossRatio,
                           double rttMsLast, double rttMsMin, double rttMsAvg, double throughputKbps,
                           long ageSeconds, boolean reachable) {
    }
}
