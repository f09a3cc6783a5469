package org.p2psip.experiment;

import java.net.Inet4Address;
import java.util.Objects;

/** What every {@link NetNode} has: its role name, its namespace and the address others reach it at. */
abstract class AbstractNetNode {

    private final String name;
    private final String namespace;
    private final Inet4Address address;

    AbstractNetNode(String name, String namespace, Inet4Address address) {
        this.name = Objects.requireNonNull(name);
        this.namespace = Objects.requireNonNull(namespace);
        this.address = Objects.requireNonNull(address);
    }

    /** Short role name: {@code pub}, {@code h1}, {@code r1}, ... */
    public String name() {
        return name;
    }

    /** The network namespace's name, for {@code ip netns exec NAME ...}. */
    public String namespace() {
        return namespace;
    }

    /** The address other machines use to reach this one (a router's public address). */
    public Inet4Address address() {
        return address;
    }
}
