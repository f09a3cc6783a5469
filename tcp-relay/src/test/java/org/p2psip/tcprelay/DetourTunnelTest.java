package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * {@link DetourTunnel}: local clients reach a target through a real {@link TcpRelay} ({@code DIAL}):
 * HTTP (the OM IF's transport) to a JDK HttpServer, raw bytes to an echo server.
 */
public class DetourTunnelTest {

    private HttpServer http;
    private InetSocketAddress httpAddress;
    private EchoServer echo;
    private TcpRelay relay;
    private DetourTunnel tunnel;

    @Before
    public void setUp() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/om", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            byte[] answer = (exchange.getRequestMethod() + " " + body.length + " " + exchange.getRequestURI().getQuery())
                    .getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        http.start();
        httpAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), http.getAddress().getPort());
        echo = new EchoServer();
        int httpPort = httpAddress.getPort();
        int echoPort = echo.address().getPort();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null,
                target -> target.getPort() == httpPort || target.getPort() == echoPort);
    }

    @After
    public void tearDown() throws IOException {
        if (tunnel != null) {
            tunnel.close();
        }
        relay.close();
        echo.close();
        http.stop(0);
    }

    private String request(InetSocketAddress via, String method, String query, byte[] body) throws IOException {
        URL url = new URL("http://127.0.0.1:" + via.getPort() + "/om?" + query);
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod(method);
        if (body != null) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        assertEquals(200, connection.getResponseCode());
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    public void httpRequestsAndResponsesGoThroughTheRelay() throws Exception {
        tunnel = DetourTunnel.open(relay.address(), httpAddress);
        InetSocketAddress local = tunnel.localAddress();
        assertTrue("listens on loopback", local.getAddress().isLoopbackAddress());
        assertEquals("an IP literal, usable in URLs", local.getAddress().getHostAddress(), local.getHostString());
        assertEquals("GET 0 n=1", request(local, "GET", "n=1", null));
        assertEquals("POST 300000 n=2", request(local, "POST", "n=2", Net.randomBytes(300_000, 3)));
        assertEquals("GET 0 n=3", request(local, "GET", "n=3", null));
        assertTrue("the relay spliced the tunnel's connections", relay.dialStats().spliced() >= 1);
        assertEquals(tunnel.stats().spliced(), relay.dialStats().spliced());
        assertTrue("request bytes counted", tunnel.stats().bytesToTarget() > 300_000);
        assertEquals(0, tunnel.stats().failed());
    }

    @Test
    public void largeTransferAndHalfCloseEndToEnd() throws Exception {
        tunnel = DetourTunnel.open(relay.address(), echo.address());
        byte[] data = Net.randomBytes(4 * 1024 * 1024, 5);
        Net.echo(tunnel.localAddress(), data);
        Net.echo(tunnel.localAddress(), data);
        Net.await("counted", () -> tunnel.stats().active() == 0 && tunnel.stats().bytesFromTarget() == 2L * data.length
                && relay.dialStats().active() == 0);
        assertEquals(2, tunnel.stats().connections());
        assertEquals(2, tunnel.stats().spliced());
    }

    @Test
    public void relayRefusalClosesTheLocalConnection() throws Exception {
        InetSocketAddress forbidden;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            forbidden = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        tunnel = DetourTunnel.open(relay.address(), forbidden);
        try (Socket client = Net.connect(tunnel.localAddress())) {
            assertTrue("local connection closed", Net.closedByPeer(client));
        }
        Net.await("counted as failed", () -> tunnel.stats().failed() == 1 && tunnel.stats().active() == 0);
        assertEquals(1, relay.dialStats().notAllowed());
    }

    @Test
    public void unreachableRelayClosesTheLocalConnection() throws Exception {
        InetSocketAddress noRelay;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            noRelay = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        tunnel = DetourTunnel.open(noRelay, echo.address());
        try (Socket client = Net.connect(tunnel.localAddress())) {
            assertTrue("local connection closed", Net.closedByPeer(client));
        }
        Net.await("counted as failed", () -> tunnel.stats().failed() == 1 && tunnel.stats().active() == 0);
    }

    @Test
    public void connectionLimitIsEnforced() throws Exception {
        tunnel = DetourTunnel.open(relay.address(), echo.address(), 1, null);
        try (Socket first = Net.connect(tunnel.localAddress())) {
            Net.writeLine(first, "one");
            assertEquals("one", Net.readLine(first));
            try (Socket second = Net.connect(tunnel.localAddress())) {
                assertTrue("second refused", Net.closedByPeer(second));
            }
            assertEquals(1, tunnel.stats().refused());
            Net.writeLine(first, "still");
            assertEquals("still", Net.readLine(first));
        }
        Net.await("first closed", () -> tunnel.stats().active() == 0);
        assertTrue("a new connection is served", Net.echoWorks(tunnel.localAddress()));
    }

    @Test
    public void closeReleasesListenerConnectionsAndThreads() throws Exception {
        tunnel = DetourTunnel.open(relay.address(), echo.address());
        InetSocketAddress local = tunnel.localAddress();
        String threads = "detour-" + local.getPort() + "-";
        Socket open = Net.connect(local);
        Net.writeLine(open, "open");
        assertEquals("open", Net.readLine(open));
        assertEquals(1, relay.dialStats().active());
        tunnel.close();
        tunnel.close(); // idempotent
        assertTrue(tunnel.isClosed());
        Net.awaitNoThreads(threads);
        assertTrue("spliced connection closed", Net.closedByPeer(open));
        open.close();
        Net.await("the relay's side ended too", () -> relay.dialStats().active() == 0);
        try (Socket s = new Socket()) {
            s.connect(local, 10_000);
            fail("the tunnel still listens on " + local);
        } catch (ConnectException expected) {
            // the listener is closed
        }
    }

    @Test
    public void targetsThatCannotBeWrittenAreRejected() throws IOException {
        for (InetSocketAddress bad : new InetSocketAddress[] {InetSocketAddress.createUnresolved("a b", 80),
                InetSocketAddress.createUnresolved("h".repeat(300), 80), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)}) {
            try (DetourTunnel t = DetourTunnel.open(relay.address(), bad)) {
                fail("accepted " + bad + " as " + t);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("target"));
            }
        }
    }
}
