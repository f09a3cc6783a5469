package org.p2psip.lookup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;
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
            "         [--repair-ms MS] [--unify-ms MS] [--rpc-timeout-ms MS]",
            "         run a ring node in the foreground (a new ring without --bootstrap); Ctrl-C leaves gracefully",
            "  put    KEY VALUE --ttl SECONDS --via HOST:PORT    store VALUE under KEY (TTL 1 .. 604800 s)",
            "  get    KEY --via HOST:PORT                        print every live value of KEY, one a line",
            "  remove KEY VALUE --via HOST:PORT                  remove VALUE from KEY",
            "  lookup KEY --via HOST:PORT                        print the node responsible for KEY and the hops",
            "  ring   --via HOST:PORT [--json]                   the ring as its nodes see it (--json: one JSON object, for scripts)",
            "  status --via HOST:PORT                            one node: neighbours, keys, ring size it counts, last merge",
            "",
            "  --timeout-ms MS   how long put/get/remove/lookup/ring wait for an answer (default 10000)");

    static final String COMMAND = "./p2psip dht";

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
        List<Option> declared = OPTIONS.get(cmd);
        if (declared == null) {
            err.println("p2psip dht: unknown command '" + cmd + "' (try ./p2psip dht --help)");
            return 2;
        }
        try {
            Options o = Options.parseWithOperands(COMMAND + " " + cmd, declared, Arrays.copyOfRange(args, 1, args.length));
            if (o.help()) {
                out.println(USAGE);
                return 0;
            }
            List<String> pos = o.operands();
            switch (cmd) {
                case "node":
                    return node(o, out, err);
                case "put":
                    operands(o, 2, "put KEY VALUE --ttl SECONDS --via HOST:PORT");
                    int ttl = number(o, "ttl");
                    return withClient(o, c -> {
                        int hops = c.putSync(pos.get(0), pos.get(1), ttl);
                        out.println("stored (" + hops + " hops)");
                        return 0;
                    });
                case "get":
                    operands(o, 1, "get KEY --via HOST:PORT");
                    return withClient(o, c -> {
                        ChordRpc.ClientAnswer a = c.getSync(pos.get(0));
                        for (String v : a.values()) {
                            out.println(v);
                        }
                        err.println(a.values().size() + " value(s), " + a.hops() + " hops");
                        return 0;
                    });
                case "remove":
                    operands(o, 2, "remove KEY VALUE --via HOST:PORT");
                    return withClient(o, c -> {
                        int hops = c.removeSync(pos.get(0), pos.get(1));
                        out.println("removed (" + hops + " hops)");
                        return 0;
                    });
                case "lookup":
                    operands(o, 1, "lookup KEY --via HOST:PORT");
                    return withClient(o, c -> {
                        LookupResult r = c.lookupSync(pos.get(0));
                        out.println(r.owner().id().toHex() + " " + r.owner().address() + " (" + r.hops() + " hops)");
                        return 0;
                    });
                case "status":
                    operands(o, 0, "status --via HOST:PORT");
                    return withClient(o, c -> {
                        printStatus(c.status(Address.parse(o.get("via"))), out);
                        return 0;
                    });
                default: // ring
                    operands(o, 0, "ring --via HOST:PORT");
                    return withClient(o, c -> {
                        List<NodeStatus> ring = c.ring(4096);
                        if (o.has("json")) {
                            out.println(org.p2psip.common.Json.write(ringJson(ring)));
                        } else {
                            printRing(ring, out);
                        }
                        return 0;
                    });
            }
        } catch (IllegalArgumentException e) {
            err.println("p2psip dht: " + e.getMessage());
            return 2;
        } catch (LookupException e) {
            boolean unreachable = e.reason() == LookupException.Reason.UNREACHABLE
                    || e.reason() == LookupException.Reason.TIMEOUT;
            err.println("p2psip dht: " + e.getMessage() + (unreachable && !cmd.equals("node")
                    ? " (asked the lookup node given with --via, over TCP; is a node or peer running there, and is that its"
                    + " lookup port, a peer's --dht-port?)" : ""));
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

    private static int withClient(Options o, ClientAction a) {
        Address via = Address.parse(required(o, "via", " HOST:PORT"));
        int timeout = number(o, "timeout-ms");
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(via), Duration.ofMillis(timeout))) {
            return a.apply(c);
        }
    }

    private static void printRing(List<NodeStatus> ring, PrintStream out) {
        out.printf("%-40s  %-21s  %-21s  %5s  %6s  %7s  %5s  %-20s  %s%n", "id", "address", "predecessor", "keys", "values",
                "primary", "ring", "last merge", "successors");
        for (NodeStatus s : ring) {
            List<String> succ = new ArrayList<>();
            for (NodeRef n : s.successors()) {
                succ.add(n.address());
            }
            out.printf("%-40s  %-21s  %-21s  %5d  %6d  %7d  %5s  %-20s  %s%n", s.self().id().toHex(), s.self().address(),
                    s.predecessor() == null ? "-" : s.predecessor().address(), s.keys(), s.values(), s.primaryKeys(),
                    ringSize(s), lastMerge(s), String.join(",", succ));
        }
        out.println(ring.size() + " node(s)");
    }

    /**
     * {@code dht ring --json}: {@code {"nodes": [...], "count": N}}, each node with {@code id},
     * {@code address}, {@code predecessor} (null if unknown), {@code successors} (addresses, closest
     * first), {@code keys}, {@code values}, {@code primary_keys}, {@code ring_size} (0: not counted yet),
     * {@code ring_size_exact}, {@code last_merge_ms} (null: never), {@code merges}. Keys are only ever added.
     */
    static Map<String, Object> ringJson(List<NodeStatus> ring) {
        List<Object> nodes = new ArrayList<>();
        for (NodeStatus s : ring) {
            Map<String, Object> n = new java.util.LinkedHashMap<>();
            n.put("id", s.self().id().toHex());
            n.put("address", s.self().address());
            n.put("predecessor", s.predecessor() == null ? null : s.predecessor().address());
            List<Object> succ = new ArrayList<>();
            for (NodeRef r : s.successors()) {
                succ.add(r.address());
            }
            n.put("successors", succ);
            n.put("keys", s.keys());
            n.put("values", s.values());
            n.put("primary_keys", s.primaryKeys());
            n.put("ring_size", s.ringSize());
            n.put("ring_size_exact", s.ringSizeExact());
            n.put("last_merge_ms", s.lastMergeMillis() == 0 ? null : s.lastMergeMillis());
            n.put("merges", s.merges());
            nodes.add(n);
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("nodes", nodes);
        m.put("count", ring.size());
        return m;
    }

    /** The ring size a node counts: "12", "~300" for an estimate, "-" before its first count. */
    static String ringSize(NodeStatus s) {
        return s.ringSize() == 0 ? "-" : (s.ringSizeExact() ? "" : "~") + s.ringSize();
    }

    /** When a node last merged its ring with another (UTC, to the second), or "never". */
    static String lastMerge(NodeStatus s) {
        return s.lastMergeMillis() == 0 ? "never"
                : java.time.Instant.ofEpochMilli(s.lastMergeMillis()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
    }

    private static void printStatus(NodeStatus s, PrintStream out) {
        List<String> succ = new ArrayList<>();
        for (NodeRef n : s.successors()) {
            succ.add(n.address());
        }
        out.println("id:          " + s.self().id().toHex());
        out.println("address:     " + s.self().address());
        out.println("joined:      " + (s.joined() ? "yes" : "no"));
        out.println("predecessor: " + (s.predecessor() == null ? "-" : s.predecessor().address()));
        out.println("successors:  " + String.join(",", succ));
        out.println("fingers:     " + s.fingers().size() + " distinct");
        out.println("keys:        " + s.keys() + " (" + s.primaryKeys() + " primary), " + s.values() + " values");
        out.println("lookups:     " + s.lookups() + String.format(" (mean %.2f hops)", s.meanHops()));
        out.println("ring size:   " + ringSize(s) + (s.ringSize() == 0 ? "" : s.ringSizeExact()
                ? " (counted along successor lists)" : " (estimated from the part walked)"));
        out.println("last merge:  " + lastMerge(s) + (s.merges() == 0 ? "" : " (" + s.merges() + " merge(s))"));
    }

    private static int node(Options o, PrintStream out, PrintStream err) {
        operands(o, 0, "node --listen HOST:PORT [--bootstrap HOST:PORT]");
        ChordConfig.Builder b = ChordConfig.builder().listen(Address.parse(required(o, "listen", " HOST:PORT")));
        if (o.has("advertise")) {
            b.advertised(Address.parse(o.get("advertise")));
        }
        if (o.has("successors")) {
            b.successorListSize(number(o, "successors"));
        }
        if (o.has("stabilize-ms")) {
            b.stabilizeInterval(Duration.ofMillis(number(o, "stabilize-ms")));
        }
        if (o.has("fix-fingers-ms")) {
            b.fixFingersInterval(Duration.ofMillis(number(o, "fix-fingers-ms")));
        }
        if (o.has("check-predecessor-ms")) {
            b.checkPredecessorInterval(Duration.ofMillis(number(o, "check-predecessor-ms")));
        }
        if (o.has("repair-ms")) {
            b.repairInterval(Duration.ofMillis(number(o, "repair-ms")));
        }
        if (o.has("unify-ms")) {
            b.unifyInterval(Duration.ofMillis(number(o, "unify-ms")));
        }
        if (o.has("rpc-timeout-ms")) {
            b.rpcTimeout(Duration.ofMillis(number(o, "rpc-timeout-ms")));
        }
        ChordNode node = new ChordNode(b.build());
        try {
            if (o.has("bootstrap")) {
                node.join(Address.parse(o.get("bootstrap")));
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
                + (o.has("bootstrap") ? " joined the ring via " + o.get("bootstrap") : " started a new ring"));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.leave();
        }
        return 0;
    }

    /** {@code n} operands (KEY, VALUE) after the sub-command, else a usage error naming its form. */
    private static void operands(Options o, int n, String usage) {
        if (o.operands().size() != n) {
            throw new IllegalArgumentException("expected " + (n == 0 ? "no arguments" : n + " argument(s)") + ": ./p2psip dht " + usage);
        }
    }

    private static String required(Options o, String name, String what) {
        if (!o.has(name)) {
            throw new IllegalArgumentException("missing --" + name + what);
        }
        return o.get(name);
    }

    /** A whole number; what it may be beyond that is the lookup service's or the node's to judge. */
    private static int number(Options o, String name) {
        required(o, name, "");
        return (int) o.number(name, 0, Integer.MAX_VALUE);
    }

    private static final Option VIA = Option.value("via", null, "a node of the ring to ask");
    private static final Option TIMEOUT = Option.value("timeout-ms", "10000", "how long to wait for an answer");

    /** The options of each sub-command. */
    private static final Map<String, List<Option>> OPTIONS = Map.of(
            "node", List.of(
                    Option.value("listen", null, "address to listen on"),
                    Option.value("bootstrap", null, "a node of the ring to join through"),
                    Option.value("advertise", null, "address other nodes reach this one at"),
                    Option.value("successors", null, "length of the successor list"),
                    Option.value("stabilize-ms", null, "stabilization period"),
                    Option.value("fix-fingers-ms", null, "finger fixing period"),
                    Option.value("check-predecessor-ms", null, "predecessor check period"),
                    Option.value("repair-ms", null, "replica repair period"),
                    Option.value("unify-ms", null, "ring unification period (probing past members after a partition)"),
                    Option.value("rpc-timeout-ms", null, "how long a call to another node may take")),
            "put", List.of(Option.value("ttl", null, "seconds the value lives"), VIA, TIMEOUT),
            "get", List.of(VIA, TIMEOUT),
            "remove", List.of(VIA, TIMEOUT),
            "lookup", List.of(VIA, TIMEOUT),
            "ring", List.of(VIA, TIMEOUT, Option.flag("json", "one JSON object instead of the table")),
            "status", List.of(VIA, TIMEOUT));
}
