package org.p2psip.sip.transport;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import javax.sip.ListeningPoint;

/**
 * The P2PSIP-Port's SIP listeners, handed to JAIN-SIP through the stack property
 * {@value #PROPERTY}: TCP listening points (the UA side and the overlay side) are
 * {@link ConnectionListener}s; the TLS listening point (a secured overlay's overlay side) is an
 * {@link OverlayTlsListener}; UDP is the RI's with a bounded receive queue ({@link UdpQueueBound}).
 */
public final class SipTransportFactory implements MessageProcessorFactory {
    /** The RI's stack property naming the factory class. */
    public static final String PROPERTY = "gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY";

    /**
     * Datagrams that may wait for the stack's UDP workers, per UDP listening point: with the 32 KiB
     * buffer the RI reads each into, at most 16 MiB of heap; at 2,000 messages/s a quarter second.
     */
    public static final int UDP_QUEUE = 512;

    private final OIOMessageProcessorFactory ri = new OIOMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport)
            throws IOException {
        if (ListeningPoint.TCP.equalsIgnoreCase(transport)) {
            return new ConnectionListener(address, stack, port);
        }
        if (ListeningPoint.TLS.equalsIgnoreCase(transport)) {
            return new OverlayTlsListener(address, stack, port);
        }
        MessageProcessor p = ri.createMessageProcessor(stack, address, port, transport);
        if (p instanceof UDPMessageProcessor udp) {
            try {
                UdpQueueBound.apply(udp, UDP_QUEUE);
            } catch (IOException e) {
                udp.stop();
                throw e;
            }
        }
        return p;
    }
}
