package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * The write timeout and idle timeout of the SIP TCP listener (set to 1 s and 2 s here; shipped: 10 s
 * and 300 s), on loopback: a client that sends requests and never reads their answers has its
 * connection closed once an answer has waited longer than the write timeout, while other clients are
 * served meanwhile; a connection that sends nothing, or nothing after its first request, is closed
 * once idle. About 10 s.
 */
public class SipTcpTimeoutsTest {
    P2psipPort port;
    TestOverlay overlay;

    @Before
    public void start() throws Exception {
        Path sockets = Files.createTempDirectory("p2psip-sip-timeouts");
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-t").sipPort(0).overlayPort(0)
                .threads(2).tcpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))).start();
        overlay.attach("peer-t", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @After
    public void stop() {
        TestPeers.closeAll(port, overlay);
    }

    private Socket connect(int host) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 4, (byte) host}), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.sipPort()), 5000);
        return s;
    }

    private String options(Socket s, String id, String pad) {
        String from = s.getLocalAddress().getHostAddress();
        return "OPTIONS sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP " + from + ":" + s.getLocalPort() + ";branch=z9hG4bK" + id + pad + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:probe@" + from + ">;tag=" + pad + "\r\nTo: <sip:127.0.0.1>\r\n"
                + "Call-ID: " + id + pad + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** Reads what the port sent until it closes the connection (true) or stays silent for {@code quiet} (false). */
    private static boolean drainUntilClosed(Socket s, Duration quiet) throws IOException {
        s.setSoTimeout((int) quiet.toMillis());
        InputStream in = s.getInputStream();
        byte[] b = new byte[65536];
        try {
            while (in.read(b) >= 0) {
                // the answers the client did not read
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void served(int host) throws Exception {
        try (Socket s = connect(host)) {
            s.getOutputStream().write(options(s, "served-" + System.nanoTime(), "").getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            byte[] b = new byte[12];
            int n = s.getInputStream().readNBytes(b, 0, 12);
            assertEquals("SIP/2.0 200 ", new String(b, 0, n, StandardCharsets.US_ASCII));
        }
    }

    @Test(timeout = 60_000)
    public void aClientThatNeverReadsIsCutAfterTheWriteTimeout() throws Exception {
        Socket greedy = connect(1);
        String pad = "p".repeat(1000);
        Thread writer = new Thread(() -> {
            try {
                var out = greedy.getOutputStream();
                for (int i = 0; i < 5000; i++) {
                    out.write(options(greedy, "greedy-" + i + "-", pad).getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException cut) {
                // the port closed the connection: expected
            }
        }, "greedy-writer");
        writer.setDaemon(true);
        writer.start();
        // the port's answers fill the socket buffers and then its write waits; meanwhile others are served
        Thread.sleep(3000);
        served(2);
        writer.join(20_000);
        assertTrue("the writer ended: the port stopped reading and closed the connection", !writer.isAlive());
        assertTrue("the connection of the client that never reads is closed", drainUntilClosed(greedy, Duration.ofSeconds(3)));
        greedy.close();
        served(1);
    }

    @Test(timeout = 30_000)
    public void idleConnectionsAreClosed() throws Exception {
        try (Socket silent = connect(3); Socket once = connect(4)) {
            once.getOutputStream().write(options(once, "once-" + System.nanoTime(), "").getBytes(StandardCharsets.US_ASCII));
            long t0 = System.currentTimeMillis();
            assertTrue("a connection that never sent anything is closed once idle", drainUntilClosed(silent, Duration.ofSeconds(6)));
            assertTrue("a connection silent after its answer is closed once idle", drainUntilClosed(once, Duration.ofSeconds(6)));
            long took = System.currentTimeMillis() - t0;
            if (took < 1500) {
                fail("closed after " + took + " ms, before the 2 s idle timeout");
            }
        }
        served(3);
    }
}
