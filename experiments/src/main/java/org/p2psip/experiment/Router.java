package org.p2psip.experiment;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A NAT router: inside interface {@code lan0} on its private network, public side {@code wan0} on
 * the public segment, source NAT and stateful filtering by nftables ({@link NatRuleset#router}).
 */
public final class Router extends AbstractNetNode implements NetNode {

    /** Inside interface name. */
    public static final String LAN_IF = "lan0";
    /** Public-side interface name. */
    public static final String WAN_IF = "wan0";

    private final Inet4Address insideAddress;
    private final String lanCidr;
    private final NatMode mode;

    Router(String name, String namespace, Inet4Address publicAddress, Inet4Address insideAddress,
           String lanCidr, NatMode mode) {
        super(name, namespace, publicAddress);
        this.insideAddress = Objects.requireNonNull(insideAddress);
        this.lanCidr = Objects.requireNonNull(lanCidr);
        this.mode = Objects.requireNonNull(mode);
    }

    /** The public address, {@link #address()}: the source address of everything the inside sends out. */
    public Inet4Address publicAddress() {
        return address();
    }

    /** The public address as text, e.g. {@code 203.0.113.101}. */
    public String publicIp() {
        return address().getHostAddress();
    }

    /** The inside address, the private host's default gateway, e.g. {@code 10.1.0.1}. */
    public Inet4Address insideAddress() {
        return insideAddress;
    }

    /** The private network behind it, e.g. {@code 10.1.0.0/24}. */
    public String lanCidr() {
        return lanCidr;
    }

    public NatMode mode() {
        return mode;
    }

    @Override
    public String uplink() {
        return WAN_IF;
    }

    @Override
    public String toString() {
        return name() + "(" + namespace() + ", " + publicIp() + " / " + lanCidr + ", " + mode + ")";
    }
}
