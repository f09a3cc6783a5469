package org.p2psip.sip.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.enrollment.RunCa;
import org.p2psip.enrollment.UserCredential;

/**
 * The overlay side's TLS listener of a secured P2PSIP-Port ({@link NoDelayNetworkLayer.OverlayTlsServerSocket})
 * over real loopback sockets with a real overlay CA's certificates: mutual TLS with members of the
 * overlay, nothing for a client of another CA, Nagle off, and the connection caps of the TCP listeners.
 */
public class OverlayTlsServerSocketTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private NodeIdentity port;
    private NodeIdentity member;
    private NoDelayNetworkLayer.OverlayTlsServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    /** Why the listener's side of a handshake failed. */
    private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
    private final List<Socket> clients = new ArrayList<>();
    private Thread acceptor;

    @Before
    public void setUp() throws IOException {
        RunCa ca = RunCa.in(tmp.getRoot().toPath());
        port = NodeIdentity.load(ca.peer("port"));
        member = NodeIdentity.load(ca.peer("member", "alice"));
        server = new NoDelayNetworkLayer.OverlayTlsServerSocket(OverlaySipTls.context(port), 0, 50, InetAddress.getLoopbackAddress(),
                3, 2);
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    // the RI handshakes on the connection's own thread
                    Thread h = new Thread(() -> {
                        try {
                            ((SSLSocket) s).startHandshake();
                        } catch (IOException e) {
                            refusals.add(String.valueOf(e.getMessage()) + " / " + e.getCause());
                            closeQuietly(s);
                        }
                    }, "test-handshake");
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @After
    public void tearDown() throws Exception {
        clients.forEach(OverlayTlsServerSocketTest::closeQuietly);
        server.close();
        accepted.forEach(OverlayTlsServerSocketTest::closeQuietly);
        acceptor.join(5_000);
    }

    private SSLSocket tlsClient(SSLContext tls) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        clients.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    public void aMemberHandshakesAndItsConnectionHasNagleOff() throws Exception {
        SSLSocket s = tlsClient(OverlaySipTls.context(member));
        s.startHandshake();
        assertEquals("the port's certificate", port.nodeId(), OverlayTls.peerNodeId(s.getSession()).orElseThrow());
        SSLSocket at = (SSLSocket) accepted.poll(10, TimeUnit.SECONDS);
        assertTrue(at.getTcpNoDelay());
        assertTrue(at.getNeedClientAuth());
    }

    @Test
    public void aClientOfAnotherCaFailsTheHandshake() throws Exception {
        OverlayCa.init(tmp.getRoot().toPath().resolve("other-ca"), "other").enrollPeer(tmp.getRoot().toPath().resolve("other"));
        SSLSocket s = tlsClient(NodeIdentity.load(tmp.getRoot().toPath().resolve("other")).tlsContext());
        try {
            s.startHandshake();
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            s.getInputStream().read();
            fail("a client of another CA got through");
        } catch (IOException e) {
            // refused
        }
    }

    @Test
    public void aUsersCertificateOfTheOverlayIsNoPeersAndFailsTheHandshake() throws Exception {
        UserCredential alice = member.user("alice").orElseThrow();
        SSLSocket s = tlsClient(OverlayTls.context(alice.key(), new X509Certificate[] {alice.certificate()},
                member.trust().caCertificate()));
        try {
            s.startHandshake();
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            s.getInputStream().read();
            fail("a user's certificate was taken for a peer's");
        } catch (IOException e) {
            // refused: it names no node
        }
        String why = refusals.poll(10, TimeUnit.SECONDS);
        assertTrue(why, why != null && why.contains("names no node"));
    }

    @Test
    public void connectionsBeyondTheCapsAreClosedAtOnceAndAdmittedAgainWhenOthersClose() throws Exception {
        // at most 2 from one address (and 3 in all): the third connection is closed before any handshake
        Socket a = plain();
        Socket b = plain();
        assertTrue(accepted.poll(10, TimeUnit.SECONDS) != null && accepted.poll(10, TimeUnit.SECONDS) != null);
        Socket c = plain();
        c.setSoTimeout(10_000);
        assertEquals("closed at once", -1, c.getInputStream().read());
        assertTrue("the refused connection never reached the stack", accepted.isEmpty());

        accepted.clear();
        a.close();
        // the accepted side of a closes when its handshake fails on the client's close; then there is room again
        SSLSocket d = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            d = tlsClient(member.tlsContext());
            try {
                d.startHandshake();
                break;
            } catch (IOException e) {
                d.close();
                d = null;
                Thread.sleep(50);
            }
        }
        assertTrue("a member is admitted once a place is free", d != null);
        b.close();
    }

    private Socket plain() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5_000);
        return s;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone
        }
    }
}
