package org.p2psip.experiment;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link Lab}'s sites out of namespaces: every namespace with {@code lo} up and IPv6 off,
 * the backbone bridge {@code br0} in the namespace {@code <prefix>wan}, a veth pair from the bridge
 * to each public host's {@code eth0} and to each NAT router's {@code wan0}, a veth pair from each
 * router's {@code lan0} to its host (default route via the router), and in each router the NAT
 * ruleset, {@code ip_forward} and the conntrack UDP timeouts if set. Shaping and loss come later
 * ({@link LinkShaping}, {@link LinkLoss}).
 */
final class LabSetup {

    private static final Logger LOG = LoggerFactory.getLogger(LabSetup.class);

    private final Netns netns;
    private final Consumer<String> made;

    /** @param made told each namespace's name as soon as it exists, so that a failure can remove it */
    LabSetup(Netns netns, Consumer<String> made) {
        this.netns = netns;
        this.made = made;
    }

    /**
     * @param wan   the backbone's namespace
     * @param nodes every machine, in the order their namespaces are made (public hosts, routers, NAT'ed hosts)
     * @param sites the sites those machines form
     */
    void create(String wan, List<NetNode> nodes, List<Site> sites, Topology topology) {
        addNamespace(wan);
        for (NetNode node : nodes) {
            addNamespace(node.namespace());
        }
        netns.ip(wan, "link", "add", "br0", "type", "bridge", "stp_state", "0");
        netns.ip(wan, "link", "set", "br0", "up");

        for (Site site : sites) {
            Host host = site.host();
            if (site.router().isEmpty()) {
                attachToSwitch(wan, "p-" + host.name(), host.namespace(), host.uplink());
                addressUp(host.namespace(), host.uplink(), host.ip() + "/24");
                continue;
            }
            Router router = site.router().get();
            String r = router.namespace();
            attachToSwitch(wan, "p-" + router.name(), r, Router.WAN_IF);
            addressUp(r, Router.WAN_IF, router.publicIp() + "/24");
            netns.ip(host.namespace(), "link", "add", host.uplink(), "type", "veth", "peer", "name", Router.LAN_IF,
                    "netns", r);
            addressUp(r, Router.LAN_IF, router.insideAddress().getHostAddress() + "/24");
            addressUp(host.namespace(), host.uplink(), host.ip() + "/24");
            netns.ip(host.namespace(), "route", "add", "default", "via", router.insideAddress().getHostAddress());

            netns.nft(r, NatRuleset.router(Router.LAN_IF, Router.WAN_IF, router.mode()));
            netns.sysctl(r, "net.ipv4.ip_forward", "1");
            if (topology.udpTimeoutSeconds().isPresent()) {
                netns.sysctl(r, "net.netfilter.nf_conntrack_udp_timeout", topology.udpTimeoutSeconds().get().toString());
            }
            if (topology.udpStreamTimeoutSeconds().isPresent()) {
                netns.sysctl(r, "net.netfilter.nf_conntrack_udp_timeout_stream",
                        topology.udpStreamTimeoutSeconds().get().toString());
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
