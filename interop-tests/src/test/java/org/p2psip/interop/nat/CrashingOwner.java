package org.p2psip.interop.nat;

import org.p2psip.experiment.NatNetwork;

/**
 * A program that builds a network, starts a process inside it and ends without closing it: with
 * argument {@code halt} it dies like a crashed or SIGKILLed experiment ({@code Runtime.halt}: no
 * shutdown hooks), with {@code exit} it just exits (the shutdown hook must clean up). Prints the
 * network's name prefix first.
 */
public final class CrashingOwner {

    private CrashingOwner() {
    }

    public static void main(String[] args) throws Exception {
        NatNetwork net = NatNetwork.builder().build();
        net.exec(net.privateHost(1), "sleep", "600");
        System.out.println(net.namePrefix());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(3);
        }
        Runtime.getRuntime().halt(137);
    }
}
