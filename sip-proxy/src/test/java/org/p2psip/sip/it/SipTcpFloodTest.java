package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;
import org.p2psip.sip.transport.SipListenerBounds;

/**
 * The SIP TCP listener under a flood, with the shipped bounds (256 connections, 32 per source address,
 * 10 s per whole message), on loopback: 200 slowloris clients (a header byte every 500 ms, from 10
 * addresses) and then 2,000 idle connections (from 100 addresses). The port's thread count stays
 * below the documented ceiling (its threads before the flood + 2 per admitted connection + 32), UDP
 * keeps answering, every slowloris connection is closed by the deadline, connections beyond the caps
 * are closed at once; once the flood stops a new TCP client is served, from a fresh address and from
 * the flooding ones. About 30 s.
 */
public class SipTcpFloodTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    TestOverlay overlay;
    P2psipPort port;
    final List<Socket> flood = new ArrayList<>();

    @Before
    public void start() throws Exception {
        Path sockets = Files.createTempDirectory("p2psip-sip-flood");
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-f").sipPort(0).overlayPort(0)
                .threads(2)).start();
        overlay.attach("peer-f", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @After
    public void stop() {
        for (Socket s : flood) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        TestPeers.closeAll(port, overlay);
    }

    static InetAddress address(int net, int host) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) net, (byte) host});
    }

    private Socket connect(InetAddress from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.sipPort()), 5000);
        flood.add(s);
        return s;
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** A TCP OPTIONS from {@code from} gets 200 on its connection. */
    private void servedOverTcp(InetAddress from) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.sipPort()), 5000);
            String id = "flood-probe-" + System.nanoTime();
            String req = "OPTIONS sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP " + from.getHostAddress() + ":" + s.getLocalPort() + ";branch=z9hG4bK" + id + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@" + from.getHostAddress() + ">;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                    + "Call-ID: " + id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout((int) WAIT.toMillis());
            byte[] b = new byte[12];
            int n = s.getInputStream().readNBytes(b, 0, 12);
            assertEquals("a TCP client from " + from.getHostAddress() + " is served", "SIP/2.0 200 ",
                    new String(b, 0, n, StandardCharsets.US_ASCII));
        }
    }

    private static boolean closedByPort(Socket s) throws IOException {
        s.setSoTimeout(10);
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    public void slowlorisAndIdleFloodsAreBoundedAndThePortRecovers() throws Exception {
        int before = threads();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = connect(address(2, 1 + i % 10));
            s.getOutputStream().write("OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        long slowStart = System.currentTimeMillis();
        int refusedAtOnce = 0;
        for (int i = 0; i < 2000; i++) {
            connect(address(1, 1 + i % 100));
        }
        // slow senders and idle connections hold every TCP slot: a new client is shed at once
        Socket late = connect(address(3, 2));
        Thread.sleep(300);
        assertTrue("a TCP client beyond the total cap is closed at once", closedByPort(late));
        // a header byte every 500 ms on each slowloris connection, until the port closes them all
        int ceiling = before + 2 * SipListenerBounds.DEFAULT_MAX_CONNECTIONS + 32;
        int most = 0;
        List<Socket> open = new ArrayList<>(slow);
        long until = Math.max(System.currentTimeMillis(), slowStart + SipListenerBounds.DEFAULT_MESSAGE_DEADLINE_MS) + 5000;
        while (!open.isEmpty() && System.currentTimeMillis() < until) {
            for (Socket s : new ArrayList<>(open)) {
                try {
                    s.getOutputStream().write('X');
                } catch (IOException e) {
                    open.remove(s);
                    continue;
                }
                if (closedByPort(s)) {
                    open.remove(s);
                }
            }
            most = Math.max(most, threads());
            Thread.sleep(500);
        }
        System.out.println("[sip-flood] threads: " + before + " before the flood, at most " + most + " during it (ceiling "
                + ceiling + "); slowloris all closed " + (System.currentTimeMillis() - slowStart) + " ms after they started");
        assertTrue("every slowloris connection closed by the whole-message deadline; still open: " + open.size(),
                open.isEmpty());
        assertTrue("threads stayed below the ceiling " + ceiling + " (before the flood " + before + "), most seen " + most,
                most <= ceiling);
        for (Socket s : flood.subList(200, flood.size())) {
            if (closedByPort(s)) {
                refusedAtOnce++;
            }
        }
        assertTrue("idle connections beyond the caps were closed at once: " + refusedAtOnce, refusedAtOnce >= 2000 - 256);
        // UDP is not affected by the TCP flood
        try (RawSip udp = RawSip.udp(port.sipPort())) {
            String id = "flood-udp-" + System.nanoTime();
            udp.send("OPTIONS sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + udp.localPort() + ";branch=z9hG4bK" + id + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                    + "Call-ID: " + id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
            assertEquals(200, MalformedSipTest.status(udp.receive(WAIT)));
        }
        assertTrue("threads stayed below the ceiling " + ceiling + " with the idle flood, now " + threads(), threads() <= ceiling);
        // TCP recovers when the flood stops
        for (Socket s : flood) {
            s.close();
        }
        flood.clear();
        Thread.sleep(1000);
        servedOverTcp(address(3, 1));
        // and the flooding addresses are served again too
        servedOverTcp(address(1, 1));
        servedOverTcp(address(2, 1));
    }
}
