package org.p2psip.sip.transport;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TLSMessageChannel;
import gov.nist.javax.sip.stack.TLSMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listening point of a secured P2PSIP-Port's overlay side: the RI's TLS processor with two
 * changes. Its accept loop logs an accept error and goes on (as {@link ConnectionListener} does for
 * TCP) instead of ending, and its connections ({@link Channel}, accepted and opened alike) do not
 * answer the CRLFs the RI feeds its own parser when a connection ends: over TLS that answer cannot be
 * written once the far side has closed, and the RI then opened a new connection to the far side
 * just for it (an ERROR in the log at every stop of a peer). Peers send no RFC 5626 keepalives on the
 * overlay side, so there is nothing else to answer.
 */
final class OverlayTlsListener extends TLSMessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(OverlayTlsListener.class);
    private static final long ACCEPT_ERROR_PAUSE_MS = 100;
    private static final String TLS = "TLS";

    private final AtomicInteger accepted = new AtomicInteger();

    OverlayTlsListener(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
    }

    @Override
    public void run() {
        while (isRunning) {
            Socket s;
            try {
                s = sock.accept();
            } catch (IOException e) {
                if (!isRunning) {
                    return;
                }
                log.warn("SIP TLS listener {}:{}: accept failed ({}); going on", getIpAddress().getHostAddress(), getPort(),
                        e.getMessage());
                pause();
                continue;
            }
            try {
                Channel ch = new Channel(s, sipStack, this, "SIP-TLS-" + getPort() + "-" + accepted.incrementAndGet());
                incomingMessageChannels.put(ch.getKey(), ch);
            } catch (IOException | RuntimeException e) {
                log.info("SIP TLS connection from {} dropped: {}", s.getRemoteSocketAddress(), e.getMessage());
                try {
                    s.close();
                } catch (IOException x) {
                    // already gone
                }
            }
        }
    }

    @Override
    public synchronized MessageChannel createMessageChannel(HostPort target) throws IOException {
        return channel(MessageChannel.getKey(target, TLS), target.getInetAddress(), target.getPort());
    }

    @Override
    public synchronized MessageChannel createMessageChannel(InetAddress host, int port) throws IOException {
        return channel(MessageChannel.getKey(host, port, TLS), host, port);
    }

    /** The cached connection to {@code host:port}, or a new one (cached), as the RI's processor does. */
    private MessageChannel channel(String key, InetAddress host, int port) throws IOException {
        MessageChannel known = messageChannels.get(key);
        if (known != null) {
            return known;
        }
        Channel ch = new Channel(host, port, sipStack, this);
        messageChannels.put(key, ch);
        ch.cached();
        return ch;
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_ERROR_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One overlay TLS connection: the RI's, without the CRLF answer at its end, its messages handled through {@link MessageHandling}. */
    static final class Channel extends TLSMessageChannel {
        Channel(Socket socket, SIPTransactionStack stack, TLSMessageProcessor processor, String name) throws IOException {
            super(socket, stack, processor, name);
        }

        Channel(InetAddress address, int port, SIPTransactionStack stack, TLSMessageProcessor processor) throws IOException {
            super(address, port, stack, processor);
        }

        void cached() {
            isCached = true;
        }

        @Override
        public void processMessage(gov.nist.javax.sip.message.SIPMessage message) throws Exception {
            MessageHandling.guarded(getKey(), message, () -> super.processMessage(message));
        }

        @Override
        public void sendSingleCLRF() {
            log.debug("SIP TLS connection {}: CRLF at its end not answered", getKey());
        }
    }
}
