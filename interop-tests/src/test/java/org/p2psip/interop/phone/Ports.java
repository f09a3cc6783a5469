package org.p2psip.interop.phone;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/** Free loopback UDP ports for tools that need a number on their command line. */
final class Ports {

    private Ports() {
    }

    /** A UDP port that was free a moment ago. */
    static int freeUdp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** A port p such that p and p+2 were free a moment ago (sipp's RTP echo binds both). */
    static int freeUdpPairPlus2() throws IOException {
        for (int i = 0; i < 100; i++) {
            int p = freeUdp();
            if (p + 2 <= 65535 && isFree(p + 2)) {
                return p;
            }
        }
        throw new IOException("no free UDP port p with p+2 free on loopback");
    }

    static boolean isFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }
}
