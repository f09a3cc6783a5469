package org.p2psip.interop.nat;

import org.p2psip.om.experiment.NatNetwork;

/**
 * A program that builds a network, starts a process inside it and dies without cleaning up
 * ({@code Runtime.halt}: no shutdown hooks), as a crashed or SIGKILLed experiment would. Prints
 * the network's name prefix first.
 */
public final class CrashingOwner {

    private CrashingOwner() {
    }

    public static void main(String[] args) throws Exception {
        NatNetwork net = NatNetwork.builder().build();
        net.exec(net.privateHost(1), "sleep", "600");
        System.out.println(net.namePrefix());
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}
