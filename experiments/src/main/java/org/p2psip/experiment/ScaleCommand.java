package org.p2psip.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;
import org.p2psip.experiment.scale.ScaleExperiment;
import org.p2psip.experiment.scale.ScaleReport;

/** {@code ./p2psip experiment scale}: the options of the scale experiment (E4), its run and its report. */
final class ScaleCommand {
    static final List<Option> OPTIONS = List.of(
            Option.flag("quick", "a short run"),
            Option.value("max-nodes", null, "largest ring, a power of two"),
            Option.value("tcp-max", null, "rings up to this size on real TCP"),
            Option.value("lookups", null, "lookups per ring size"),
            Option.value("churn-nodes", null, "ring size under churn"),
            Option.value("churn-seconds", null, "lookups measured per median session time, seconds"),
            Option.value("stabilize-ms", null, "stabilization interval under churn, ms"),
            Option.value("medians", null, "median session times in stabilization intervals, comma-separated, or none"),
            Option.value("capacity-seconds", null, "how long the REGISTER capacity is measured, seconds"),
            Option.value("register-rate", null, "REGISTERs/s per peer for the estimate instead of measuring"),
            Option.value("work-dir", null, "where the report and figures go"));

    private ScaleCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        ScaleExperiment.Settings s;
        Path work;
        try {
            Options o = Options.parse("./p2psip experiment scale", OPTIONS, args);
            if (o.help()) {
                out.print(ExperimentCommand.USAGE);
                return 0;
            }
            s = settings(o);
            work = o.has("work-dir") ? Path.of(o.get("work-dir")) : null;
        } catch (IllegalArgumentException e) {
            err.println("p2psip experiment scale: " + e.getMessage());
            err.println("try ./p2psip experiment --help");
            return 2;
        }
        try {
            if (work == null) {
                work = Files.createTempDirectory("p2psip-scale-");
            }
            out.println("== report and figures: " + work);
            ScaleReport report = ScaleExperiment.run(s, line -> out.println("== " + line));
            report.write(work);
            out.println();
            report.lines().forEach(out::println);
            out.println("figures: " + work.resolve("scale-hops.csv") + ", " + work.resolve("scale-churn.csv") + ", plots: "
                    + work.resolve("scale-hops.png") + ", " + work.resolve("scale-churn.png"));
            return report.problems().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment scale failed: " + e.getMessage());
            return 1;
        }
    }

    static ScaleExperiment.Settings settings(Options o) {
        ScaleExperiment.Settings d = o.flag("quick") ? ScaleExperiment.Settings.quick() : ScaleExperiment.Settings.full();
        int maxNodes = o.has("max-nodes") ? (int) o.number("max-nodes", 8, 16384) : d.maxNodes();
        if (Integer.bitCount(maxNodes) != 1) {
            throw new IllegalArgumentException("--max-nodes must be a power of two (8, 16, ... 16384), not " + maxNodes);
        }
        List<Integer> medians = d.medians();
        if (o.has("medians")) {
            medians = new ArrayList<>();
            if (!o.get("medians").equals("none")) {
                for (String m : o.get("medians").split(",")) {
                    try {
                        int v = Integer.parseInt(m.trim());
                        if (v < 1 || v > 10_000) {
                            throw new NumberFormatException();
                        }
                        medians.add(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--medians needs numbers of stabilization intervals (1..10000) separated by"
                                + " commas, or none; '" + m + "' is not one");
                    }
                }
            }
        }
        double rate = 0;
        if (o.has("register-rate")) {
            rate = o.number("register-rate", 1, 10_000_000);
        }
        return new ScaleExperiment.Settings(maxNodes,
                o.has("tcp-max") ? (int) o.number("tcp-max", 0, 256) : d.tcpMax(),
                o.has("lookups") ? (int) o.number("lookups", 1, 10_000_000) : d.lookups(),
                o.has("churn-nodes") ? (int) o.number("churn-nodes", 4, 1024) : d.churnNodes(),
                o.has("churn-seconds") ? Duration.ofSeconds(o.number("churn-seconds", 1, 86_400)) : d.churnDuration(),
                o.has("stabilize-ms") ? Duration.ofMillis(o.number("stabilize-ms", 10, 60_000)) : d.stabilize(),
                medians,
                o.has("capacity-seconds") ? Duration.ofSeconds(o.number("capacity-seconds", 1, 3600)) : d.capacityDuration(),
                rate);
    }
}
