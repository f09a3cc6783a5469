package org.p2psip.lookup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.ChordRpc;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.client.RemoteLookupClient;

/**
 * {@code ./p2psip dht ...}: run a lookup node, or use a running ring through any of its nodes.
 * Exit status 0 on success, 1 when the operation failed (e.g. node unreachable), 2 for bad usage.
 */
public final class DhtCommand {
    private DhtCommand() {
    }

    static final String USAGE = String.join("\n",
            "usage: ./p2psip dht <command> [options]",
            "",
            "  node   --listen HOST:PORT [--bootstrap HOST:PORT] [--advertise HOST:PORT]",
            "         [--successors R] [--stabilize-ms MS] [--fix-fingers-ms MS] [--check-predecessor-ms MS]",
            "         [--repair-ms MS] [--rpc-timeout-ms MS]",
            "         run a ring node in the foreground (a new ring without --bootstrap); Ctrl-C leaves gracefully",
            "  put    KEY VALUE --ttl SECONDS --via HOST:PORT    store VALUE under KEY (TTL 1 .. 604800 s)",
            "  get    KEY --via HOST:PORT                        print every live value of KEY, one a line",
            "  remove KEY VALUE --via HOST:PORT                  remove VALUE from KEY",
            "  lookup KEY --via HOST:PORT                        print the node responsible for KEY and the hops",
            "  ring   --via HOST:PORT                            the ring as its nodes see it",
            "",
            "  --timeout-ms MS   how long put/get/remove/lookup/ring wait for an answer (default 10000)");

    /** Entry point of {@code ./p2psip dht}. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String cmd = args[0];
        if (cmd.equals("--help") || cmd.equals("-h") || cmd.equals("help")) {
            out.println(USAGE);
            return 0;
        }
        Parsed p;
        try {
            p = Parsed.parse(args);
            if (p.flags.containsKey("help")) {
                out.println(USAGE);
                return 0;
            }
            switch (cmd) {
                case "node":
                    return node(p, out, err);
                case "put":
                    p.positionals(2, "put KEY VALUE --ttl SECONDS --via HOST:PORT");
                    return withClient(p, err, c -> {
                        int hops = c.putSync(p.pos.get(0), p.pos.get(1), p.intFlag("ttl", true, 1));
                        out.println("stored (" + hops + " hops)");
                        return 0;
                    });
                case "get":
                    p.positionals(1, "get KEY --via HOST:PORT");
                    return withClient(p, err, c -> {
                        ChordRpc.ClientAnswer a = c.getSync(p.pos.get(0));
                        for (String v : a.values()) {
                            out.println(v);
                        }
                        err.println(a.values().size() + " value(s), " + a.hops() + " hops");
                        return 0;
                    });
                case "remove":
                    p.positionals(2, "remove KEY VALUE --via HOST:PORT");
                    return withClient(p, err, c -> {
                        int hops = c.removeSync(p.pos.get(0), p.pos.get(1));
                        out.println("removed (" + hops + " hops)");
                        return 0;
                    });
                case "lookup":
                    p.positionals(1, "lookup KEY --via HOST:PORT");
                    return withClient(p, err, c -> {
                        LookupResult r = c.lookupSync(p.pos.get(0));
                        out.println(r.owner().id().toHex() + " " + r.owner().address() + " (" + r.hops() + " hops)");
                        return 0;
                    });
                case "ring":
                    p.positionals(0, "ring --via HOST:PORT");
                    return withClient(p, err, c -> {
                        printRing(c.ring(4096), out);
                        return 0;
                    });
                default:
                    err.println("p2psip dht: unknown command '" + cmd + "' (try ./p2psip dht --help)");
                    return 2;
            }
        } catch (UsageException e) {
            err.println("p2psip dht: " + e.getMessage());
            return 2;
        } catch (LookupException e) {
            err.println("p2psip dht: " + e.getMessage());
            return isArgumentProblem(e) ? 2 : 1;
        }
    }

    private static boolean isArgumentProblem(LookupException e) {
        switch (e.reason()) {
            case BAD_KEY:
            case BAD_TTL:
            case VALUE_TOO_LARGE:
            case BAD_ARGUMENT:
                return true;
            default:
                return false;
        }
    }

    private interface ClientAction {
        int apply(RemoteLookupClient c);
    }

    private static int withClient(Parsed p, PrintStream err, ClientAction a) {
        Address via = Address.parse(p.required("via"));
        int timeout = p.intFlag("timeout-ms", false, 10_000);
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(via), Duration.ofMillis(timeout))) {
            return a.apply(c);
        }
    }

    private static void printRing(List<NodeStatus> ring, PrintStream out) {
        out.printf("%-40s  %-21s  %-21s  %5s  %6s  %7s  %s%n", "id", "address", "predecessor", "keys", "values",
                "primary", "successors");
        for (NodeStatus s : ring) {
            List<String> succ = new ArrayList<>();
            for (NodeRef n : s.successors()) {
                succ.add(n.address());
            }
            out.printf("%-40s  %-21s  %-21s  %5d  %6d  %7d  %s%n", s.self().id().toHex(), s.self().address(),
                    s.predecessor() == null ? "-" : s.predecessor().address(), s.keys(), s.values(), s.primaryKeys(),
                    String.join(",", succ));
        }
        out.println(ring.size() + " node(s)");
    }

    private static int node(Parsed p, PrintStream out, PrintStream err) {
        p.positionals(0, "node --listen HOST:PORT [--bootstrap HOST:PORT]");
        ChordConfig.Builder b = ChordConfig.builder().listen(Address.parse(p.required("listen")));
        if (p.flags.containsKey("advertise")) {
            b.advertised(Address.parse(p.flags.get("advertise")));
        }
        try {
            if (p.flags.containsKey("successors")) {
                b.successorListSize(p.intFlag("successors", true, 4));
            }
            if (p.flags.containsKey("stabilize-ms")) {
                b.stabilizeInterval(Duration.ofMillis(p.intFlag("stabilize-ms", true, 0)));
            }
            if (p.flags.containsKey("fix-fingers-ms")) {
                b.fixFingersInterval(Duration.ofMillis(p.intFlag("fix-fingers-ms", true, 0)));
            }
            if (p.flags.containsKey("check-predecessor-ms")) {
                b.checkPredecessorInterval(Duration.ofMillis(p.intFlag("check-predecessor-ms", true, 0)));
            }
            if (p.flags.containsKey("repair-ms")) {
                b.repairInterval(Duration.ofMillis(p.intFlag("repair-ms", true, 0)));
            }
            if (p.flags.containsKey("rpc-timeout-ms")) {
                b.rpcTimeout(Duration.ofMillis(p.intFlag("rpc-timeout-ms", true, 0)));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ChordNode node = new ChordNode(b.build());
        try {
            if (p.flags.containsKey("bootstrap")) {
                node.join(Address.parse(p.flags.get("bootstrap")));
            } else {
                node.start();
            }
        } catch (IOException | IllegalArgumentException e) {
            node.close();
            err.println("p2psip dht: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                node.leave();
                out.println("node " + node.address() + " left the ring");
                out.flush();
            } finally {
                stopped.countDown();
            }
        }, "chord-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("node " + node.id().toHex() + " at " + node.address()
                + (p.flags.containsKey("bootstrap") ? " joined the ring via " + p.flags.get("bootstrap") : " started a new ring"));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.leave();
        }
        return 0;
    }

    /** A bad command line. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    /** Positional arguments and --flag VALUE options (--help takes no value). */
    static final class Parsed {
        final List<String> pos = new ArrayList<>();
        final Map<String, String> flags = new HashMap<>();

        static Parsed parse(String[] args) {
            Parsed p = new Parsed();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    p.flags.put("help", "");
                } else if (a.startsWith("--") && a.length() > 2) {
                    String name = a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else {
                        if (i + 1 >= args.length) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (p.flags.put(name, value) != null) {
                        throw new UsageException("option --" + name + " given twice");
                    }
                } else {
                    p.pos.add(a);
                }
            }
            return p;
        }

        void positionals(int n, String usage) {
            if (pos.size() != n) {
                throw new UsageException("expected " + (n == 0 ? "no arguments" : n + " argument(s)") + ": ./p2psip dht " + usage);
            }
            for (String f : flags.keySet()) {
                if (!KNOWN.contains(f)) {
                    throw new UsageException("unknown option --" + f + " (try ./p2psip dht --help)");
                }
            }
        }

        String required(String name) {
            String v = flags.get(name);
            if (v == null) {
                throw new UsageException("missing --" + name + " HOST:PORT");
            }
            return v;
        }

        int intFlag(String name, boolean required, int dflt) {
            String v = flags.get(name);
            if (v == null) {
                if (required) {
                    throw new UsageException("missing --" + name);
                }
                return dflt;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " needs a number, not '" + v + "'");
            }
        }

        private static final List<String> KNOWN = List.of("listen", "bootstrap", "advertise", "successors",
                "stabilize-ms", "fix-fingers-ms", "check-predecessor-ms", "repair-ms", "rpc-timeout-ms", "ttl", "via",
                "timeout-ms", "help");
    }
}
