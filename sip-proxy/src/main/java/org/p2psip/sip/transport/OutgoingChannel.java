package org.p2psip.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageChannel;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP connection the P2PSIP-Port opens (to another peer's overlay side, or to a phone over TCP):
 * the RI's {@code TCPMessageChannel}, cached as the RI caches it, whose answers (the responses the far
 * side sends back on it) are handled through {@link MessageHandling}: a failure handling one response
 * no longer ends the connection that carries every other call to that peer.
 */
final class OutgoingChannel extends TCPMessageChannel {
    private static final Logger log = LoggerFactory.getLogger(OutgoingChannel.class);

    OutgoingChannel(InetAddress host, int port, SIPTransactionStack stack, TCPMessageProcessor processor) throws IOException {
        super(host, port, stack, processor);
        isCached = true;
    }

    @Override
    public void processMessage(SIPMessage message) throws Exception {
        MessageHandling.guarded(getKey(), message, () -> super.processMessage(message));
    }

    @Override
    public void close(boolean removeSocket, boolean stopKeepAliveTask) {
        log.debug("SIP connection {} (opened from local port {}) closed", getKey(), mySock == null ? -1 : mySock.getLocalPort());
        super.close(removeSocket, stopKeepAliveTask);
    }
}
