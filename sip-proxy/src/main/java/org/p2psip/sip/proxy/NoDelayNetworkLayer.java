package org.p2psip.sip.proxy;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The RI's network layer with {@code TCP_NODELAY} on every TCP socket (stack property
 * {@code gov.nist.javax.sip.NETWORK_LAYER}). The RI leaves Nagle's algorithm on; a SIP response that
 * follows another one on the same connection (a 200 right after a 180) then waits for the peer's
 * delayed ACK, about 40 ms on Linux, on every hop between P2PSIP-Ports.
 */
public final class NoDelayNetworkLayer implements NetworkLayer {
    private final NetworkLayer base = DefaultNetworkLayer.SINGLETON;

    /** The constructor the RI calls reflectively. */
    public NoDelayNetworkLayer() {
    }

    /** Accept queue of the TCP listening points. */
    static final int ACCEPT_BACKLOG = 1024;

    /** Whole-message deadline of accepted connections (from the stack's properties, {@link #setSipStack}). */
    private volatile long messageDeadlineMillis = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MESSAGE_DEADLINE_MS;
    private volatile long writeTimeoutMillis = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_WRITE_TIMEOUT_MS;
    private volatile long idleTimeoutMillis = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_IDLE_TIMEOUT_MS;

    /**
     * A server socket whose accepted connections have Nagle's algorithm switched off and a deadline
     * per whole message ({@link org.p2psip.sip.transport.MessageDeadlineSocket}).
     */
    static final class NoDelayServerSocket extends ServerSocket {
        private final long deadlineMillis;
        private final long writeTimeoutMillis;
        private final long idleTimeoutMillis;

        NoDelayServerSocket(int port, int backlog, InetAddress bind, long deadlineMillis, long writeTimeoutMillis,
                long idleTimeoutMillis) throws IOException {
            // the RI asks for the default backlog (50): under a connection flood the kernel then drops
            // SYNs and clients wait for retransmissions; a deeper queue lets the accept loop shed them
            super(port, Math.max(backlog, ACCEPT_BACKLOG), bind);
            this.deadlineMillis = deadlineMillis;
            this.writeTimeoutMillis = writeTimeoutMillis;
            this.idleTimeoutMillis = idleTimeoutMillis;
        }

        @Override
        public Socket accept() throws IOException {
            Socket s = new org.p2psip.sip.transport.MessageDeadlineSocket(deadlineMillis, writeTimeoutMillis,
                    idleTimeoutMillis);
            implAccept(s);
            s.setTcpNoDelay(true);
            return s;
        }
    }

    private static Socket noDelay(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new NoDelayServerSocket(port, backlog, bindAddress, messageDeadlineMillis, writeTimeoutMillis, idleTimeoutMillis);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return base.createSSLServerSocket(port, backlog, bindAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return noDelay(base.createSocket(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return noDelay(base.createSocket(address, port, myAddress));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return noDelay(base.createSocket(address, port, myAddress, myPort));
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        SSLSocket s = base.createSSLSocket(address, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        SSLSocket s = base.createSSLSocket(address, port, myAddress);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return base.createDatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        return base.createDatagramSocket(port, laddr);
    }

    @Override
    public void setSipStack(SipStackImpl sipStackImpl) {
        base.setSipStack(sipStackImpl);
        String d = sipStackImpl.getConfigurationProperties().getProperty(org.p2psip.sip.transport.SipListenerBounds.MESSAGE_DEADLINE_MS);
        if (d != null) {
            messageDeadlineMillis = Long.parseLong(d);
        }
        String w = sipStackImpl.getConfigurationProperties().getProperty(org.p2psip.sip.transport.SipListenerBounds.WRITE_TIMEOUT_MS);
        if (w != null) {
            writeTimeoutMillis = Long.parseLong(w);
        }
        String i = sipStackImpl.getConfigurationProperties().getProperty(org.p2psip.sip.transport.SipListenerBounds.IDLE_TIMEOUT_MS);
        if (i != null) {
            idleTimeoutMillis = Long.parseLong(i);
        }
    }
}
