package org.p2psip.experiment.scale;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code ./p2psip experiment scale} (E4): how the lookup service scales. Lookup hops against N
 * ({@link LookupHops}), lookups under churn at several median session times ({@link ChurnRun}), the
 * REGISTERs per second one peer's lookup service does and the overlay size they support
 * ({@link RegisterCapacity}, {@link CapacityEstimate}), and the heap per in-process node. Everything runs
 * in this JVM on loopback or in-process; no namespaces, no root.
 */
public final class ScaleExperiment {

    /**
     * The experiment's knobs.
     *
     * @param maxNodes         largest ring (a power of two, 8 or more)
     * @param tcpMax           rings up to this size on real loopback TCP, larger ones in-process
     * @param lookups          lookups per ring size
     * @param churnNodes       ring size of the churn runs
     * @param churnDuration    how long lookups are measured in each churn run
     * @param stabilize        the churn runs' stabilization interval (the production one is 500 ms)
     * @param medians          median session times, in stabilization intervals; empty: no churn runs
     * @param capacityDuration how long the REGISTER capacity is measured (after a warm-up as long)
     * @param registerRate     instead of measuring it: REGISTERs/s per peer from elsewhere, or 0
     */
    public record Settings(int maxNodes, int tcpMax, int lookups, int churnNodes, Duration churnDuration, Duration stabilize,
                           List<Integer> medians, Duration capacityDuration, double registerRate) {
        public Settings {
            if (maxNodes < 8 || Integer.bitCount(maxNodes) != 1) {
                throw new IllegalArgumentException("the largest ring must be a power of two of at least 8 nodes, not " + maxNodes);
            }
            medians = List.copyOf(medians);
        }

        /** The full run: N up to 4,096 (TCP up to 64), 10,000 lookups per N, churn of 64 nodes for 60 s at 10x, 30x, 100x. */
        public static Settings full() {
            return new Settings(4096, 64, 10_000, 64, Duration.ofSeconds(60), Duration.ofMillis(500), List.of(10, 30, 100),
                    Duration.ofSeconds(10), 0);
        }

        /** A short run (about a minute): N up to 256 (TCP up to 16), 1,000 lookups, churn of 24 nodes for 10 s with 100 ms intervals. */
        public static Settings quick() {
            return new Settings(256, 16, 1000, 24, Duration.ofSeconds(10), Duration.ofMillis(100), List.of(10, 30, 100),
                    Duration.ofSeconds(2), 0);
        }
    }

    private ScaleExperiment() {
    }

    public static ScaleReport run(Settings s, Consumer<String> progress) throws Exception {
        progress.accept("lookup hops for N = 8 .. " + s.maxNodes() + " (tcp up to " + s.tcpMax() + ")");
        LookupHops.Result hops = new LookupHops(s.maxNodes(), s.tcpMax(), s.lookups(), progress).run();
        List<ChurnRun.Result> churn = new ArrayList<>();
        for (int m : s.medians()) {
            ChurnRun.Result r = new ChurnRun(s.churnNodes(), m, s.stabilize(), s.churnDuration(), progress).run();
            progress.accept(String.format(Locale.ROOT, "churn %dx: %.2f %% of %d lookups consistent", m, r.consistentPercent(), r.lookups()));
            churn.add(r);
        }
        RegisterCapacity.Result measured = null;
        double rate = s.registerRate();
        String source = "given with --register-rate";
        if (rate <= 0) {
            progress.accept("REGISTER capacity: puts through one node of a 3-node ring for " + s.capacityDuration().toSeconds() + " s");
            measured = new RegisterCapacity(s.capacityDuration(), s.capacityDuration()).run();
            rate = measured.putsPerSecond();
            source = "measured in this run: lookup service only";
        }
        LookupHops.Row largest = hops.rows().get(hops.rows().size() - 1);
        CapacityEstimate estimate = new CapacityEstimate(rate, source, largest.n(), largest.mean());
        return new ScaleReport(s, hops, churn, estimate, measured, machine());
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %s %s, Java %s, max heap %d MiB, load average %.1f at the end", os.getAvailableProcessors(),
                os.getName(), os.getVersion(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / (1024 * 1024),
                os.getSystemLoadAverage());
    }
}
