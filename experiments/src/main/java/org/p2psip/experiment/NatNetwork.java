package org.p2psip.experiment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>The network's parts: {@link NatTopology} (which machines, names and addresses),
 * {@link NatNetworkSetup} (building it), {@link NatNetworkTeardown} (removing it), {@link Netns}
 * (the {@code ip}, {@code nft} and {@code sysctl} commands).
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

    private final Netns netns;
    private final NatTopology topology;
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private Thread shutdownHook;

    private NatNetwork(Netns netns, NatTopology topology) {
        this.netns = netns;
        this.topology = topology;
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
        return topology.publicHost();
    }

    /** The host on private network {@code site} (1-based): 10.site.0.2. */
    public Host privateHost(int site) {
        return topology.privateHost(site);
    }

    /** The NAT router of private network {@code site} (1-based). */
    public Router router(int site) {
        return topology.router(site);
    }

    /** Number of private networks (NAT router plus host). */
    public int sites() {
        return topology.sites();
    }

    public NatMode mode() {
        return topology.mode();
    }

    /** Every machine: public host, routers, private hosts. */
    public List<NetNode> nodes() {
        return topology.nodes();
    }

    /** The common prefix of this network's namespace names, e.g. {@code p2psip-4711-1-}. */
    public String namePrefix() {
        return topology.prefix();
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
        List<String> problems = NatNetworkTeardown.tearDown(netns, processes, namespaces);
        removeShutdownHook();
        if (!problems.isEmpty()) {
            throw new NatNetworkException("NAT network " + topology.prefix() + " not fully removed: " + String.join("; ", problems));
        }
        LOG.info("NAT network {} removed", topology.prefix());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("NAT network " + topology.prefix() + " is closed");
        }
    }

    private void addShutdownHook() {
        Thread hook = new Thread(() -> {
            try {
                close();
            } catch (RuntimeException e) {
                LOG.warn("at exit: {}", e.getMessage());
            }
        }, "p2psip-natlab-cleanup-" + topology.prefix());
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
            this.mode = Objects.requireNonNull(mode);
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
            Map<String, Path> tools = Preflight.check();
            Netns netns = new Netns(tools);
            StaleNamespaces.removeStale(netns);
            String prefix = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
            NatNetwork network = new NatNetwork(netns, new NatTopology(prefix, mode, sites));
            network.addShutdownHook();
            try {
                new NatNetworkSetup(netns, network.namespaces::add).create(network.topology, udpTimeout,
                        udpStreamTimeout);
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
