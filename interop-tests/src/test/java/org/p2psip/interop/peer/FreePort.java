package org.p2psip.interop.peer;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports free a moment ago, for child processes that need numbers on their command line. */
final class FreePort {

    private FreePort() {
    }

    /** A port free for both TCP and UDP on 127.0.0.1 right now. */
    static int tcpAndUdp() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                p = s.getLocalPort();
            }
            if (udpFree(p)) {
                return p;
            }
        }
        throw new IOException("no port free for TCP and UDP on loopback after 50 tries");
    }

    /** A UDP port p with p and p+2 free (sipp's RTP echo binds both). */
    static int udpPairPlus2() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                p = s.getLocalPort();
            }
            if (p + 2 <= 65535 && udpFree(p + 2)) {
                return p;
            }
        }
        throw new IOException("no free UDP port pair (p, p+2) on loopback");
    }

    static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
