package org.p2psip.experiment;

import java.net.Inet4Address;
import java.util.Optional;

/**
 * An end host: the public host (relay peer and bootstrap, no NAT) or a private host behind a NAT
 * router (an overlay peer and its phones). Its one interface is {@code eth0}.
 */
public final class Host extends AbstractNetNode implements NetNode {

    private final Inet4Address gateway;

    /** @param address the host's own address (10.x for a private host: what it sees, not what others see) */
    Host(String name, String namespace, Inet4Address address, Inet4Address gateway) {
        super(name, namespace, address);
        this.gateway = gateway;
    }

    /** The address as text, e.g. {@code 10.1.0.2}. */
    public String ip() {
        return address().getHostAddress();
    }

    /** Its default gateway (the NAT router's inside address); empty for the public host. */
    public Optional<Inet4Address> gateway() {
        return Optional.ofNullable(gateway);
    }

    /** Whether the host sits behind a NAT router. */
    public boolean isPrivate() {
        return gateway != null;
    }

    @Override
    public String uplink() {
        return "eth0";
    }

    @Override
    public String toString() {
        return name() + "(" + namespace() + ", " + ip() + ")";
    }
}
