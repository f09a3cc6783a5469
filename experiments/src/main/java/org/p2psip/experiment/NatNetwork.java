package org.p2psip.experiment;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network of the paper's NAT experiment (Sec. 5.3): overlay peers behind symmetric NATs and a
 * relay peer on the public side, emulated on one Linux machine with network namespaces, veth
 * pairs, a bridge and nftables.
 *
 * <pre>
 *                       public segment 203.0.113.0/24 (bridge br0 in namespace "wan")
 *          +--------------------------+--------------------------+
 *          |                          |                          |
 *   pub 203.0.113.10         r1 wan0 203.0.113.101      r2 wan0 203.0.113.102
 *   (relay, bootstrap)          NAT (nftables)             NAT (nftables)
 *                            r1 lan0 10.1.0.1           r2 lan0 10.2.0.1
 *                                     |                          |
 *                            h1 eth0 10.1.0.2           h2 eth0 10.2.0.2
 * </pre>
 *
 * <p>The namespaces are named {@code p2psip-<pid>-<seq>-<role>} and connected only to each other:
 * nothing is attached to the host's interfaces, and no route leads out of the public segment, so
 * no packet can leave the machine. {@link #close()} stops every process inside (those started by
 * {@link #exec} and any other) and then deletes the namespaces; a JVM shutdown hook does the same
 * if the owner forgets, and {@link Builder#build()} first removes what a crashed earlier run left
 * ({@link StaleNamespaces}).
 *
 * <p>Thread-safe: {@link #exec}, {@link #run} and {@link #setLoss} may be called from any thread.
 */
public final class NatNetwork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatNetwork.class);

    /** The public segment (TEST-NET-3, RFC 5737: never routed on the Internet). */
    public static final String PUBLIC_CIDR = "203.0.113.0/24";
    /** The public host's address. */
    public static final String PUBLIC_HOST_IP = "203.0.113.10";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration PROCESS_GRACE = Duration.ofSeconds(3);

    private final Netns netns;
    private final String prefix;
    private final NatMode mode;
    private final Host publicHost;
    private final List<Router> routers;
    private final List<Host> privateHosts;
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private Thread shutdownHook;

    private NatNetwork(Netns netns, String prefix, NatMode mode, int sites) {
        this.netns = netns;
        this.prefix = prefix;
        this.mode = mode;
        this.publicHost = new Host("pub", prefix + "pub", ipv4(PUBLIC_HOST_IP), null);
        List<Router> r = new ArrayList<>();
        List<Host> h = new ArrayList<>();
        for (int i = 1; i <= sites; i++) {
            Router router = new Router("r" + i, prefix + "r" + i, ipv4(routerPublicIp(i)),
                    ipv4("10." + i + ".0.1"), "10." + i + ".0.0/24", mode);
            r.add(router);
            h.add(new Host("h" + i, prefix + "h" + i, ipv4("10." + i + ".0.2"), router.insideAddress()));
        }
        this.routers = List.copyOf(r);
        this.privateHosts = List.copyOf(h);
    }

    /** A builder with the defaults: symmetric NAT, two private networks, kernel UDP timeouts. */
    public static Builder builder() {
        return new Builder();
    }

    /** The public address of NAT router {@code site} (1-based): 203.0.113.(100 + site). */
    public static String routerPublicIp(int site) {
        return "203.0.113." + (100 + site);
    }

    /** The host on the public segment, behind no NAT (relay peer, bootstrap). */
    public Host publicHost() {
        return publicHost;
    }

    /** The host on private network {@code site} (1-based): 10.site.0.2. */
    public Host privateHost(int site) {
        return privateHosts.get(checkSite(site) - 1);
    }

    /** The NAT router of private network {@code site} (1-based). */
    public Router router(int site) {
        return routers.get(checkSite(site) - 1);
    }

    /** Number of private networks (NAT router plus host). */
    public int sites() {
        return routers.size();
    }

    public NatMode mode() {
        return mode;
    }

    /** Every machine: public host, routers, private hosts. */
    public List<NetNode> nodes() {
        List<NetNode> all = new ArrayList<>();
        all.add(publicHost);
        all.addAll(routers);
        all.addAll(privateHosts);
        return all;
    }

    /** The common prefix of this network's namespace names, e.g. {@code p2psip-4711-1-}. */
    public String namePrefix() {
        return prefix;
    }

    /** The namespaces this network made (including the switch namespace {@code ...wan}). */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    public boolean isClosed() {
        return closed;
    }

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
            } catch (java.io.IOException e) {
                throw new NatNetworkException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Starts {@code command} inside {@code node}'s namespace (pipes for its input and output). */
    public Process exec(NetNode node, String... command) {
        return start(node, new ProcessBuilder(command));
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

    /** Drops a random {@code percent} of the packets in each direction on {@code node}'s uplink; 0 ends it. */
    public void setLoss(NetNode node, int percent) {
        setLoss(node, percent, percent);
    }

    /**
     * Drops a random {@code inPercent} of the packets {@code node} receives on its uplink and
     * {@code outPercent} of those it sends there (nftables {@code numgen random mod 100 < N drop}).
     * For a router this is the link between its public side and the public segment, so it hits the
     * traffic of the whole private network behind it; 0 and 0 removes the loss.
     */
    public void setLoss(NetNode node, int inPercent, int outPercent) {
        requireOpen();
        netns.nft(node.namespace(), NatRuleset.loss(node.uplink(), inPercent, outPercent));
        LOG.info("loss on {} {}: in {}%, out {}%", node.name(), node.uplink(), inPercent, outPercent);
    }

    /** The nftables ruleset loaded in {@code node}'s namespace, for diagnostics. */
    public String nftRuleset(NetNode node) {
        requireOpen();
        return netns.nftList(node.namespace());
    }

    /** A sysctl's value inside {@code node}'s namespace, e.g. {@code net.netfilter.nf_conntrack_udp_timeout}. */
    public String sysctl(NetNode node, String key) {
        requireOpen();
        return netns.readSysctl(node.namespace(), key);
    }

    /**
     * Stops every process in the network's namespaces (SIGTERM, then SIGKILL after a grace
     * period), then deletes the namespaces (and with them the links). Idempotent. Throws a
     * {@link NatNetworkException} after doing all it can if a process would not stop or a
     * namespace would not go.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<String> problems = new ArrayList<>();
        stopTracked();
        List<String> ours = new ArrayList<>(namespaces);
        Collections.reverse(ours);
        for (String namespace : ours) {
            try {
                List<Long> left = netns.killAll(namespace, PROCESS_GRACE);
                if (!left.isEmpty()) {
                    problems.add("process(es) " + left + " in " + namespace + " would not stop");
                }
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        for (String namespace : ours) {
            try {
                netns.delete(namespace);
                namespaces.remove(namespace);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        removeShutdownHook();
        if (!problems.isEmpty()) {
            throw new NatNetworkException("NAT network " + prefix + " not fully removed: " + String.join("; ", problems));
        }
        LOG.info("NAT network {} removed", prefix);
    }

    private void stopTracked() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        long deadline = System.nanoTime() + PROCESS_GRACE.toNanos();
        for (Process process : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("NAT network " + prefix + " is closed");
        }
    }

    private int checkSite(int site) {
        if (site < 1 || site > routers.size()) {
            throw new IllegalArgumentException("site must be 1.." + routers.size() + ", not " + site);
        }
        return site;
    }

    // ---------------------------------------------------------------- building

    private void create(Integer udpTimeout, Integer udpStreamTimeout) {
        String wan = prefix + "wan";
        addNamespace(wan);
        for (NetNode node : nodes()) {
            addNamespace(node.namespace());
        }
        netns.ip(wan, "link", "add", "br0", "type", "bridge", "stp_state", "0");
        netns.ip(wan, "link", "set", "br0", "up");

        // public host
        attachToSwitch(wan, "p-pub", publicHost.namespace(), publicHost.uplink());
        addressUp(publicHost.namespace(), publicHost.uplink(), PUBLIC_HOST_IP + "/24");

        for (int i = 0; i < routers.size(); i++) {
            Router router = routers.get(i);
            Host host = privateHosts.get(i);
            String r = router.namespace();
            attachToSwitch(wan, "p-" + router.name(), r, Router.WAN_IF);
            addressUp(r, Router.WAN_IF, router.publicIp() + "/24");
            netns.ip(host.namespace(), "link", "add", host.uplink(), "type", "veth", "peer", "name", Router.LAN_IF, "netns", r);
            addressUp(r, Router.LAN_IF, router.insideAddress().getHostAddress() + "/24");
            addressUp(host.namespace(), host.uplink(), host.ip() + "/24");
            netns.ip(host.namespace(), "route", "add", "default", "via", router.insideAddress().getHostAddress());

            netns.nft(r, NatRuleset.router(Router.LAN_IF, Router.WAN_IF, mode));
            netns.sysctl(r, "net.ipv4.ip_forward", "1");
            if (udpTimeout != null) {
                netns.sysctl(r, "net.netfilter.nf_conntrack_udp_timeout", udpTimeout.toString());
            }
            if (udpStreamTimeout != null) {
                netns.sysctl(r, "net.netfilter.nf_conntrack_udp_timeout_stream", udpStreamTimeout.toString());
            }
        }
    }

    private void addNamespace(String namespace) {
        netns.add(namespace);
        namespaces.add(namespace);
        netns.ip(namespace, "link", "set", "lo", "up");
        // IPv4 only: no IPv6 autoconfiguration chatter on the emulated links (a kernel without
        // IPv6 has no such sysctl, and nothing to silence)
        for (String key : List.of("net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6")) {
            try {
                netns.sysctl(namespace, key, "1");
            } catch (NatNetworkException e) {
                LOG.debug("{}: {}", namespace, e.getMessage());
            }
        }
    }

    /** A veth pair: {@code port} on the bridge in the switch namespace, {@code ifname} in {@code namespace}. */
    private void attachToSwitch(String wan, String port, String namespace, String ifname) {
        netns.ip(wan, "link", "add", port, "type", "veth", "peer", "name", ifname, "netns", namespace);
        netns.ip(wan, "link", "set", port, "master", "br0");
        netns.ip(wan, "link", "set", port, "up");
    }

    private void addressUp(String namespace, String ifname, String cidr) {
        netns.ip(namespace, "addr", "add", cidr, "dev", ifname);
        netns.ip(namespace, "link", "set", ifname, "up");
    }

    private void addShutdownHook() {
        Thread hook = new Thread(() -> {
            try {
                close();
            } catch (RuntimeException e) {
                LOG.warn("at exit: {}", e.getMessage());
            }
        }, "p2psip-natlab-cleanup-" + prefix);
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

    /** Configures and builds a {@link NatNetwork}. */
    public static final class Builder {
        private NatMode mode = NatMode.SYMMETRIC;
        private int sites = 2;
        private Integer udpTimeout;
        private Integer udpStreamTimeout;

        private Builder() {
        }

        /** true (default): {@code masquerade fully-random}; false: plain {@code masquerade} (the control case). */
        public Builder symmetric(boolean symmetric) {
            this.mode = symmetric ? NatMode.SYMMETRIC : NatMode.PORT_PRESERVING;
            return this;
        }

        public Builder mode(NatMode mode) {
            this.mode = java.util.Objects.requireNonNull(mode);
            return this;
        }

        /** Number of private networks, each a NAT router and a host (1..9, default 2). */
        public Builder sites(int sites) {
            if (sites < 1 || sites > 9) {
                throw new IllegalArgumentException("sites must be 1..9, not " + sites);
            }
            this.sites = sites;
            return this;
        }

        /**
         * The routers' conntrack UDP timeout in seconds, for unreplied and (unless
         * {@link #udpStreamTimeoutSeconds} says otherwise) replied flows alike: a NAT binding
         * without traffic for this long is gone. Default: the kernel's (30 s and 120 s).
         */
        public Builder udpTimeoutSeconds(int seconds) {
            this.udpTimeout = checkTimeout(seconds);
            if (udpStreamTimeout == null) {
                this.udpStreamTimeout = seconds;
            }
            return this;
        }

        /** The routers' conntrack timeout for UDP flows that saw traffic both ways for over 2 s. */
        public Builder udpStreamTimeoutSeconds(int seconds) {
            this.udpStreamTimeout = checkTimeout(seconds);
            return this;
        }

        /**
         * Checks root and the tools, removes stale namespaces of crashed earlier runs, then builds
         * the network. On failure, whatever was made is removed before the exception propagates.
         */
        public NatNetwork build() {
            Map<String, java.nio.file.Path> tools = Preflight.check();
            Netns netns = new Netns(tools);
            StaleNamespaces.removeStale(netns);
            String prefix = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
            NatNetwork network = new NatNetwork(netns, prefix, mode, sites);
            network.addShutdownHook();
            try {
                network.create(udpTimeout, udpStreamTimeout);
            } catch (RuntimeException e) {
                try {
                    network.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            LOG.info("NAT network {} up: {} NAT, {} site(s), UDP timeout {}/{} s", prefix, mode, sites,
                    udpTimeout == null ? "default" : udpTimeout, udpStreamTimeout == null ? "default" : udpStreamTimeout);
            return network;
        }

        private static int checkTimeout(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 s, not " + seconds);
            }
            return seconds;
        }
    }
}
