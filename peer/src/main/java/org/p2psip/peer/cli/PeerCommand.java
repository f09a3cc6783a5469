package org.p2psip.peer.cli;

import java.util.concurrent.CountDownLatch;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;

/** {@code ./p2psip peer}: runs a complete overlay peer in the foreground until SIGTERM or Ctrl-C. */
public final class PeerCommand {
    private PeerCommand() {
    }

    static final String USAGE = "usage: ./p2psip peer [--bootstrap HOST:PORT] [options]\n\n"
            + "Runs one overlay peer (SATO Overlay Node): the Overlay Manager with its SOAP endpoint (OM IF),\n"
            + "its lookup node (Chord), a P2PSIP-Port (phones register here: it is their registrar and outbound\n"
            + "proxy) and an RTP-Port, wired over Unix-domain sockets in the state directory. Without --bootstrap\n"
            + "it creates the overlay; with it, it joins through that peer's lookup node (its --dht-port, or found\n"
            + "through that peer's OM IF when given its --om-port HOST:PORT or OM IF URL).\n"
            + "SIGTERM or Ctrl-C: deregisters the users, leaves the ring, stops the SATO-Ports.\n\noptions:\n";

    public static int run(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE + PeerConfig.optionsHelp());
                return 0;
            }
        }
        PeerConfig config;
        try {
            config = PeerConfig.parse(args);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("p2psip peer: " + e.getMessage());
            return 2;
        }
        Peer peer;
        try {
            peer = Peer.start(config);
        } catch (Exception e) {
            System.err.println("p2psip peer: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            peer.close();
            stopped.countDown();
        }, "peer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            System.out.println("peer " + config.name() + " up: SIP " + peer.sipAddress() + ", OM IF " + peer.overlayManager().url()
                    + (peer.bootstrapAddress() != null
                    ? ", lookup " + peer.bootstrapAddress() + " (use --bootstrap " + peer.bootstrapAddress() + " to join)"
                    : ", behind a NAT: reached as " + peer.overlayManager().address() + ", lookup through " + config.bootstrap())
                    + (peer.operatorListener() != null ? ", web view " + peer.operatorListener().viewUrl()
                    + ", metrics " + peer.operatorListener().metricsUrl() : ""));
            System.out.flush();
            stopped.await();
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
