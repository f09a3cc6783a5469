package org.p2psip.interop.baresip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports for child processes that need a port number on their command line or in a
 * config file: the OS picks one (bind to port 0), we release it and pass the number on. Another
 * process may grab it in between, so every launcher that uses these retries with a fresh port when
 * the child reports "address in use".
 */
final class FreePorts {

    private FreePorts() {
    }

    /** A TCP port free on 127.0.0.1 right now. */
    static int tcp() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on loopback", e);
        }
    }

    /** A UDP port free on 127.0.0.1 right now. */
    static int udp() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }

    /** A UDP port p with p and p+2 both free on 127.0.0.1 right now (sipp's RTP echo uses both). */
    static int udpPairPlus2() {
        for (int i = 0; i < 50; i++) {
            int p = udp();
            if (p + 2 <= 65535 && udpFree(p + 2)) {
                return p;
            }
        }
        throw new IllegalStateException("no free UDP port pair (p, p+2) on loopback after 50 tries");
    }

    /** True if a UDP socket can bind 127.0.0.1:port now. */
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
