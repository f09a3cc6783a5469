package org.p2psip.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;






/**
 * {@code ./p2psip experiment nat}: the paper's NAT experiment (Sec. 5.3) on this machine, in
 * network namespaces. Builds the network, runs it, prints what happened, removes the network.
 * The other experiment of the paper, the relay decision on a congested path (Sec. 5.2), is
 * {@code ./p2psip demo}; see {@code docs/experiments.md}.
 */
public final class ExperimentCommand {

    static final String USAGE = """
            usage: ./p2psip experiment nat [options]

            The paper's NAT experiment (Sec. 5.3): two overlay peers, each with a phone, behind
            symmetric NATs (network namespaces, nftables "masquerade fully-random"), and a public
            relay peer that is the overlay's bootstrap. The NATed peers join through it, find its
            TCP relay and RTP-Port relay in the lookup service, and a call runs with signalling
            and media through it, longer than the NATs' UDP binding timeout. A direct UDP/TCP
            attempt between the private hosts in the same run shows there is no other way.
            Needs root (ip netns, nftables). Prints the paths and the packet counts per leg;
            exit 0 only if everything the paper describes happened.

              --udp-timeout S     the NATs' UDP binding timeout (default 10; conntrack's own is 30)
              --call-seconds S    how long the call lasts (default 16; more than --udp-timeout)
              --port-preserving   control case: plain masquerade NATs (hole punching works)
              --work-dir DIR      logs of every process (default: a new directory under /tmp)
              --help              this text
            """;

    private ExperimentCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("nat")) {
            err.println("p2psip experiment: unknown experiment '" + args[0] + "' (the NAT experiment is 'nat';"
                    + " the relay experiment is ./p2psip demo)");
            return 2;
        }
        int udpTimeout = 10;
        int callSeconds = 16;
        NatMode mode = NatMode.SYMMETRIC;
        Path work = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help":
                    case "-h":
                        out.print(USAGE);
                        return 0;
                    case "--udp-timeout":
                        udpTimeout = number(a, value(args, ++i, a), 1, 600);
                        break;
                    case "--call-seconds":
                        callSeconds = number(a, value(args, ++i, a), 1, 3600);
                        break;
                    case "--port-preserving":
                        mode = NatMode.PORT_PRESERVING;
                        break;
                    case "--work-dir":
                        work = Path.of(value(args, ++i, a));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + a);
                }
            }
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
            return report.ok() ? 0 : 1;
        } catch (Exception e) {
            err.println("p2psip experiment nat failed: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String option, String v, int lo, int hi) {
        try {
            int n = Integer.parseInt(v);
            if (n < lo || n > hi) {
                throw new IllegalArgumentException(option + " must be between " + lo + " and " + hi + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + v + "'");
        }
    }
}
