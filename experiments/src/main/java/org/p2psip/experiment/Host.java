package org.p2psip.experiment;

import java.net.Inet4Address;
import java.util.Objects;
import java.util.Optional;

/**
 * An end host: the public host (relay peer and bootstrap, no NAT) or a private host behind a NAT
 * router (an overlay peer and its phones). Its one interface is {@code eth0}.
 */
public final class Host implements NetNode {

    private final String name;
    private final String namespace;
    private final Inet4Address address;
    private final Inet4Address gateway;

    Host(String name, String namespace, Inet4Address address, Inet4Address gateway) {
        this.name = Objects.requireNonNull(name);
        this.namespace = Objects.requireNonNull(namespace);
        this.address = Objects.requireNonNull(address);
        this.gateway = gateway;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    /** The host's own address (10.x for a private host: what it sees, not what others see). */
    @Override
    public Inet4Address address() {
        return address;
    }

    /** The address as text, e.g. {@code 10.1.0.2}. */
    public String ip() {
        return address.getHostAddress();
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
        return name + "(" + namespace + ", " + ip() + ")";
    }
}
