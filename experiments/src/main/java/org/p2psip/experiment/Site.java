package org.p2psip.experiment;

import java.net.Inet4Address;
import java.util.Objects;
import java.util.Optional;

/**
 * One site of a running {@link Lab}: its host (where peers, phones and load run) and, for a
 * NAT'ed site, the NAT router between that host and the backbone.
 */
public final class Site {

    private final Topology.SiteSpec spec;
    private final Host host;
    private final Router router;

    Site(Topology.SiteSpec spec, Host host, Router router) {
        this.spec = Objects.requireNonNull(spec);
        this.host = Objects.requireNonNull(host);
        this.router = router;
    }

    /** The site's name, e.g. {@code A}. */
    public String name() {
        return spec.name();
    }

    /** The site's host. */
    public Host host() {
        return host;
    }

    /** The NAT router in front of the host, if the site is NAT'ed. */
    public Optional<Router> router() {
        return Optional.ofNullable(router);
    }

    public boolean behindNat() {
        return router != null;
    }

    /** The host's namespace, for {@code ip netns exec NAME ...}. */
    public String namespace() {
        return host.namespace();
    }

    /** The host's own address, e.g. {@code 203.0.113.11} (or {@code 10.1.0.2} behind a NAT): what it binds to. */
    public String ip() {
        return host.ip();
    }

    /** The address other sites reach it at: its own, or its router's public address. */
    public Inet4Address address() {
        return router != null ? router.publicAddress() : host.address();
    }

    /** {@link #address()} as text. */
    public String publicIp() {
        return address().getHostAddress();
    }

    /** The machine whose uplink is on the backbone: the router, or the host of a public site. */
    public NetNode edge() {
        return router != null ? router : host;
    }

    Topology.SiteSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return name() + "(" + namespace() + ", " + ip() + (router != null ? " behind " + router.publicIp() : "") + ")";
    }
}
