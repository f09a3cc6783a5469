package org.p2psip.tcprelay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the relay does with any of its sockets: name the other end, set timeouts, end it with {@code ERR}. */
final class RelaySockets {

    private static final Logger LOG = LoggerFactory.getLogger(RelaySockets.class);

    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 64 * 1024;

    private RelaySockets() {
    }

    /**
     * Answers {@code ERR <reason>}, lets the peer read it (reads and discards for up to 1 s, so it
     * gets the line rather than a reset), and closes the connection.
     */
    static void reject(Lifecycle owner, Socket socket, String reason) {
        String shortReason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        LOG.info("TCP relay: {} from {}, closing", shortReason, remote(socket));
        try {
            RelayProtocol.send(socket.getOutputStream(), RelayProtocol.ERR + " " + shortReason);
            socket.shutdownOutput();
            socket.setSoTimeout(DRAIN_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int total = 0;
            int n;
            while (total < DRAIN_BYTES && (n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            LOG.debug("rejecting {}: {}", remote(socket), e.toString());
        } finally {
            owner.release(socket);
        }
    }

    /** The other end, {@code host:port}, or {@code ?} if not connected. */
    static String remote(Socket socket) {
        InetAddress address = socket.getInetAddress();
        return address == null ? "?" : RelayProtocol.format(address.getHostAddress(), socket.getPort());
    }

    /** A socket timeout: at least 1 ms, at most {@code Integer.MAX_VALUE}. */
    static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }
}
