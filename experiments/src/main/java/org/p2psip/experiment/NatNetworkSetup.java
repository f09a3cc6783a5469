package org.p2psip.experiment;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link NatTopology} out of namespaces: every namespace with {@code lo} up and IPv6 off,
 * the bridge {@code br0} in the switch namespace, a veth pair from the bridge to the public host and
 * to each router's {@code wan0}, a veth pair from each router's {@code lan0} to its private host
 * (default route via the router), and in each router the NAT ruleset, {@code ip_forward} and the
 * conntrack UDP timeouts if set.
 */
final class NatNetworkSetup {

    private static final Logger LOG = LoggerFactory.getLogger(NatNetworkSetup.class);

    private final Netns netns;
    private final Consumer<String> made;

    /** @param made told each namespace's name as soon as it exists, so that a failure can remove it */
    NatNetworkSetup(Netns netns, Consumer<String> made) {
        this.netns = netns;
        this.made = made;
    }

    /** @param udpTimeout, udpStreamTimeout conntrack UDP timeouts in seconds; null: the kernel's */
    void create(NatTopology topology, Integer udpTimeout, Integer udpStreamTimeout) {
        String wan = topology.switchNamespace();
        addNamespace(wan);
        for (NetNode node : topology.nodes()) {
            addNamespace(node.namespace());
        }
        netns.ip(wan, "link", "add", "br0", "type", "bridge", "stp_state", "0");
        netns.ip(wan, "link", "set", "br0", "up");

        Host publicHost = topology.publicHost();
        attachToSwitch(wan, "p-pub", publicHost.namespace(), publicHost.uplink());
        addressUp(publicHost.namespace(), publicHost.uplink(), NatNetwork.PUBLIC_HOST_IP + "/24");

        for (int site = 1; site <= topology.sites(); site++) {
            Router router = topology.router(site);
            Host host = topology.privateHost(site);
            String r = router.namespace();
            attachToSwitch(wan, "p-" + router.name(), r, Router.WAN_IF);
            addressUp(r, Router.WAN_IF, router.publicIp() + "/24");
            netns.ip(host.namespace(), "link", "add", host.uplink(), "type", "veth", "peer", "name", Router.LAN_IF,
                    "netns", r);
            addressUp(r, Router.LAN_IF, router.insideAddress().getHostAddress() + "/24");
            addressUp(host.namespace(), host.uplink(), host.ip() + "/24");
            netns.ip(host.namespace(), "route", "add", "default", "via", router.insideAddress().getHostAddress());

            netns.nft(r, NatRuleset.router(Router.LAN_IF, Router.WAN_IF, topology.mode()));
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
        made.accept(namespace);
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
}
