package org.p2psip.sip.transport;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listening point of the P2PSIP-Port (UA side or overlay side): accepts connections and gives
 * each a {@link ConnectionChannel} (the RI's reader thread per connection). Replaces the RI's accept
 * loop, which stops accepting for good on the first error it does not expect; this one logs, pauses
 * briefly (e.g. out of file descriptors) and goes on.
 */
final class ConnectionListener extends TCPMessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(ConnectionListener.class);
    private static final long ACCEPT_ERROR_PAUSE_MS = 100;

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    ConnectionListener(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
    }

    @Override
    public void run() {
        while (isRunning) {
            Socket s;
            try {
                s = sock.accept();
            } catch (SocketException e) {
                if (!isRunning) {
                    return;
                }
                log.warn("SIP TCP listener {}:{}: accept failed ({}); going on", getIpAddress().getHostAddress(), getPort(),
                        e.getMessage());
                pause();
                continue;
            } catch (IOException e) {
                log.warn("SIP TCP listener {}:{}: accept failed ({}); going on", getIpAddress().getHostAddress(), getPort(),
                        e.getMessage());
                pause();
                continue;
            }
            admit(s);
        }
    }

    private void admit(Socket s) {
        try {
            ConnectionChannel ch = new ConnectionChannel(s, sipStack, this, "SIP-TCP-" + getPort() + "-" + accepted.incrementAndGet());
            open.incrementAndGet();
            incomingMessageChannels.put(ch.getKey(), ch);
        } catch (IOException | RuntimeException e) {
            log.info("SIP TCP connection from {} dropped: {}", s.getRemoteSocketAddress(), e.getMessage());
            closeQuietly(s);
        }
    }

    /** A connection of this listener closed (called once per connection). */
    void closed(ConnectionChannel ch) {
        open.decrementAndGet();
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_ERROR_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
