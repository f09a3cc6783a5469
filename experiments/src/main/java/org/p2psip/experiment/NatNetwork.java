package org.p2psip.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
 * <p>It is one topology of the {@link Lab}: a public site {@code pub} and NAT'ed sites {@code h1},
 * {@code h2}, ... behind routers {@code r1}, {@code r2}, ...; {@link #lab()} gives the lab itself
 * (links with rate and loss, load).
 *
 * <p>Thread-safe: {@link #exec}, {@link #run} and {@link #setLoss} may be called from any thread.
 */
public final class NatNetwork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatNetwork.class);

    /** The public segment (TEST-NET-3, RFC 5737: never routed on the Internet). */
    public static final String PUBLIC_CIDR = "203.0.113.0/24";
    /** The public host's address. */
    public static final String PUBLIC_HOST_IP = "203.0.113.10";

    private final Lab lab;
    private final NatMode mode;

    private NatNetwork(Lab lab, NatMode mode) {
        this.lab = lab;
        this.mode = mode;
    }

    /** A builder with the defaults: symmetric NAT, two private networks, kernel UDP timeouts. */
    public static Builder builder() {
        return new Builder();
    }

    /** The public address of NAT router {@code site} (1-based): 203.0.113.(100 + site). */
    public static String routerPublicIp(int site) {
        return "203.0.113." + (100 + site);
    }

    /** The lab this network is built as: its sites {@code pub}, {@code h1}, {@code h2}, ..., links and load. */
    public Lab lab() {
        return lab;
    }

    /** The host on the public segment, behind no NAT (relay peer, bootstrap). */
    public Host publicHost() {
        return lab.site("pub").host();
    }

    /** The host on private network {@code site} (1-based): 10.site.0.2. */
    public Host privateHost(int site) {
        return lab.site("h" + checkSite(site)).host();
    }

    /** The NAT router of private network {@code site} (1-based). */
    public Router router(int site) {
        return lab.site("h" + checkSite(site)).router().orElseThrow();
    }

    /** Number of private networks (NAT router plus host). */
    public int sites() {
        return lab.sites().size() - 1;
    }

    public NatMode mode() {
        return mode;
    }

    /** Every machine: public host, routers, private hosts. */
    public List<NetNode> nodes() {
        return lab.nodes();
    }

    /** The common prefix of this network's namespace names, e.g. {@code p2psip-4711-1-}. */
    public String namePrefix() {
        return lab.namePrefix();
    }

    /** The namespaces this network made (including the switch namespace {@code ...wan}). */
    public List<String> namespaces() {
        return lab.namespaces();
    }

    public boolean isClosed() {
        return lab.isClosed();
    }

    /**
     * Starts {@code template}'s command inside {@code node}'s namespace ({@code ip netns exec NAME
     * command...}), keeping its directory, environment and redirects. The process is tracked:
     * {@link #close()} stops it.
     */
    public Process start(NetNode node, ProcessBuilder template) {
        return lab.start(node, template);
    }

    /** Starts {@code command} inside {@code node}'s namespace (pipes for its input and output). */
    public Process exec(NetNode node, String... command) {
        return lab.exec(node, List.of(command));
    }

    /** Starts {@code command} inside {@code node}'s namespace (pipes for its input and output). */
    public Process exec(NetNode node, List<String> command) {
        return lab.exec(node, command);
    }

    /** Runs a short command inside {@code node}'s namespace to completion (killed after {@code timeout}). */
    public CommandResult run(NetNode node, Duration timeout, String... command) {
        return lab.run(node, timeout, command);
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
        lab.requireOpen();
        lab.netns().nft(node.namespace(), NatRuleset.loss(node.uplink(), inPercent, outPercent));
        LOG.info("loss on {} {}: in {}%, out {}%", node.name(), node.uplink(), inPercent, outPercent);
    }

    /** The nftables ruleset loaded in {@code node}'s namespace, for diagnostics. */
    public String nftRuleset(NetNode node) {
        return lab.nftRuleset(node);
    }

    /** A sysctl's value inside {@code node}'s namespace, e.g. {@code net.netfilter.nf_conntrack_udp_timeout}. */
    public String sysctl(NetNode node, String key) {
        return lab.sysctl(node, key);
    }

    /**
     * Stops every process in the network's namespaces (SIGTERM, then SIGKILL after a grace
     * period), then deletes the namespaces (and with them the links). Idempotent. Throws a
     * {@link NatNetworkException} after doing all it can if a process would not stop or a
     * namespace would not go.
     */
    @Override
    public void close() {
        lab.close();
    }

    private int checkSite(int site) {
        int sites = sites();
        if (site < 1 || site > sites) {
            throw new IllegalArgumentException("site must be 1.." + sites + ", not " + site);
        }
        return site;
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

        /** The lab topology this network is: site {@code pub}, then sites {@code h1}.. behind routers {@code r1}... */
        public Topology topology() {
            Topology.Builder topology = Topology.builder().site("pub");
            for (int i = 1; i <= sites; i++) {
                topology.natSite("h" + i, "r" + i, mode);
            }
            return topology.conntrackUdpTimeouts(udpTimeout, udpStreamTimeout).build();
        }

        /**
         * Checks root and the tools, removes stale namespaces of crashed earlier runs, then builds
         * the network. On failure, whatever was made is removed before the exception propagates.
         */
        public NatNetwork build() {
            Lab lab = Lab.start(topology());
            LOG.info("NAT network {} up: {} NAT, {} site(s), UDP timeout {}/{} s", lab.namePrefix(), mode, sites,
                    udpTimeout == null ? "default" : udpTimeout, udpStreamTimeout == null ? "default" : udpStreamTimeout);
            return new NatNetwork(lab, mode);
        }

        private static int checkTimeout(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 s, not " + seconds);
            }
            return seconds;
        }
    }
}
