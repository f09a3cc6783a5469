package org.p2psip.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;






/**
 * {@code ./p2psip experiment ...}: lists the experiments, and runs one of them: the paper's NAT
 * experiment (Sec. 5.3) in network namespaces, the congestion, adaptation and partition experiments,
 * and the lookup service's scale (E4, {@link ScaleCommand}); see {@code docs/experiments.md}.
 */
public final class ExperimentCommand {

    /** {@code ./p2psip experiment} with no argument: the experiments, one line each. */
    static final String LIST = """
            usage: ./p2psip experiment NAME [options]    (./p2psip experiment --help: every option)

            experiments (each writes report.txt, CSV files and PNG plots to its --work-dir):
              nat         two peers behind symmetric NATs call through a public relay peer (Sec. 5.3; root)
              congestion  Figure 4 with the relay chosen by measurement on a congested path, four calls (root)
              adapt       one call whose media path changes three times: relay in, failover, relay out (root)
              partition   12 peers split in two sides and healed: calls, registrations, ring merge (root)
              scale       E4: lookup hops against N up to 4,096, lookups under churn, REGISTER capacity, heap
            """;

    static final String USAGE = LIST + """

            usage: ./p2psip experiment nat [options]
                   ./p2psip experiment congestion [options]
                   ./p2psip experiment adapt [options]
                   ./p2psip experiment partition [options]
                   ./p2psip experiment scale [options]

            The paper's NAT experiment (Sec. 5.3): two overlay peers, each with a phone, behind
            symmetric NATs (network namespaces, nftables "masquerade fully-random"), and a public
            relay peer that is the overlay's bootstrap. The NATed peers join through it, find its
            TCP relay and RTP-Port relay in the lookup service, and a call runs with signalling
            and media through it, longer than the NATs' UDP binding timeout. A direct UDP/TCP
            attempt between the private hosts in the same run shows there is no other way.
            Needs root (ip netns, nftables). Prints the paths and the packet counts per leg,
            writes report.txt, nat.csv (the relay's RTP-Port legs every second of the call) and
            nat.png; exit 0 only if everything the paper describes happened.

              --udp-timeout S     the NATs' UDP binding timeout (default 10; conntrack's own is 30)
              --call-seconds S    how long the call lasts (default 16; more than --udp-timeout)
              --port-preserving   control case: plain masquerade NATs (hole punching works)
              --work-dir DIR      logs of every process (default: a new directory under /tmp)
              --help              this text

            The congestion experiment (Figure 4 with the relay chosen by measurement, Sec. 5.2
            and 6): sites A (peer-a, phone alice), B (peer-b, phone bob), C and D (relay peers);
            the A-B path is a 2 Mbit/s bottleneck with a 300 ms queue, the detour through C is
            fast, the one through D slower. Four calls of --call-seconds each: no load (media
            direct), a UDP flood A->B at 6 Mbit/s (relay on C), a bulk TCP flow A->B (relay on
            C), the UDP flood with relay policy never (the control). Needs root. Prints each
            run's decision, set-up delay, loss, jitter and one-way delay at both phones, writes
            report.txt, congestion.csv and congestion.png to the work directory; exit 0 only if
            every run did what it should.

              --call-seconds S    how long each call lasts (default 15)
              --work-dir DIR      logs and figures (default: a new directory under /tmp)

            Adaptation during a call (Sec. 4 and 6): the congestion lab with relay peers on C and
            D, every path but A-B fast. One call of 45 s from alice to bob, starting direct; a UDP
            flood A->B from t = 10 s to t = 28 s (peer-a's OM inserts a relay); the relay peer in
            use SIGKILLed at t = 20 s (failover to the other relay); after the flood the relay is
            removed (--adapt-remove-ms, 10 s, after the flood ends: about t = 38 s). Both phones
            report every 100 ms. Needs root. Prints every event with the longest media gap each
            phone heard around it, a verdict per step, writes report.txt, adapt.csv and adapt.png
            (packets per 100 ms at each phone, events marked); exit 0 only if each step happened
            (failover gap at most 500 ms at each phone), no SATO or RTP-Port session was left on
            any peer after the hangup and no namespace is left.

              --trials N          instead: repeat the failover step N times (three relay peers,
                                  policy always; kill the relay in use, restart it) and print each
                                  gap, the median and the maximum per phone (targets: each at most
                                  500 ms, median at most 300 ms)
              --work-dir DIR      logs and figures (default: a new directory under /tmp)

            A network partition and its healing: 12 public sites, one peer each, in two sides of
            six (a1..a6 bootstrapped by a1, b1..b6 by b1). A call a1 -> b1 is up when the link
            between the sides is cut (every site drops what arrives from the other side,
            nftables); the peers run with --dead-media-s 10 and must end it with a BYE to each
            phone. During the cut new users register on both sides, calls on each side set up
            (direct 15 s in; through a relay of that side 12 s before the heal), and cross calls
            every 8 s must get a final response (480) within 5 s. Then the link heals: time until every peer reports one ring of 12
            and every user is found from every peer (target 30 s), and calls across in both
            directions to old and new users. Needs root. Prints every call with its status code
            and times, a verdict per claim, writes report.txt, partition.csv (ring size per peer
            over time), partition-calls.csv and partition.png; exit 0 only if every claim held
            and nothing was left behind.

              --seconds S         how long the partition lasts (default 90, at least 20)
              --per-side N        peers per side (default 6, 3..20)
              --dead-media-s S    the peers' --dead-media-s (default 10)
              --work-dir DIR      logs and figures (default: a new directory under /tmp)

            The scale of the lookup service (E4), in this JVM (no root, no namespaces): lookup
            hops against N = 8 .. --max-nodes (rings built by real joins; real TCP on loopback up
            to --tcp-max, in-process above), mean, median, p99 next to the Chord paper's 1/2 log2
            N, every lookup checked against the sorted-ring oracle; churn (Rhea et al. 2004):
            --churn-nodes nodes with maintenance running fail after exponentially distributed
            session times (medians of --medians stabilization intervals) and are replaced by
            fresh joins, lookups meanwhile, consistent when they name the live ring's owner, and
            their latency; the REGISTERs/s one peer's lookup service does (puts through one node of
            a 3-node TCP ring) turned into the overlay size it supports at one re-REGISTER per
            user per hour, with the assumptions; the heap per in-process node at the largest N.
            Writes report.txt, scale-hops.csv, scale-churn.csv, scale-hops.png, scale-churn.png;
            exit 0 only if every lookup matched the oracle, mean hops stayed within 1/2 log2 N + 1
            and grew like log N, and at least 99 % of lookups were consistent at 100x. A full
            run took 4-5 minutes on 2 busy cores.

              --quick               a short run (about a minute): --max-nodes 256 --tcp-max 16
                                    --lookups 1000 --churn-nodes 24 --churn-seconds 10
                                    --stabilize-ms 100 --capacity-seconds 2 (options given win)
              --max-nodes N         largest ring, a power of two (default 4096)
              --tcp-max N           rings up to N nodes on real TCP (default 64)
              --lookups L           lookups per ring size (default 10000)
              --churn-nodes N       ring size under churn (default 64)
              --churn-seconds S     lookups measured per median session time (default 60)
              --stabilize-ms MS     stabilization interval under churn (default 500, production);
                                    the other intervals and the RPC timeout keep their ratios
              --medians LIST        median session times in stabilization intervals (default
                                    10,30,100; "none": no churn)
              --capacity-seconds S  how long the REGISTER capacity is measured (default 10)
              --register-rate R     do not measure: use R REGISTERs/s per peer for the estimate
              --work-dir DIR        report and figures (default: a new directory under /tmp)
            """;

    private ExperimentCommand() {
    }

    static final List<Option> NAT_OPTIONS = List.of(
            Option.value("udp-timeout", "10", "the NATs' UDP binding timeout, seconds"),
            Option.value("call-seconds", "16", "length of the call, seconds"),
            Option.flag("port-preserving", "port-preserving NATs (the control case)"),
            Option.value("work-dir", null, "where the processes' logs go"));

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            out.print(LIST);
            return 0;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return 0;
        }
        if (args[0].equals("scale")) {
            return ScaleCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("congestion")) {
            return congestion(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("adapt")) {
            return adapt(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args[0].equals("partition")) {
            return partition(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (!args[0].equals("nat")) {
            err.println("p2psip experiment: unknown experiment '" + args[0] + "' (they are 'nat', 'congestion', 'adapt', 'partition' and 'scale')");
            err.print(LIST);
            return 2;
        }
        int udpTimeout;
        int callSeconds;
        NatMode mode;
        Path work;
        try {
            Options o = Options.parse("./p2psip experiment nat", NAT_OPTIONS, Arrays.copyOfRange(args, 1, args.length));
            if (o.help()) {
                out.print(USAGE);
                return 0;
            }
            udpTimeout = (int) o.number("udp-timeout", 1, 600);
            callSeconds = (int) o.number("call-seconds", 1, 3600);
            mode = o.flag("port-preserving") ? NatMode.PORT_PRESERVING : NatMode.SYMMETRIC;
            work = o.has("work-dir") ? Path.of(o.get("work-dir")) : null;
        } catch (IllegalArgumentException e) {
            err.println("p2psip experiment nat: " + e.getMessage());
            err.println("try ./p2psip experiment --help");
            return 2;
        }
        try {
            Preflight.check();
        } catch (NatNetworkException e) {
            err.println("p2psip experiment nat: " + e.getMessage());
            return 1;
        }
        try {
            if (work == null) {
                work = Files.createTempDirectory("p2psip-nat-");
            }
            out.println("== logs of every process: " + work);
            NatExperimentReport report = NatExperiment.run(new NatExperiment.Settings(work, udpTimeout, callSeconds, mode),
                    line -> out.println("== " + line));
            out.println();
            report.lines().forEach(out::println);
            out.println("report: " + work.resolve("report.txt") + ", figures: " + work.resolve("nat.csv") + ", plot: " + work.resolve("nat.png"));
            return report.ok() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment nat failed: " + e.getMessage());
            return 1;
        }
    }

    static final List<Option> CONGESTION_OPTIONS = List.of(
            Option.value("call-seconds", "15", "length of each call, seconds"),
            Option.value("work-dir", null, "where the processes' logs and the figures go"));

    private static int congestion(String[] args, PrintStream out, PrintStream err) {
        int callSeconds;
        Path work;
        try {
            Options o = Options.parse("./p2psip experiment congestion", CONGESTION_OPTIONS, args);
            if (o.help()) {
                out.print(USAGE);
                return 0;
            }
            callSeconds = (int) o.number("call-seconds", 3, 3600);
            work = o.has("work-dir") ? Path.of(o.get("work-dir")) : null;
        } catch (IllegalArgumentException e) {
            err.println("p2psip experiment congestion: " + e.getMessage());
            err.println("try ./p2psip experiment --help");
            return 2;
        }
        try {
            Preflight.check();
        } catch (NatNetworkException e) {
            err.println("p2psip experiment congestion: " + e.getMessage());
            return 1;
        }
        try {
            if (work == null) {
                work = Files.createTempDirectory("p2psip-congestion-");
            }
            out.println("== logs and figures: " + work);
            CongestionReport report = CongestionExperiment.run(new CongestionExperiment.Settings(work, callSeconds,
                    CongestionExperiment.defaultRuns()), line -> out.println("== " + line));
            out.println();
            report.lines().forEach(out::println);
            out.println("figures: " + work.resolve("congestion.csv") + ", plot: " + work.resolve("congestion.png"));
            return report.problems().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment congestion failed: " + e.getMessage());
            return 1;
        }
    }

    static final List<Option> ADAPT_OPTIONS = List.of(
            Option.value("trials", null, "repeat the failover step N times and print the gap distribution"),
            Option.value("work-dir", null, "where the processes' logs and the figures go"));

    private static int adapt(String[] args, PrintStream out, PrintStream err) {
        int trials;
        Path work;
        try {
            Options o = Options.parse("./p2psip experiment adapt", ADAPT_OPTIONS, args);
            if (o.help()) {
                out.print(USAGE);
                return 0;
            }
            trials = o.has("trials") ? (int) o.number("trials", 1, 1000) : 0;
            work = o.has("work-dir") ? Path.of(o.get("work-dir")) : null;
        } catch (IllegalArgumentException e) {
            err.println("p2psip experiment adapt: " + e.getMessage());
            err.println("try ./p2psip experiment --help");
            return 2;
        }
        try {
            Preflight.check();
        } catch (NatNetworkException e) {
            err.println("p2psip experiment adapt: " + e.getMessage());
            return 1;
        }
        try {
            if (work == null) {
                work = Files.createTempDirectory("p2psip-adapt-");
            }
            out.println("== logs and figures: " + work);
            AdaptExperiment.Settings d = AdaptExperiment.Settings.defaults(work);
            if (trials > 0) {
                AdaptTrials t = AdaptExperiment.trials(new AdaptExperiment.Settings(work, d.congestionStart(), d.kill(),
                        d.congestionEnd(), d.callSeconds(), 0, d.maxGapMs(), trials), line -> out.println("== " + line));
                out.println();
                t.lines().forEach(out::println);
                return t.problems().isEmpty() ? 0 : 1;
            }
            AdaptReport report = AdaptExperiment.run(d, line -> out.println("== " + line));
            out.println();
            report.lines().forEach(out::println);
            out.println("figures: " + work.resolve("adapt.csv") + ", plot: " + work.resolve("adapt.png"));
            return report.problems().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment adapt failed: " + e.getMessage());
            return 1;
        }
    }

    static final List<Option> PARTITION_OPTIONS = List.of(
            Option.value("seconds", "90", "how long the partition lasts, seconds"),
            Option.value("per-side", "6", "peers per side"),
            Option.value("dead-media-s", "10", "the peers' --dead-media-s"),
            Option.value("work-dir", null, "where the processes' logs and the figures go"));

    private static int partition(String[] args, PrintStream out, PrintStream err) {
        PartitionExperiment.Settings settings;
        Path work;
        try {
            Options o = Options.parse("./p2psip experiment partition", PARTITION_OPTIONS, args);
            if (o.help()) {
                out.print(USAGE);
                return 0;
            }
            work = o.has("work-dir") ? Path.of(o.get("work-dir")) : null;
            PartitionExperiment.Settings d = PartitionExperiment.Settings.defaults(Path.of("."));
            settings = new PartitionExperiment.Settings(Path.of("."), (int) o.number("per-side", 3, 20),
                    (int) o.number("seconds", 20, 3600), (int) o.number("dead-media-s", 1, 600), d.crossEverySeconds(),
                    d.crossFinalSeconds(), d.mergeTargetSeconds(), d.mergeWaitSeconds());
        } catch (IllegalArgumentException e) {
            err.println("p2psip experiment partition: " + e.getMessage());
            err.println("try ./p2psip experiment --help");
            return 2;
        }
        try {
            Preflight.check();
        } catch (NatNetworkException e) {
            err.println("p2psip experiment partition: " + e.getMessage());
            return 1;
        }
        try {
            if (work == null) {
                work = Files.createTempDirectory("p2psip-partition-");
            }
            out.println("== logs and figures: " + work);
            PartitionExperiment.Settings s = new PartitionExperiment.Settings(work, settings.perSide(), settings.partitionSeconds(),
                    settings.deadMediaSeconds(), settings.crossEverySeconds(), settings.crossFinalSeconds(),
                    settings.mergeTargetSeconds(), settings.mergeWaitSeconds());
            PartitionReport report = PartitionExperiment.run(s, line -> out.println("== " + line));
            out.println();
            report.lines().forEach(out::println);
            out.println("figures: " + work.resolve("partition.csv") + ", " + work.resolve("partition-calls.csv") + ", plot: "
                    + work.resolve("partition.png"));
            return report.problems().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment partition failed: " + e.getMessage());
            return 1;
        }
    }
}
