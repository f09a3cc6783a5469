package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * Bad input on the UA-facing interface: RFC 4475 torture messages (copied into the test resources)
 * and hand-made garbage over UDP and TCP. Where a response is possible the port answers 4xx;
 * otherwise it drops the message (and logs it); either way it keeps serving everybody else, which
 * every test checks with a well-formed OPTIONS afterwards.
 */
public class MalformedSipTest {
    static final Duration WAIT = Duration.ofSeconds(3);
    static final Duration SILENCE = Duration.ofMillis(700);
    static TestOverlay overlay;
    static P2psipPort port;

    @BeforeClass
    public static void start() throws Exception {
        Path sockets = Files.createTempDirectory("p2psip-sip-malformed");
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-m").sipPort(0).overlayPort(0)
                .threads(2)).start();
        overlay.attach("peer-m", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(port, overlay);
    }

    static byte[] torture(String name) throws IOException {
        try (InputStream in = MalformedSipTest.class.getResourceAsStream("/torture/" + name)) {
            if (in == null) {
                throw new IOException("no /torture/" + name);
            }
            return in.readAllBytes();
        }
    }

    /** The message with its first Via pointing at {@code raw} (with rport), so an answer can reach the test. */
    static byte[] viaTo(byte[] msg, RawSip raw) {
        String s = new String(msg, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^(Via|v):\\s*SIP\\s*/\\s*([0-9.]+)\\s*/\\s*[A-Za-z]+\\s+[^;\\r\\n]+").matcher(s);
        if (!m.find()) {
            throw new AssertionError("no Via to patch");
        }
        String patched = s.substring(0, m.start()) + "Via: SIP/" + m.group(2) + "/" + raw.transport() + " 127.0.0.1:" + raw.localPort()
                + ";rport" + s.substring(m.end());
        return patched.getBytes(StandardCharsets.ISO_8859_1);
    }

    static int status(String response) {
        assertNotNull("expected a response", response);
        Matcher m = Pattern.compile("^SIP/2\\.0 (\\d{3}) ").matcher(response);
        assertTrue("not a SIP response: " + response, m.find());
        return Integer.parseInt(m.group(1));
    }

    /** The port still answers a well-formed request (from a fresh socket). */
    static void stillServing() throws IOException {
        try (RawSip raw = RawSip.udp(port.sipPort())) {
            raw.send(options(raw, "still-serving-" + System.nanoTime()));
            String r = raw.receive(Duration.ofSeconds(5));
            assertEquals("the port keeps serving after bad input", 200, status(r));
        }
    }

    static String options(RawSip raw, String callId) {
        return "OPTIONS sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + raw.transport() + " 127.0.0.1:" + raw.localPort() + ";branch=z9hG4bK" + callId + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=1\r\n"
                + "To: <sip:127.0.0.1:" + port.sipPort() + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    private static String exchangeUdp(byte[] msg, boolean patchVia) throws IOException {
        try (RawSip raw = RawSip.udp(port.sipPort())) {
            raw.send(patchVia ? viaTo(msg, raw) : msg);
            return raw.receive(patchVia ? WAIT : SILENCE);
        }
    }

    // ------------------------------------------------------------------------------- torture messages

    @Test
    public void unknownProtocolVersionIsRefused() throws Exception {
        String r = exchangeUdp(torture("badvers.dat"), true);
        int code = status(r);
        assertTrue("505 or 400 for SIP/7.0, got " + code, code == 505 || code == 400);
        stillServing();
    }

    @Test
    public void contentLengthLargerThanTheDatagramGets400() throws Exception {
        assertEquals(400, status(exchangeUdp(torture("clerr.dat"), true)));
        stillServing();
    }

    @Test
    public void missingMandatoryHeadersAreDropped() throws Exception {
        // no From, To or Call-ID: a response would lack mandatory headers too, so the stack drops it (logged)
        assertNull(exchangeUdp(torture("insuf.dat"), true));
        stillServing();
    }

    @Test
    public void missingCallIdGets400() throws Exception {
        try (RawSip raw = RawSip.udp(port.sipPort())) {
            raw.send(options(raw, "no-call-id").replace("Call-ID: no-call-id\r\n", ""));
            String r = raw.receive(WAIT);
            if (r != null) {
                assertEquals(400, status(r));
            }
        }
        stillServing();
    }

    @Test
    public void negativeContentLengthGets400() throws Exception {
        assertEquals(400, status(exchangeUdp(torture("ncl.dat"), true)));
        stillServing();
    }

    @Test
    public void overflowingNumbersGet400() throws Exception {
        assertEquals(400, status(exchangeUdp(torture("scalar02.dat"), true)));
        stillServing();
    }

    @Test
    public void cseqMethodMismatchGets400() throws Exception {
        assertEquals(400, status(exchangeUdp(torture("mismatch01.dat"), true)));
        stillServing();
    }

    @Test
    public void maxForwardsZeroGets483() throws Exception {
        assertEquals(483, status(exchangeUdp(torture("zeromf.dat"), true)));
        stillServing();
    }

    @Test
    public void unknownRequestUriSchemeGets416() throws Exception {
        int code = status(exchangeUdp(torture("unkscm.dat"), true));
        assertTrue("416 or 400 for an unknown scheme, got " + code, code == 416 || code == 400);
        stillServing();
    }

    @Test
    public void brokenStartLineIsAnsweredOrDropped() throws Exception {
        String r = exchangeUdp(torture("ltgtruri.dat"), true);
        if (r != null) {
            assertEquals(400, status(r));
        }
        stillServing();
    }

    @Test
    public void extraSpacesInTheStartLineAreRejectedOrToleratedLiberally() throws Exception {
        // RFC 4475 3.1.2.9: either reject it, or process it as if the spaces were single
        try (RawSip raw = RawSip.udp(port.sipPort())) {
            raw.send(viaTo(torture("lwsstart.dat"), raw));
            String r = raw.receive(WAIT);
            int code = status(r);
            if (code == 100) {
                code = status(raw.receive(WAIT));
                assertEquals("processed: the unknown user gets 404", 404, code);
            } else {
                assertEquals(400, code);
            }
        }
        stillServing();
    }

    @Test
    public void unusableViaIsDropped() throws Exception {
        // a Via of empty parameters: the stack answers 400 to the packet's source, or drops it; nothing breaks
        String r = exchangeUdp(torture("badinv01.dat"), false);
        if (r != null) {
            assertEquals(400, status(r));
        }
        stillServing();
    }

    // ------------------------------------------------------------------------------- garbage

    @Test
    public void garbageDatagramsAreDropped() throws Exception {
        byte[] junk = new byte[1500];
        new java.util.Random(7).nextBytes(junk);
        assertNull(exchangeUdp(junk, false));
        assertNull(exchangeUdp(new byte[0], false));
        assertNull(exchangeUdp("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false));
        assertNull(exchangeUdp("INVITE\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false));
        stillServing();
    }

    @Test
    public void garbageOnTcpClosesOnlyThatConnection() throws Exception {
        try (RawSip bad = RawSip.tcp(port.sipPort()); RawSip good = RawSip.tcp(port.sipPort())) {
            byte[] junk = new byte[4096];
            new java.util.Random(11).nextBytes(junk);
            bad.send(junk);
            bad.send("\r\n\r\n");
            good.send(options(good, "tcp-good-" + System.nanoTime()));
            assertEquals(200, status(good.receive(WAIT)));
        }
        stillServing();
    }

    @Test
    public void hugeHeaderOverUdpIsRefusedOrDropped() throws Exception {
        try (RawSip raw = RawSip.udp(port.sipPort())) {
            String o = options(raw, "huge-udp-" + System.nanoTime());
            String big = "X-Filler: " + "a".repeat(60000) + "\r\n";
            raw.send(o.replace("Content-Length: 0", big + "Content-Length: 0"));
            String r = raw.receive(SILENCE);
            if (r != null) {
                int code = status(r);
                assertTrue("a huge message is refused, got " + code, code == 400 || code == 413 || code == 513 || code == 200);
            }
        }
        stillServing();
    }

    @Test
    public void hugeMessageOverTcpIsRefusedAndTheConnectionClosed() throws Exception {
        try (RawSip raw = RawSip.tcp(port.sipPort())) {
            String o = options(raw, "huge-tcp-" + System.nanoTime());
            String big = "X-Filler: " + "a".repeat(200_000) + "\r\n";
            try {
                raw.send(o.replace("Content-Length: 0", big + "Content-Length: 0"));
            } catch (IOException e) {
                // the port may close the connection while we are still writing: that is a refusal
            }
            String r = raw.receive(WAIT);
            if (r != null) {
                int code = status(r);
                assertTrue("a message beyond the size limit is refused, got " + code, code >= 400);
            }
        }
        stillServing();
    }
}
