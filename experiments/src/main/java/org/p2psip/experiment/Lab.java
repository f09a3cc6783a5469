package org.p2psip.experiment;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network lab: a {@link Topology} built on this machine out of network namespaces, veth pairs,
 * a bridge, {@code tc} and nftables, with processes running in its sites and load on its links.
 *
 * <pre>
 *                 backbone 203.0.113.0/24 (bridge br0 in namespace "&lt;prefix&gt;wan")
 *        +-------------------+---------------------+--------------------+
 *        |                   |                     |                    |
 *   A 203.0.113.10     B 203.0.113.11      C 203.0.113.12       N-nat 203.0.113.101
 *   (public site)      (public site)       (public site)        NAT router (nftables)
 *                                                                 10.1.0.1
 *                                                                    |
 *                                                               N 10.1.0.2
 * </pre>
 *
 * <p>Every pair of sites talks over the backbone; a pair's {@link Link} (set in the topology or
 * changed at run time with {@link #setLink}) shapes each direction on the sender's uplink
 * ({@link LinkShaping}) and drops a share of its packets where they arrive ({@link LinkLoss}), so a
 * bottleneck between A and B leaves A-C and C-B fast. Load: {@link #udpFlood}, {@link #tcpBulk};
 * round trips: {@link #probeRtt} (a {@link LoadAgent} on each site involved, sending only to the
 * lab's own sites).
 *
 * <p>The namespaces are named {@code p2psip-<pid>-<seq>-<name>} and connected only to each other:
 * nothing is attached to the host's interfaces and no route leads out of the backbone, so no packet
 * can leave the machine. {@link #close()} stops every process inside (those started by
 * {@link #start} and any other) and then deletes the namespaces; a JVM shutdown hook does the same
 * if the owner forgets (or on Ctrl-C), and {@link #start(Topology)} first removes what a crashed
 * earlier run left ({@link StaleNamespaces}). {@link NatNetwork} is the lab of the NAT experiment.
 *
 * <p>Thread-safe.
 */
public final class Lab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Netns netns;
    private final Topology topology;
    private final String prefix;
    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final List<NetNode> nodes = new ArrayList<>();
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private final Object links = new Object();
    private final Map<String, Link> currentLinks = new LinkedHashMap<>();
    private final LinkShaping shaping;
    private final Map<String, LoadAgentProcess> agents = new LinkedHashMap<>();
    private final Map<String, Integer> echoPorts = new LinkedHashMap<>();
    private final List<LoadFlow> flows = new CopyOnWriteArrayList<>();
    private final Path logDir;
    private volatile boolean closed;
    private Thread shutdownHook;

    private Lab(Netns netns, Topology topology, String prefix) {
        this.netns = netns;
        this.topology = topology;
        this.prefix = prefix;
        this.shaping = new LinkShaping(netns);
        this.logDir = Path.of(System.getProperty("java.io.tmpdir"), "p2psip-lab");
        List<NetNode> routers = new ArrayList<>();
        List<NetNode> natHosts = new ArrayList<>();
        for (Topology.SiteSpec spec : topology.sites()) {
            Site site;
            if (spec.behindNat()) {
                Router router = new Router(spec.routerName(), prefix + spec.routerName(), ipv4(spec.publicIp()),
                        ipv4(spec.routerInsideIp()), spec.lanCidr(), spec.nat());
                site = new Site(spec, new Host(spec.name(), prefix + spec.name(), ipv4(spec.hostIp()),
                        router.insideAddress()), router);
                routers.add(router);
                natHosts.add(site.host());
            } else {
                site = new Site(spec, new Host(spec.name(), prefix + spec.name(), ipv4(spec.hostIp()), null), null);
                nodes.add(site.host());
            }
            sites.put(spec.name(), site);
        }
        nodes.addAll(routers);
        nodes.addAll(natHosts);
    }

    /**
     * Checks root and the tools ({@link Preflight}), removes stale namespaces of crashed earlier
     * runs, then builds {@code topology} with its links. On failure, whatever was made is removed
     * before the exception propagates.
     */
    public static Lab start(Topology topology) {
        Netns netns = new Netns(Preflight.check());
        StaleNamespaces.removeStale(netns);
        String prefix = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
        Lab lab = new Lab(netns, topology, prefix);
        lab.addShutdownHook();
        try {
            new LabSetup(netns, lab.namespaces::add).create(lab.switchNamespace(), lab.nodes, lab.sites(), topology);
            List<Site> all = lab.sites();
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    Link link = topology.link(all.get(i).name(), all.get(j).name());
                    if (!link.equals(Link.UNLIMITED)) {
                        lab.setLink(all.get(i), all.get(j), link);
                    }
                }
            }
        } catch (RuntimeException e) {
            try {
                lab.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.info("lab {} up: sites {}", prefix, lab.sites.keySet());
        return lab;
    }

    public Topology topology() {
        return topology;
    }

    /** The site named {@code name}, or an exception naming the sites there are. */
    public Site site(String name) {
        Site site = sites.get(name);
        if (site == null) {
            throw new IllegalArgumentException("no site '" + name + "' in lab " + prefix + " (sites: "
                    + String.join(", ", sites.keySet()) + ")");
        }
        return site;
    }

    /** The sites, in the topology's order. */
    public List<Site> sites() {
        return List.copyOf(sites.values());
    }

    /** Every machine: public sites' hosts, NAT routers, NAT'ed sites' hosts. */
    public List<NetNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The common prefix of this lab's namespace names, e.g. {@code p2psip-4711-1-}. */
    public String namePrefix() {
        return prefix;
    }

    /** The namespaces this lab made (including the backbone's {@code ...wan}). */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ processes

    /**
     * Starts {@code template}'s command inside {@code node}'s namespace ({@code ip netns exec NAME
     * command...}), keeping its directory, environment and redirects. The process is tracked:
     * {@link #close()} stops it.
     */
    public Process start(NetNode node, ProcessBuilder template) {
        List<String> command = netns.inNamespace(node.namespace(), template.command());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(template.directory())
                .redirectInput(template.redirectInput())
                .redirectOutput(template.redirectOutput())
                .redirectError(template.redirectError())
                .redirectErrorStream(template.redirectErrorStream());
        pb.environment().clear();
        pb.environment().putAll(template.environment());
        synchronized (lifecycle) {
            requireOpen();
            try {
                Process process = pb.start();
                processes.add(process);
                LOG.debug("started pid {} in {}: {}", process.pid(), node.namespace(), template.command());
                return process;
            } catch (IOException e) {
                throw new NatNetworkException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Starts {@code template}'s command on {@code site}'s host (see {@link #start(NetNode, ProcessBuilder)}). */
    public Process start(Site site, ProcessBuilder template) {
        return start(site.host(), template);
    }

    /** Starts {@code command} inside {@code node}'s namespace (pipes for its input and output). */
    public Process exec(NetNode node, List<String> command) {
        return start(node, new ProcessBuilder(command));
    }

    /** Runs a short command inside {@code node}'s namespace to completion (killed after {@code timeout}). */
    public CommandResult run(NetNode node, Duration timeout, String... command) {
        requireOpen();
        return netns.exec(node.namespace(), timeout, List.of(command));
    }

    /** A sysctl's value inside {@code node}'s namespace. */
    public String sysctl(NetNode node, String key) {
        requireOpen();
        return netns.readSysctl(node.namespace(), key);
    }

    /** The nftables ruleset loaded in {@code node}'s namespace, for diagnostics. */
    public String nftRuleset(NetNode node) {
        requireOpen();
        return netns.nftList(node.namespace());
    }

    /** The {@code tc} classes and their counters on {@code node}'s uplink, for diagnostics. */
    public String tcClasses(NetNode node) {
        requireOpen();
        return netns.tcClasses(node.namespace(), node.uplink());
    }

    // ------------------------------------------------------------------ links

    /** Sets what the path between {@code a} and {@code b} does (forward: a to b), taking effect at once. */
    public void setLink(String a, String b, Link link) {
        setLink(site(a), site(b), link);
    }

    /** Sets what the path between {@code a} and {@code b} does (forward: a to b), taking effect at once. */
    public void setLink(Site a, Site b, Link link) {
        if (a.equals(b)) {
            throw new IllegalArgumentException("a link joins two different sites, not " + a.name() + " with itself");
        }
        synchronized (links) {
            requireOpen();
            String key = Topology.pairKey(topology.sites(), a.name(), b.name());
            boolean forward = key.startsWith(a.name() + "|");
            Link previous = currentLinks.get(key);
            currentLinks.put(key, forward ? link : link.reversed());
            try {
                shaping.apply(a, b, link);
                shaping.apply(b, a, link);
                applyLoss(b);
                applyLoss(a);
            } catch (RuntimeException e) {
                if (previous == null) {
                    currentLinks.remove(key);
                } else {
                    currentLinks.put(key, previous);
                }
                throw e;
            }
            LOG.info("lab {}: link {}-{} now {}", prefix, a.name(), b.name(), link);
        }
    }

    /** Sets the path between {@code a} and {@code b} back to the topology's default link. */
    public void clearLink(String a, String b) {
        setLink(site(a), site(b), topology.defaultLink());
    }

    /** What the path from {@code a} to {@code b} does now. */
    public Link link(String a, String b) {
        synchronized (links) {
            return topology.orient(currentLinks, a, b).orElse(Link.UNLIMITED);
        }
    }

    /** Loads {@code to}'s loss table: what it drops of the packets each other site sends it. */
    private void applyLoss(Site to) {
        Map<String, Integer> loss = new LinkedHashMap<>();
        for (Site from : sites.values()) {
            if (from != to) {
                loss.put(from.publicIp(), topology.orient(currentLinks, from.name(), to.name()).orElse(Link.UNLIMITED).lossPercent());
            }
        }
        NetNode edge = to.edge();
        netns.nft(edge.namespace(), LinkLoss.ruleset(edge.uplink(), loss));
    }

    // ------------------------------------------------------------------ partitions

    /**
     * Cuts the network in two: from now on no packet between a site of {@code sideA} and a site of
     * {@code sideB} arrives (both ways; each site drops what arrives from the other side, see
     * {@link LinkCut}); paths within a side are untouched. Sites named on neither side keep
     * talking to both. Replaces an earlier cut.
     */
    public void cut(List<String> sideA, List<String> sideB) {
        for (String name : sideA) {
            if (sideB.contains(name)) {
                throw new IllegalArgumentException("site " + name + " is on both sides of the cut");
            }
        }
        synchronized (links) {
            requireOpen();
            applyCut(sideA, sideB);
            applyCut(sideB, sideA);
            LOG.info("lab {}: cut between {} and {}", prefix, sideA, sideB);
        }
    }

    /** Undoes {@link #cut}: every site hears every other again (links set with {@link #setLink} stay). */
    public void heal() {
        synchronized (links) {
            requireOpen();
            for (Site s : sites.values()) {
                netns.nft(s.edge().namespace(), LinkCut.ruleset(s.edge().uplink(), List.of()));
            }
            LOG.info("lab {}: cut healed", prefix);
        }
    }

    private void applyCut(List<String> side, List<String> far) {
        List<String> farAddresses = new ArrayList<>();
        far.forEach(n -> farAddresses.add(site(n).publicIp()));
        for (String n : side) {
            NetNode edge = site(n).edge();
            netns.nft(edge.namespace(), LinkCut.ruleset(edge.uplink(), farAddresses));
        }
    }

    // ------------------------------------------------------------------ load

    /** A UDP flood of 1200-byte datagrams at {@code kbit} kbit/s (of payload) from {@code from} to {@code to}. */
    public LoadFlow udpFlood(Site from, Site to, int kbit) {
        return udpFlood(from, to, kbit, 1200);
    }

    /** A UDP flood of {@code packetBytes}-byte datagrams at {@code kbit} kbit/s (of payload) from {@code from} to {@code to}. */
    public LoadFlow udpFlood(Site from, Site to, int kbit, int packetBytes) {
        LoadAgentProcess sink = agent(checkReachable(to));
        LoadAgentProcess source = agent(from);
        String[] s = sink.call("udp.sink", CALL_TIMEOUT).split(" ");
        String started = source.call("udp.flood " + to.publicIp() + " " + s[2] + " " + kbit + " " + packetBytes, CALL_TIMEOUT);
        return flow("udp-flood", source, Integer.parseInt(started.split(" ")[1]), sink, Integer.parseInt(s[1]));
    }

    /** A bulk TCP transfer, one connection written to as fast as it goes, from {@code from} to {@code to}. */
    public LoadFlow tcpBulk(Site from, Site to) {
        LoadAgentProcess sink = agent(checkReachable(to));
        LoadAgentProcess source = agent(from);
        String[] s = sink.call("tcp.sink", CALL_TIMEOUT).split(" ");
        String started;
        try {
            started = source.call("tcp.bulk " + to.publicIp() + " " + s[2], CALL_TIMEOUT);
        } catch (RuntimeException e) {
            sink.call("stop " + s[1], CALL_TIMEOUT);
            throw e;
        }
        return flow("tcp-bulk", source, Integer.parseInt(started.split(" ")[1]), sink, Integer.parseInt(s[1]));
    }

    /**
     * Round trips from {@code from} to a UDP echo on {@code to}: {@code count} small datagrams every
     * {@code interval}, then up to 1.5 s for late answers (a probe answered later counts as lost).
     * Blocks until done.
     */
    public RttStats probeRtt(Site from, Site to, int count, Duration interval) {
        int port;
        synchronized (echoPorts) {
            LoadAgentProcess echo = agent(checkReachable(to));
            Integer known = echoPorts.get(to.name());
            if (known == null) {
                known = Integer.parseInt(echo.call("udp.echo", CALL_TIMEOUT).split(" ")[2]);
                echoPorts.put(to.name(), known);
            }
            port = known;
        }
        long waitMs = 1500;
        Duration timeout = interval.multipliedBy(count).plusMillis(waitMs).plus(CALL_TIMEOUT);
        RttStats stats = RttStats.parse(agent(from).call("probe " + to.publicIp() + " " + port + " " + count + " "
                + Math.max(1, interval.toMillis()) + " " + waitMs, timeout));
        LOG.info("lab {}: probe {}->{}: {}", prefix, from.name(), to.name(), stats);
        return stats;
    }

    /** The flows running now. */
    public List<LoadFlow> flows() {
        return List.copyOf(flows);
    }

    private LoadFlow flow(String kind, LoadAgentProcess source, int sourceId, LoadAgentProcess sink, int sinkId) {
        LoadFlow[] made = new LoadFlow[1];
        made[0] = new LoadFlow(kind, source, sourceId, sink, sinkId, () -> flows.remove(made[0]));
        flows.add(made[0]);
        LOG.info("lab {}: {} started", prefix, made[0]);
        return made[0];
    }

    private static Site checkReachable(Site to) {
        if (to.behindNat()) {
            throw new IllegalArgumentException("site " + to.name() + " is behind a NAT, which drops unsolicited "
                    + "traffic: load and probes go to public sites only");
        }
        return to;
    }

    /** The site's load agent, started on first use. */
    private LoadAgentProcess agent(Site site) {
        synchronized (agents) {
            requireOpen();
            LoadAgentProcess agent = agents.get(site.name());
            if (agent != null && agent.isAlive()) {
                return agent;
            }
            List<String> allowed = new ArrayList<>();
            sites.values().forEach(s -> allowed.add(s.publicIp()));
            try {
                agent = LoadAgentProcess.start(this, site, allowed, logDir.resolve(prefix + site.name() + "-load.log"));
            } catch (IOException e) {
                throw new NatNetworkException("cannot start the load agent on " + site + ": " + e.getMessage(), e);
            }
            agents.put(site.name(), agent);
            return agent;
        }
    }

    // ------------------------------------------------------------------ life cycle

    /**
     * Stops the load agents, then every process in the lab's namespaces (SIGTERM, then SIGKILL
     * after a grace period), then deletes the namespaces (and with them the links, queues and
     * rules). Idempotent. Throws a {@link NatNetworkException} after doing all it can if a process
     * would not stop or a namespace would not go.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (agents) {
            agents.values().forEach(LoadAgentProcess::close);
            agents.clear();
        }
        flows.clear();
        List<String> problems = LabTeardown.tearDown(netns, processes, namespaces);
        removeShutdownHook();
        if (!problems.isEmpty()) {
            throw new NatNetworkException("lab " + prefix + " not fully removed: " + String.join("; ", problems));
        }
        LOG.info("lab {} removed", prefix);
    }

    Netns netns() {
        return netns;
    }

    String switchNamespace() {
        return prefix + "wan";
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
    }

    private void addShutdownHook() {
        Thread hook = new Thread(() -> {
            try {
                close();
            } catch (RuntimeException e) {
                LOG.warn("at exit: {}", e.getMessage());
            }
        }, "p2psip-lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or already ran) close(), which is idempotent
            }
        }
    }

    private static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
