package org.p2psip.lookup.chord;

import java.util.Objects;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

/**
 * A ring member: its id and the address others reach it at. The id of a node is SHA-1 of its
 * advertised address written as {@code host:port} (IPv6 hosts in brackets, {@code [::1]:4000}),
 * so a node that restarts at the same address gets the same place on the ring.
 */
public final class NodeRef {
    private final Id id;
    private final String host;
    private final int port;

    public NodeRef(Id id, String host, int port) {
        this.id = Objects.requireNonNull(id);
        this.host = Objects.requireNonNull(host);
        this.port = port;
    }

    /** The node at {@code host:port}, with its id derived from the address. */
    public static NodeRef of(String host, int port) {
        return new NodeRef(idOf(host, port), host, port);
    }

    /** The id of a node advertised at {@code host:port}: SHA-1 of {@link #formatAddress}. */
    public static Id idOf(String host, int port) {
        return Id.hash(formatAddress(host, port));
    }

    public static String formatAddress(String host, int port) {
        return new Address(host, port).toString();
    }

    public static NodeRef of(Address a) {
        return of(a.host(), a.port());
    }

    public Address toAddress() {
        return new Address(host, port);
    }

    public Id id() {
        return id;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}. */
    public String address() {
        return formatAddress(host, port);
    }

    /** Same node: same id and same address. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NodeRef)) {
            return false;
        }
        NodeRef n = (NodeRef) o;
        return n.id.equals(id) && n.port == port && n.host.equals(host);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address();
    }
}
