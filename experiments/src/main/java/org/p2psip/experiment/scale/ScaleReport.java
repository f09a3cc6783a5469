package org.p2psip.experiment.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the scale experiment (E4) measured: the hops table, the churn runs, the REGISTER capacity
 * estimate and the heap per node; {@link #lines()} is the printed report, {@link #problems()} every
 * check that failed, {@link #write(Path)} the report, CSV files and PNG plots.
 */
public final class ScaleReport {
    /** Consistent lookups wanted at the longest median session time of at least 100 intervals (Bamboo's figure). */
    static final double CONSISTENT_TARGET_PERCENT = 99.0;

    private final ScaleExperiment.Settings settings;
    private final List<LookupHops.Row> hops;
    private final List<ChurnRun.Result> churn;
    private final CapacityEstimate capacity;
    private final RegisterCapacity.Result measured;
    private final double heapBytesPerNode;
    private final int heapNodes;
    private final String machine;

    ScaleReport(ScaleExperiment.Settings settings, LookupHops.Result hops, List<ChurnRun.Result> churn,
                CapacityEstimate capacity, RegisterCapacity.Result measured, String machine) {
        this.settings = settings;
        this.hops = hops.rows();
        this.churn = churn;
        this.capacity = capacity;
        this.measured = measured;
        this.heapBytesPerNode = hops.heapBytesPerNode();
        this.heapNodes = hops.heapNodes();
        this.machine = machine;
    }

    public List<LookupHops.Row> hops() {
        return hops;
    }

    public List<ChurnRun.Result> churn() {
        return churn;
    }

    /** Heap per in-process node at the largest N (NaN when no in-process ring was built). */
    public double heapBytesPerNode() {
        return heapBytesPerNode;
    }

    public CapacityEstimate capacity() {
        return capacity;
    }

    /** Every check that failed, in words; empty when all held. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        for (LookupHops.Row r : hops) {
            if (r.wrong() > 0) {
                p.add(r.wrong() + " of " + r.lookups() + " lookups at N = " + r.n() + " named another owner than the sorted ring");
            }
            if (r.mean() > r.halfLog2() + 1) {
                p.add(String.format(Locale.ROOT, "mean hops %.2f at N = %d above 1/2 log2 N + 1 = %.2f", r.mean(), r.n(), r.halfLog2() + 1));
            }
        }
        double slope = hopsPerDoubling();
        if (hops.size() >= 3 && (slope < 0.25 || slope > 0.75)) {
            p.add(String.format(Locale.ROOT, "mean hops grow by %.2f per doubling of N (log N growth: about 0.5)", slope));
        }
        for (ChurnRun.Result c : churn) {
            if (c.lookups() == 0) {
                p.add("no lookup completed under churn at " + c.multiple() + "x");
            } else if (c.multiple() >= 100 && c.consistentPercent() < CONSISTENT_TARGET_PERCENT) {
                p.add(String.format(Locale.ROOT, "%.2f %% consistent lookups at a median session time of %d stabilization intervals (target %.0f %%)",
                        c.consistentPercent(), c.multiple(), CONSISTENT_TARGET_PERCENT));
            }
        }
        if (measured != null && (measured.failed() > 0 || measured.puts() == 0)) {
            p.add(measured.failed() + " of " + (measured.puts() + measured.failed()) + " puts failed in the REGISTER capacity run");
        }
        return p;
    }

    /** Least-squares slope of mean hops against log2 N. */
    public double hopsPerDoubling() {
        int k = hops.size();
        if (k < 2) {
            return Double.NaN;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (LookupHops.Row r : hops) {
            double x = Math.log(r.n()) / Math.log(2);
            sx += x;
            sy += r.mean();
            sxx += x * x;
            sxy += x * r.mean();
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }

    public List<String> lines() {
        List<String> l = new ArrayList<>();
        ScaleExperiment.Settings s = settings;
        l.add("E4: how the lookup service (chord-lookup) scales");
        l.add("machine: " + machine);
        l.add("");
        l.add("1. Lookup hops against N (hops = nodes asked for the next routing step; 0 when the origin knows the answer)");
        l.add(String.format(Locale.ROOT, "   %,d lookups of random keys from random nodes per N; every owner checked against the sorted-ring oracle;",
                s.lookups()));
        l.add("   rings built by real joins, maintenance driven until every successor list and predecessor is the oracle's");
        l.add("       N  transport    mean  median  p99  max  1/2 log2 N  wrong");
        for (LookupHops.Row r : hops) {
            l.add(String.format(Locale.ROOT, "   %5d  %-10s  %5.2f  %6d  %3d  %3d  %10.2f  %5d", r.n(), r.transport(), r.mean(), r.median(),
                    r.p99(), r.max(), r.halfLog2(), r.wrong()));
        }
        l.add(String.format(Locale.ROOT, "   mean hops grow by %.2f per doubling of N (1/2 log2 N: 0.50)", hopsPerDoubling()));
        l.add("");
        if (!churn.isEmpty()) {
            ChurnRun.Result first = churn.get(0);
            l.add(String.format(Locale.ROOT, "2. Churn: %d in-process nodes, maintenance running, stabilization interval %d ms (check predecessor and",
                    first.nodes(), s.stabilize().toMillis()));
            l.add(String.format(Locale.ROOT, "   fix fingers every %d ms, RPC timeout %d ms); each node fails without a word after an exponentially",
                    s.stabilize().toMillis() * 2, s.stabilize().toMillis() * 4));
            l.add(String.format(Locale.ROOT, "   distributed session time and a fresh node joins in its place; %d s of lookups per median session time;",
                    s.churnDuration().toSeconds()));
            l.add("   consistent = the first live node of the answer (where a put or get goes; failed ones before it cost the RPC");
            l.add("   timeout, counted in the latency) is the sorted ring's owner among the live nodes when the lookup started or");
            l.add("   ended (a node whose join has not returned counts once the ring routes to it); owner named = the answer's first");
            l.add("   node already was the owner; the in-process network adds no transmission delay");
            l.add("   median session     lookups  consistent  owner named  wrong  failed  latency median / p99 ms  mean hops  failures  joins");
            for (ChurnRun.Result c : churn) {
                l.add(String.format(Locale.ROOT, "   %4dx = %6.1f s  %8d  %9.2f%%  %10.2f%%  %5d  %6d  %10.2f / %8.1f  %9.2f  %8d  %5d",
                        c.multiple(), c.medianSeconds(), c.lookups(), c.consistentPercent(), c.ownerNamedPercent(), c.wrong(), c.failed(),
                        c.latencyMedianMs(), c.latencyP99Ms(), c.meanHops(), c.failures(), c.joins()));
            }
            l.add(String.format(Locale.ROOT, "   target: at least %.0f %% consistent at 100x (Rhea et al. 2004 report Bamboo's consistency the same way)",
                    CONSISTENT_TARGET_PERCENT));
            l.add("");
        }
        l.add("3. Capacity: REGISTERs per second per peer through the lookup service, and the overlay size they support");
        if (measured != null) {
            l.add(String.format(Locale.ROOT, "  measured: %,d puts of user records in %.1f s through one node of a 3-node loopback TCP ring", measured.puts(),
                    measured.seconds()));
            l.add(String.format(Locale.ROOT, "  (every put stored and replicated to 2 nodes; %d in flight; %d failed; the 3 nodes share %d cores)",
                    RegisterCapacity.IN_FLIGHT, measured.failed(), measured.cores()));
        }
        l.addAll(capacity.lines());
        l.add("");
        if (heapNodes > 0) {
            l.add(String.format(Locale.ROOT, "4. Heap: %.1f KiB per in-process node at N = %,d (%.0f MiB for the ring, after garbage collection;",
                    heapBytesPerNode / 1024, heapNodes, heapBytesPerNode * heapNodes / (1024 * 1024)));
            l.add("   node state, routing table and its in-process endpoint; no TCP buffers, no store contents)");
        } else {
            l.add("4. Heap: no in-process ring built (--max-nodes not above --tcp-max)");
        }
        l.add("");
        List<String> problems = problems();
        l.add(problems.isEmpty() ? "VERDICT: every check held" : "VERDICT: " + problems.size() + " check(s) failed:");
        problems.forEach(p -> l.add("  - " + p));
        return l;
    }

    /** report.txt, scale-hops.csv, scale-churn.csv, scale-hops.png and scale-churn.png in {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("report.txt"), lines(), StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("n,transport,lookups,mean_hops,median_hops,p99_hops,max_hops,half_log2_n,wrong\n");
        for (LookupHops.Row r : hops) {
            h.append(String.format(Locale.ROOT, "%d,%s,%d,%.4f,%d,%d,%d,%.4f,%d%n", r.n(), r.transport(), r.lookups(), r.mean(), r.median(),
                    r.p99(), r.max(), r.halfLog2(), r.wrong()));
        }
        Files.writeString(dir.resolve("scale-hops.csv"), h, StandardCharsets.UTF_8);
        ScalePlot.hops(dir.resolve("scale-hops.png"), hops);
        if (!churn.isEmpty()) {
            StringBuilder c = new StringBuilder("median_session_intervals,median_session_s,nodes,lookups,consistent,owner_named,wrong,failed,"
                    + "origin_failed,consistent_percent,owner_named_percent,latency_median_ms,latency_p99_ms,mean_hops,failures,joins,join_failures\n");
            for (ChurnRun.Result r : churn) {
                c.append(String.format(Locale.ROOT, "%d,%.2f,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%d,%d%n", r.multiple(), r.medianSeconds(),
                        r.nodes(), r.lookups(), r.consistent(), r.ownerNamed(), r.wrong(), r.failed(), r.originFailed(), r.consistentPercent(),
                        r.ownerNamedPercent(),
                        r.latencyMedianMs(), r.latencyP99Ms(), r.meanHops(), r.failures(), r.joins(), r.joinFailures()));
            }
            Files.writeString(dir.resolve("scale-churn.csv"), c, StandardCharsets.UTF_8);
            ScalePlot.churn(dir.resolve("scale-churn.png"), churn);
        }
    }
}
