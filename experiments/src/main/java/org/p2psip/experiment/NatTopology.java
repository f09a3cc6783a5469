package org.p2psip.experiment;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link NatNetwork} consists of, before anything is built: the switch namespace, the public
 * host 203.0.113.10, and per site {@code i} a NAT router (public 203.0.113.(100+i), inside 10.i.0.1)
 * and a private host 10.i.0.2 behind it, all named {@code <prefix><role>}.
 */
final class NatTopology {

    private final String prefix;
    private final NatMode mode;
    private final Host publicHost;
    private final List<Router> routers;
    private final List<Host> privateHosts;

    NatTopology(String prefix, NatMode mode, int sites) {
        this.prefix = prefix;
        this.mode = mode;
        this.publicHost = new Host("pub", prefix + "pub", ipv4(NatNetwork.PUBLIC_HOST_IP), null);
        List<Router> r = new ArrayList<>();
        List<Host> h = new ArrayList<>();
        for (int i = 1; i <= sites; i++) {
            Router router = new Router("r" + i, prefix + "r" + i, ipv4(NatNetwork.routerPublicIp(i)),
                    ipv4("10." + i + ".0.1"), "10." + i + ".0.0/24", mode);
            r.add(router);
            h.add(new Host("h" + i, prefix + "h" + i, ipv4("10." + i + ".0.2"), router.insideAddress()));
        }
        this.routers = List.copyOf(r);
        this.privateHosts = List.copyOf(h);
    }

    String prefix() {
        return prefix;
    }

    NatMode mode() {
        return mode;
    }

    /** The namespace of the public segment's bridge {@code br0}. */
    String switchNamespace() {
        return prefix + "wan";
    }

    Host publicHost() {
        return publicHost;
    }

    int sites() {
        return routers.size();
    }

    /** Site {@code site}'s (1-based) router. */
    Router router(int site) {
        return routers.get(checkSite(site) - 1);
    }

    /** Site {@code site}'s (1-based) private host. */
    Host privateHost(int site) {
        return privateHosts.get(checkSite(site) - 1);
    }

    /** Public host, routers, private hosts. */
    List<NetNode> nodes() {
        List<NetNode> all = new ArrayList<>();
        all.add(publicHost);
        all.addAll(routers);
        all.addAll(privateHosts);
        return all;
    }

    private int checkSite(int site) {
        if (site < 1 || site > routers.size()) {
            throw new IllegalArgumentException("site must be 1.." + routers.size() + ", not " + site);
        }
        return site;
    }

    private static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
