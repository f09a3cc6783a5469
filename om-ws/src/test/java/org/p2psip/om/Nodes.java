package org.p2psip.om;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.p2psip.om.ports.ControlSatoPorts;

/** Test helpers: Overlay Managers on loopback (ephemeral ports) with their ports on real Unix sockets. */
final class Nodes implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final List<AutoCloseable> owned = new ArrayList<>();

    static String randomId() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    PortStandIns ports(String overlay) throws Exception {
        PortStandIns p = new PortStandIns(overlay);
        owned.add(p);
        return p;
    }

    OverlayManager om(PortStandIns p) throws Exception {
        return om(p, Duration.ofSeconds(30), 3);
    }

    OverlayManager om(PortStandIns p, Duration probeInterval, int failuresBeforeLost) throws Exception {
        String id = randomId();
        ControlSatoPorts ports = ControlSatoPorts.builder()
                .rtpPort(p.rtp.path())
                .p2psipPort(p.sip.path())
                .nodeName(id.substring(0, 8))
                .connect();
        OverlayManager om = OverlayManager.builder().nodeId(id).ports(ports)
                .probeInterval(probeInterval).failuresBeforeLost(failuresBeforeLost).build().start();
        owned.add(0, om);
        return om;
    }

    static void await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
