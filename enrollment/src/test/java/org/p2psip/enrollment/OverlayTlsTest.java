package org.p2psip.enrollment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Mutual TLS on real loopback sockets: overlay members only, each learning the other's Node-ID. */
public class OverlayTlsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private SSLServerSocket server;
    private NodeIdentity serverId;
    private final CompletableFuture<String> clientSeenByServer = new CompletableFuture<>();
    private Thread acceptor;

    @Before
    public void startServer() throws Exception {
        OverlayCa ca = OverlayCa.init(tmp.getRoot().toPath().resolve("ca"), "t");
        ca.enrollPeer(tmp.getRoot().toPath().resolve("server"));
        ca.enrollPeer(tmp.getRoot().toPath().resolve("client"));
        serverId = NodeIdentity.load(tmp.getRoot().toPath().resolve("server"));
        server = (SSLServerSocket) serverId.tlsContext().getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        acceptor = new Thread(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                clientSeenByServer.complete(OverlayTls.peerNodeId(s.getSession()).orElse("none"));
                OutputStream out = s.getOutputStream();
                out.write(42);
                out.flush();
            } catch (IOException e) {
                clientSeenByServer.complete("refused: " + e.getMessage());
            }
        });
        acceptor.start();
    }

    @After
    public void stop() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    @Test
    public void twoMembersLearnEachOthersNodeIds() throws Exception {
        NodeIdentity client = NodeIdentity.load(tmp.getRoot().toPath().resolve("client"));
        try (SSLSocket s = connect(client.tlsContext())) {
            InputStream in = s.getInputStream();
            assertEquals(42, in.read());
            assertEquals(serverId.nodeId(), OverlayTls.peerNodeId(s.getSession()).orElseThrow());
        }
        assertEquals(client.nodeId(), clientSeenByServer.get(5, TimeUnit.SECONDS));
    }

    @Test
    public void aNodeOfAnotherCaIsRefused() throws Exception {
        Path rogueDir = tmp.getRoot().toPath().resolve("rogue");
        OverlayCa.init(tmp.getRoot().toPath().resolve("rogue-ca"), "t").enrollPeer(rogueDir);
        NodeIdentity rogue = NodeIdentity.load(rogueDir);
        expectRefused(rogue.tlsContext());
    }

    @Test
    public void aClientWithoutCertificateIsRefused() throws Exception {
        SSLContext anonymous = SSLContext.getInstance(OverlayTls.PROTOCOL);
        // trusts the overlay CA (it could know it), presents nothing
        anonymous.init(null, trustOnly(serverId), null);
        expectRefused(anonymous);
    }

    private static javax.net.ssl.TrustManager[] trustOnly(NodeIdentity id) throws Exception {
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", id.trust().caCertificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    private void expectRefused(SSLContext ctx) throws Exception {
        try (SSLSocket s = connect(ctx)) {
            // TLS 1.3: the client may finish its side before the server refuses its certificate
            int b = s.getInputStream().read();
            fail("the server answered " + b + " to a client it must refuse");
        } catch (IOException expected) {
            // refused
        }
        String seen = clientSeenByServer.get(5, TimeUnit.SECONDS);
        if (!seen.startsWith("refused")) {
            fail("the server accepted the client as " + seen);
        }
    }

    private SSLSocket connect(SSLContext ctx) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }
}
