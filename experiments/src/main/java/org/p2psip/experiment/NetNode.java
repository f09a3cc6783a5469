package org.p2psip.experiment;

import java.net.Inet4Address;

/**
 * A machine of the emulated network: one network namespace with one uplink towards the public
 * segment (a host's only interface, a router's public side).
 */
public sealed interface NetNode permits Host, Router {

    /** Short role name: {@code pub}, {@code h1}, {@code r1}, ... */
    String name();

    /** The network namespace's name, for {@code ip netns exec NAME ...}. */
    String namespace();

    /** The address other machines use to reach this one (a router's public address). */
    Inet4Address address();

    /** The interface towards the public segment, where {@link NatNetwork#setLoss} drops packets. */
    String uplink();
}
