package org.p2psip.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * One TCP connection accepted by a {@link ConnectionListener}: the RI's {@code TCPMessageChannel} with
 * RFC 3261 18.2.2 kept for reliable transports. A response (and any request sent back to the client)
 * goes out on this very connection, over TCP, whatever transport the sender's top Via names (the RI
 * would send a Via {@code UDP} request's answer as a datagram to the connection's ephemeral port);
 * when the connection is gone, a new one goes to the source address (the Via's {@code received}) at
 * the sent-by port, never to the Via host, so that no response waits on resolving a name the client
 * wrote.
 */
final class ConnectionChannel extends TCPMessageChannel {
    private final ConnectionListener listener;
    private boolean released;

    ConnectionChannel(Socket socket, SIPTransactionStack stack, ConnectionListener listener, String name) throws IOException {
        super(socket, stack, listener, name);
        this.listener = listener;
    }

    /** The client's address as seen on the socket. */
    InetAddress source() {
        return peerAddress;
    }

    private void sendOnThisConnection() {
        peerProtocol = "TCP";
        if (peerAddressAdvertisedInHeaders != null && peerAddress != null) {
            peerAddressAdvertisedInHeaders = peerAddress.getHostAddress();
        }
    }

    @Override
    protected synchronized void sendMessage(byte[] msg, boolean isClient) throws IOException {
        sendOnThisConnection();
        super.sendMessage(msg, isClient);
    }

    @Override
    public synchronized void sendMessage(byte[] message, InetAddress receiverAddress, int receiverPort, boolean retry)
            throws IOException {
        sendOnThisConnection();
        super.sendMessage(message, receiverAddress, receiverPort, retry);
    }

    @Override
    public void processMessage(SIPMessage message) throws Exception {
        MessageHandling.guarded(getKey(), message, () -> super.processMessage(message));
    }

    @Override
    public void close(boolean removeSocket, boolean stopKeepAliveTask) {
        try {
            super.close(removeSocket, stopKeepAliveTask);
        } finally {
            boolean first;
            synchronized (this) {
                first = !released;
                released = true;
            }
            if (first && listener != null) {
                listener.closed(this);
            }
        }
    }
}
