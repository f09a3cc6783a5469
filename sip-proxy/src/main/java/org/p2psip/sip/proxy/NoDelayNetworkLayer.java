package org.p2psip.sip.proxy;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.p2psip.enrollment.NodeIdentity;

/**
 * The RI's network layer with {@code TCP_NODELAY} on every TCP socket (stack property
 * {@code gov.nist.javax.sip.NETWORK_LAYER}). The RI leaves Nagle's algorithm on; a SIP response that
 * follows another one on the same connection (a 200 right after a 180) then waits for the peer's
 * delayed ACK, about 40 ms on Linux, on every hop between P2PSIP-Ports.
 *
 * <p>In a secured overlay (stack property {@value #SECURITY_DIR}: the peer's security directory) the
 * TLS sockets, the overlay side's, are made from the peer's identity ({@link OverlaySipTls}): they
 * present its certificate, trust only the overlay CA and only certificates naming a node, and the
 * server side demands a client certificate (mutual TLS). Without
 * the property the RI's default TLS set-up applies (not used by the P2PSIP-Port).
 */
public final class NoDelayNetworkLayer implements NetworkLayer {
    private final NetworkLayer base = DefaultNetworkLayer.SINGLETON;

    /** Stack property: the peer's security directory, for SIP over mutual TLS with the overlay CA. */
    public static final String SECURITY_DIR = "org.p2psip.sip.SECURITY_DIR";
    /** How long connecting to another P2PSIP-Port over TLS may take. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /** Mutual TLS with the overlay CA ({@value #SECURITY_DIR}); null: the RI's default. */
    private volatile SSLContext overlayTls;
    /** Connection caps of the TLS listener (the TCP listeners' properties). */
    private volatile int maxConnections = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MAX_CONNECTIONS;
    private volatile int maxPerSource = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MAX_CONNECTIONS_PER_SOURCE;

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
        SSLContext tls = overlayTls;
        if (tls == null) {
            return base.createSSLServerSocket(port, backlog, bindAddress);
        }
        return new OverlayTlsServerSocket(tls, port, Math.max(backlog, ACCEPT_BACKLOG), bindAddress, maxConnections,
                maxPerSource);
    }

    /**
     * The overlay side's TLS listener: a plain listening socket whose accepted connections get
     * {@code TCP_NODELAY} (as the TCP listeners' do; the RI sets none) and are then layered with TLS
     * in server mode, a client certificate always required (whatever the RI asks for). The RI runs
     * the handshake on the connection's own thread (bounded by its handshake watchdog,
     * {@code gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT}). As on the TCP listeners, open connections are
     * capped in total and per source address ({@link org.p2psip.sip.transport.SipListenerBounds}):
     * beyond either a new connection is closed at once, before the RI gives it a thread; and an accept
     * error (out of file descriptors) is logged and accepting goes on.
     */
    static final class OverlayTlsServerSocket extends SSLServerSocket {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OverlayTlsServerSocket.class);
        private static final long ACCEPT_ERROR_PAUSE_MS = 100;

        private final SSLContext tls;
        private final int maxConnections;
        private final int maxPerSource;
        private final java.util.Map<InetAddress, Integer> perSource = new java.util.HashMap<>();
        private int open;
        private long refused;
        private long lastRefusalLog;
        private volatile String[] protocols;
        private volatile String[] suites;
        private volatile boolean sessionCreation = true;

        OverlayTlsServerSocket(SSLContext tls, int port, int backlog, InetAddress bind, int maxConnections, int maxPerSource)
                throws IOException {
            super(port, backlog, bind);
            this.tls = tls;
            this.maxConnections = maxConnections;
            this.maxPerSource = maxPerSource;
            this.protocols = tls.getDefaultSSLParameters().getProtocols();
            this.suites = tls.getDefaultSSLParameters().getCipherSuites();
        }

        @Override
        public Socket accept() throws IOException {
            while (true) {
                CountedSocket plain = new CountedSocket(this);
                try {
                    implAccept(plain);
                } catch (IOException e) {
                    if (isClosed()) {
                        throw e;
                    }
                    log.warn("SIP TLS listener {}: accept failed ({}); going on", getLocalSocketAddress(), e.getMessage());
                    pause();
                    continue;
                }
                if (!admit(plain)) {
                    continue;
                }
                try {
                    plain.setTcpNoDelay(true);
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(),
                            plain.getPort(), true);
                    s.setUseClientMode(false);
                    s.setEnabledProtocols(protocols);
                    s.setEnabledCipherSuites(suites);
                    s.setNeedClientAuth(true);
                    s.setEnableSessionCreation(sessionCreation);
                    return s;
                } catch (IOException | RuntimeException e) {
                    log.info("SIP TLS connection from {} dropped: {}", plain.getRemoteSocketAddress(), e.getMessage());
                    plain.close();
                }
            }
        }

        /** Counts the connection, or closes it at once when a cap is reached. */
        private boolean admit(CountedSocket s) {
            InetAddress from = s.getInetAddress();
            synchronized (perSource) {
                int mine = perSource.getOrDefault(from, 0);
                if (open >= maxConnections || mine >= maxPerSource) {
                    refused++;
                    long now = System.currentTimeMillis();
                    if (now - lastRefusalLog > 10_000) {
                        lastRefusalLog = now;
                        log.warn("SIP TLS listener {}: connection from {} closed: {} open (at most {}), {} from that address"
                                + " (at most {}); {} refused so far", getLocalSocketAddress(), from.getHostAddress(), open,
                                maxConnections, mine, maxPerSource, refused);
                    }
                } else {
                    perSource.put(from, mine + 1);
                    open++;
                    s.counted(from);
                    return true;
                }
            }
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
            return false;
        }

        private void release(InetAddress from) {
            synchronized (perSource) {
                open--;
                perSource.computeIfPresent(from, (k, v) -> v <= 1 ? null : v - 1);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(ACCEPT_ERROR_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** An accepted connection that gives its place back to the listener's counts when it closes (once). */
        private static final class CountedSocket extends Socket {
            private final OverlayTlsServerSocket owner;
            private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
            private volatile InetAddress countedAs;

            CountedSocket(OverlayTlsServerSocket owner) {
                this.owner = owner;
            }

            void counted(InetAddress from) {
                countedAs = from;
            }

            @Override
            public synchronized void close() throws IOException {
                try {
                    super.close();
                } finally {
                    InetAddress from = countedAs;
                    if (from != null && released.compareAndSet(false, true)) {
                        owner.release(from);
                    }
                }
            }
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return suites.clone();
        }

        @Override
        public void setEnabledCipherSuites(String[] s) {
            suites = s.clone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedSSLParameters().getCipherSuites();
        }

        @Override
        public String[] getSupportedProtocols() {
            return tls.getSupportedSSLParameters().getProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return protocols.clone();
        }

        @Override
        public void setEnabledProtocols(String[] p) {
            protocols = p.clone();
        }

        /** Always required: the overlay side takes only peers with a certificate of the overlay CA. */
        @Override
        public void setNeedClientAuth(boolean need) {
        }

        @Override
        public boolean getNeedClientAuth() {
            return true;
        }

        @Override
        public void setWantClientAuth(boolean want) {
        }

        @Override
        public boolean getWantClientAuth() {
            return false;
        }

        @Override
        public void setUseClientMode(boolean mode) {
            if (mode) {
                throw new IllegalArgumentException("a listener is never in client mode");
            }
        }

        @Override
        public boolean getUseClientMode() {
            return false;
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            sessionCreation = flag;
        }

        @Override
        public boolean getEnableSessionCreation() {
            return sessionCreation;
        }
    }

    /** A TLS client socket from the overlay's context, connected (bounded) from {@code myAddress} if given. */
    private SSLSocket overlaySocket(SSLContext tls, InetAddress address, int port, InetAddress myAddress) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.setTcpNoDelay(true);
            if (myAddress != null) {
                s.bind(new InetSocketAddress(myAddress, 0));
            }
            s.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
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
        SSLContext tls = overlayTls;
        if (tls != null) {
            return overlaySocket(tls, address, port, null);
        }
        SSLSocket s = base.createSSLSocket(address, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        SSLContext tls = overlayTls;
        if (tls != null) {
            return overlaySocket(tls, address, port, myAddress);
        }
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
        java.util.Properties p = sipStackImpl.getConfigurationProperties();
        maxConnections = Integer.parseInt(p.getProperty(org.p2psip.sip.transport.SipListenerBounds.MAX_CONNECTIONS,
                Integer.toString(maxConnections)));
        maxPerSource = Integer.parseInt(p.getProperty(org.p2psip.sip.transport.SipListenerBounds.MAX_CONNECTIONS_PER_SOURCE,
                Integer.toString(maxPerSource)));
        String dir = p.getProperty(SECURITY_DIR);
        if (dir != null) {
            overlayTls = OverlaySipTls.context(NodeIdentity.load(Path.of(dir)));
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
