package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * One P2PSIP-Port with its OM stand-in, and one without any OM: UAs behind a NAT (RFC 3581), the
 * port's status over the control socket, and what a UA gets while no Overlay Manager is connected.
 */
public class SinglePortTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static Path work;
    static TestOverlay overlay;
    static P2psipPort port;
    static P2psipPort orphan;
    static TestPeerOm om;

    @BeforeClass
    public static void start() throws Exception {
        work = TestPeers.workDir("SinglePortTest");
        Path sockets = Files.createTempDirectory("p2psip-sip-single");
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-s").sipPort(0).overlayPort(0)
                .threads(2)).start();
        orphan = new P2psipPort(new P2psipPortConfig(sockets.resolve("o.sock")).name("peer-orphan").sipPort(0)
                .overlayPort(0).threads(2)).start();
        om = overlay.attach("peer-s", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(port, orphan, overlay);
    }

    /**
     * The web view's call ladder: while the OM watches ({@code view.watch on}) the port tells it every
     * SIP message of a call, in and out, with its side; before and after, nothing.
     */
    @Test
    public void sipMessagesOfACallAreToldOnlyWhileTheViewWatches() throws Exception {
        try (RawSip ua = RawSip.udp(port.sipPort())) {
            String before = callNobody(ua, "view-before");
            om.watchView(true);
            String watched = callNobody(ua, "view-watched");
            // the port tells a message once it has sent it: the 404 may be told just after the UA has it
            TestPeers.waitFor("the watched call's INVITE, 100 and 404 told", () -> om.viewSip.stream()
                    .filter(v -> v.call().equals(watched)).count() >= 3);
            om.watchView(false);
            String after = callNobody(ua, "view-after");
            Thread.sleep(300);
            java.util.List<String> told = om.viewSip.stream().filter(v -> v.call().equals(watched))
                    .map(v -> v.direction() + " " + v.side() + " " + v.start()).toList();
            assertEquals(java.util.List.of("in ua INVITE", "out ua 100 Trying"), told.subList(0, 2));
            assertTrue(told.toString(), told.get(2).startsWith("out ua 404 "));
            assertTrue(om.viewSip.stream().filter(v -> v.call().equals(watched)).findFirst().orElseThrow().text()
                    .startsWith("INVITE sip:nobody@"));
            assertTrue("nothing told before the OM watched", om.viewSip.stream().noneMatch(v -> v.call().equals(before)));
            assertTrue("nothing told after the OM stopped watching", om.viewSip.stream().noneMatch(v -> v.call().equals(after)));
        }
    }

    /**
     * RFC 3261 18.2.2: a response the port forwards by its Via over TCP, whose request's connection is
     * gone, goes on a new connection to the {@code received} address at the sent-by port, not to the
     * {@code rport} (the closed connection's source port, where nothing listens). Here a stray 200 OK
     * (a UAS's retransmission, forwarded statelessly) whose next Via is an upstream peer over TCP.
     */
    @Test
    public void aResponseWhoseConnectionIsGoneGoesToTheSentByPort() throws Exception {
        int gone;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            gone = s.getLocalPort(); // the closed connection's source port: nothing listens there afterwards
        }
        try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
                RawSip uas = RawSip.udp(port.sipPort())) {
            upstream.setSoTimeout((int) WAIT.toMillis());
            String call = "gone-" + System.nanoTime();
            uas.send("SIP/2.0 200 OK\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + port.sipPort() + ";branch=z9hG4bKgone" + System.nanoTime() + "\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + upstream.getLocalPort() + ";branch=z9hG4bKup" + System.nanoTime()
                    + ";received=127.0.0.1;rport=" + gone + "\r\n"
                    + "From: <sip:carol@127.0.0.1>;tag=c1\r\nTo: <sip:dave@127.0.0.1>;tag=d1\r\n"
                    + "Call-ID: " + call + "\r\nCSeq: 1 INVITE\r\n"
                    + "Contact: <sip:dave@127.0.0.1:" + uas.localPort() + ">\r\nContent-Length: 0\r\n\r\n");
            try (java.net.Socket in = upstream.accept()) {
                in.setSoTimeout((int) WAIT.toMillis());
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8));
                assertEquals("SIP/2.0 200 OK", r.readLine());
                StringBuilder headers = new StringBuilder();
                for (String l = r.readLine(); l != null && !l.isEmpty(); l = r.readLine()) {
                    headers.append(l).append('\n');
                }
                assertTrue(headers.toString(), headers.toString().contains(call));
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the 200 OK never reached the sent-by port " + upstream.getLocalPort()
                        + " (the connection from port " + gone + " is gone)");
            }
        }
    }

    /** An INVITE to a user registered nowhere; returns its Call-ID once the final answer (404) came, after the ACK. */
    private static String callNobody(RawSip ua, String name) throws Exception {
        String call = name + "-" + System.nanoTime();
        String branch = "z9hG4bK" + name + System.nanoTime();
        String common = "Max-Forwards: 70\r\nFrom: <sip:carol@127.0.0.1>;tag=v1\r\n";
        ua.send("INVITE sip:nobody@127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.localPort() + ";branch=" + branch + ";rport\r\n" + common
                + "To: <sip:nobody@127.0.0.1>\r\nCall-ID: " + call + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:carol@127.0.0.1:" + ua.localPort() + ">\r\nContent-Length: 0\r\n\r\n");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = ua.receive(Duration.ofMillis(500));
            if (m != null && m.startsWith("SIP/2.0 404") && m.contains(call)) {
                String to = m.lines().filter(l -> l.startsWith("To:")).findFirst().orElseThrow();
                ua.send("ACK sip:nobody@127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.localPort() + ";branch=" + branch + ";rport\r\n" + common
                        + to + "\r\nCall-ID: " + call + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
                return call;
            }
        }
        throw new AssertionError("no 404 for the INVITE of " + call);
    }

    /** A REGISTER from a UA that believes it is at 127.0.0.2:5 (its private address) but sends from {@code raw}. */
    static String natRegister(RawSip raw, String user) {
        String body = "REGISTER sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + raw.transport() + " 127.0.0.2:5;branch=z9hG4bKnat" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@127.0.0.1>;tag=nat1\r\n"
                + "To: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: nat-" + user + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.2:5" + (raw.transport().equals("TCP") ? ";transport=tcp" : "") + ">\r\n"
                + "Expires: 60\r\n"
                + "Content-Length: 0\r\n\r\n";
        return body;
    }

    /** The UA's answer to an INVITE: 486 Busy Here, built from the INVITE as RFC 3261 8.2.6 says. */
    static String busy(String invite) {
        StringBuilder r = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
        for (String line : invite.split("\r\n")) {
            String l = line.toLowerCase();
            if (l.startsWith("via:") || l.startsWith("from:") || l.startsWith("call-id:") || l.startsWith("cseq:")) {
                r.append(line).append("\r\n");
            } else if (l.startsWith("to:")) {
                r.append(line).append(";tag=busy1\r\n");
            }
        }
        return r.append("Content-Length: 0\r\n\r\n").toString();
    }

    private void natUaGetsItsCall(RawSip ua, String user) throws Exception {
        ua.send(natRegister(ua, user));
        String ok = ua.receive(WAIT);
        assertNotNull("the 200 reaches the port the REGISTER really came from", ok);
        assertTrue(ok, ok.startsWith("SIP/2.0 200"));
        if (ua.transport().equals("UDP")) {
            Matcher via = Pattern.compile("(?im)^Via:.*$").matcher(ok);
            assertTrue(via.find());
            assertTrue("rport filled in: " + via.group(), via.group().contains("rport=" + ua.localPort()));
            assertTrue("received filled in: " + via.group(), via.group().contains("received=127.0.0.1"));
        }
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "486"), "127.0.0.1:" + port.sipPort(),
                "-s", user, "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            String invite = ua.receive(Duration.ofSeconds(20));
            assertNotNull("the INVITE for the NATed UA reaches its real address, not its Contact", invite);
            assertTrue(invite, invite.startsWith("INVITE sip:" + user + "@127.0.0.2:5"));
            ua.send(busy(invite));
            uac.assertSuccess(Duration.ofSeconds(40));
        }
    }

    @Test
    public void udpUaBehindNatIsReachedAtItsRealAddress() throws Exception {
        try (RawSip ua = RawSip.udp(port.sipPort())) {
            natUaGetsItsCall(ua, "natudp");
        }
    }

    @Test
    public void tcpUaBehindNatIsReachedOverItsOwnConnection() throws Exception {
        try (RawSip ua = RawSip.tcp(port.sipPort())) {
            natUaGetsItsCall(ua, "nattcp");
        }
    }

    /**
     * The REGISTER's server transaction ends with its 200 (it does not hold the request 32 s); a
     * retransmission of the REGISTER, its 200 lost, still gets a 200 with the binding, and a different
     * request with the same Call-ID and CSeq still gets the 500 of RFC 3261 Sec. 10.3 step 7.
     */
    @Test
    public void aRetransmittedRegisterIsAnsweredAgain() throws Exception {
        try (RawSip ua = RawSip.udp(port.sipPort())) {
            String user = "retrans" + System.nanoTime();
            String register = "REGISTER sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.localPort() + ";branch=z9hG4bKre" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=re1\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                    + "Call-ID: re-" + user + "\r\nCSeq: 7 REGISTER\r\n"
                    + "Contact: <sip:" + user + "@127.0.0.1:" + ua.localPort() + ">\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
            ua.send(register);
            String first = ua.receive(WAIT);
            assertNotNull(first);
            assertTrue(first, first.startsWith("SIP/2.0 200"));
            Thread.sleep(200); // the transaction has ended: a retransmission now reaches the registrar
            ua.send(register);
            String again = ua.receive(WAIT);
            assertNotNull("a retransmitted REGISTER is answered", again);
            assertTrue(again, again.startsWith("SIP/2.0 200"));
            assertTrue(again, again.contains("<sip:" + user + "@127.0.0.1:" + ua.localPort() + ">;expires=")
                    || again.contains("<sip:" + user + "@127.0.0.1:" + ua.localPort() + ">;Expires="));
            ua.send(register.replace(";branch=z9hG4bKre", ";branch=z9hG4bKother"));
            String other = ua.receive(WAIT);
            assertNotNull(other);
            assertTrue("another request with the same Call-ID and CSeq: " + other, other.startsWith("SIP/2.0 500"));
        }
    }

    @Test
    public void statusOverTheControlSocket() throws Exception {
        P2psipPortStatus s = P2psipPortStatus.from(om.status());
        assertEquals("127.0.0.1:" + port.sipPort(), s.ua());
        assertEquals("127.0.0.1:" + port.overlayPort(), s.overlay());
        assertEquals("on", s.sdpRewrite());
        assertNotNull(s.other().get(Fields.USERS));
        assertNotNull(s.other().get(Fields.CALLS));
    }

    @Test
    public void withoutOverlayManagerRegistrationsGet503() throws Exception {
        try (Sipp s = Sipp.start(work, "register-5xx.xml", Map.of(), "127.0.0.1:" + orphan.sipPort(), "-key", "user",
                "lonely", "-key", "contact", "127.0.0.1:5992", "-key", "expires", "60", "-m", "1", "-timeout", "30s")) {
            s.assertSuccess(Duration.ofSeconds(40));
            assertTrue(s.actions(), s.actions().contains("Overlay Manager not connected"));
        }
    }

    @Test
    public void withoutOverlayManagerCallsGet503() throws Exception {
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "503"), "127.0.0.1:" + orphan.sipPort(),
                "-s", "someone", "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(Duration.ofSeconds(40));
        }
    }
}
