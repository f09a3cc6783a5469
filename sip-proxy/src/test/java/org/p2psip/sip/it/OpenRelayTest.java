package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * The forwarding policy: the P2PSIP-Port is no open relay. A stranger on the UA side who names the
 * next hop himself (a Route header, or the Request-URI of an in-dialog request) gets 403 with the
 * reason, and nothing reaches the host he named; the same in-dialog request towards a phone
 * registered here is forwarded. Real sockets on loopback, a real port and OM stand-in.
 */
public class OpenRelayTest {
    static final Duration WAIT = Duration.ofSeconds(5);
    static TestOverlay overlay;
    static P2psipPort port;

    @BeforeClass
    public static void start() throws Exception {
        Path sockets = Files.createTempDirectory("p2psip-sip-relay");
        overlay = TestOverlay.start(1);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-r").sipPort(0).overlayPort(0)
                .threads(2)).start();
        overlay.attach("peer-r", port, 0);
        TestPeers.waitFor("OM connected", port::isOverlayManagerConnected);
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(port, overlay);
    }

    static String request(String method, String ruri, RawSip from, String extra, String toTag, String callId) {
        return method + " " + ruri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from.localPort() + ";branch=z9hG4bK" + callId + method + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:stranger@127.0.0.1>;tag=s1\r\n"
                + "To: <sip:victim@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:stranger@127.0.0.1:" + from.localPort() + ">\r\n"
                + extra
                + "Content-Length: 0\r\n\r\n";
    }

    private static String finalResponse(RawSip raw) throws Exception {
        while (true) {
            String r = raw.receive(WAIT);
            assertNotNull("expected a final response", r);
            if (!r.startsWith("SIP/2.0 1")) {
                return r;
            }
        }
    }

    @Test
    public void aRouteToAStrangersHostIsRefused() throws Exception {
        try (RawSip stranger = RawSip.udp(port.sipPort()); RawSip victim = RawSip.udp(5)) {
            stranger.send(request("MESSAGE", "sip:victim@127.0.0.1:" + victim.localPort(), stranger,
                    "Route: <sip:127.0.0.1:" + port.sipPort() + ";lr>, <sip:127.0.0.1:" + victim.localPort() + ";lr>\r\n", null,
                    "relay-route-" + System.nanoTime()));
            String r = finalResponse(stranger);
            assertTrue(r, r.startsWith("SIP/2.0 403 Forbidden (not a relay: 127.0.0.1:" + victim.localPort()));
            assertNull("nothing reaches the host the stranger named", victim.receive(Duration.ofMillis(700)));
        }
    }

    @Test
    public void anInDialogRequestToAStrangersHostIsRefused() throws Exception {
        try (RawSip stranger = RawSip.udp(port.sipPort()); RawSip victim = RawSip.udp(5)) {
            stranger.send(request("BYE", "sip:victim@127.0.0.1:" + victim.localPort(), stranger, "", "t1",
                    "relay-dialog-" + System.nanoTime()));
            String r = finalResponse(stranger);
            assertEquals(r, "SIP/2.0 403", r.substring(0, 11));
            assertNull("nothing reaches the host the stranger named", victim.receive(Duration.ofMillis(700)));
        }
    }

    @Test
    public void anInDialogRequestToAPhoneRegisteredHereIsForwarded() throws Exception {
        try (RawSip phone = RawSip.udp(port.sipPort()); RawSip caller = RawSip.udp(port.sipPort())) {
            String id = "relay-reg-" + System.nanoTime();
            phone.send("REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.localPort() + ";branch=z9hG4bK" + id + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:carol@127.0.0.1>;tag=r1\r\nTo: <sip:carol@127.0.0.1>\r\n"
                    + "Call-ID: " + id + "\r\nCSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:carol@127.0.0.1:" + phone.localPort() + ">\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n");
            assertEquals(200, MalformedSipTest.status(finalResponse(phone)));
            caller.send(request("BYE", "sip:carol@127.0.0.1:" + phone.localPort(), caller, "", "t2", "relay-bye-" + System.nanoTime()));
            String got = phone.receive(WAIT);
            assertNotNull("the BYE reaches the registered phone", got);
            assertTrue(got, got.startsWith("BYE sip:carol@127.0.0.1:" + phone.localPort()));
        }
    }

    static String register(RawSip phone, String user, int contactPort, int expires, String callId, int cseq) {
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + phone.localPort() + ";branch=z9hG4bK" + callId + cseq + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r1\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + contactPort + ">\r\nExpires: " + expires
                + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    public void aPhoneThatMovedOrLeftIsNoLongerAHop() throws Exception {
        try (RawSip phone = RawSip.udp(port.sipPort()); RawSip moved = RawSip.udp(5); RawSip caller = RawSip.udp(port.sipPort())) {
            String id = "relay-move-" + System.nanoTime();
            // dave registers from one socket with his contact at another, then moves his contact there
            phone.send(register(phone, "dave", phone.localPort(), 60, id, 1));
            assertEquals(200, MalformedSipTest.status(finalResponse(phone)));
            phone.send(register(phone, "dave", phone.localPort(), 0, id, 2));
            assertEquals(200, MalformedSipTest.status(finalResponse(phone)));
            phone.send(register(phone, "dave", moved.localPort(), 60, id, 3));
            assertEquals(200, MalformedSipTest.status(finalResponse(phone)));
            caller.send(request("BYE", "sip:dave@127.0.0.1:" + moved.localPort(), caller, "", "t3", "relay-bye-" + System.nanoTime()));
            String got = moved.receive(WAIT);
            assertNotNull("the BYE reaches the new contact", got);
            assertTrue(got, got.startsWith("BYE sip:dave@127.0.0.1:" + moved.localPort()));
            // he leaves: his contact's address is no next hop any more (his REGISTERs' source still is while bound)
            phone.send(register(phone, "dave", moved.localPort(), 0, id, 4));
            assertEquals(200, MalformedSipTest.status(finalResponse(phone)));
            String refused = "relay-bye-" + System.nanoTime();
            caller.send(request("BYE", "sip:dave@127.0.0.1:" + moved.localPort(), caller, "", "t4", refused));
            String r = finalResponse(caller);
            assertTrue(r, r.startsWith("SIP/2.0 403 Forbidden (not a relay: 127.0.0.1:" + moved.localPort()));
            // (the first BYE, never answered there, may still be retransmitted to it)
            for (String m = moved.receive(Duration.ofMillis(700)); m != null; m = moved.receive(Duration.ofMillis(300))) {
                assertFalse("nothing of the refused BYE reaches the address he left: " + m, m.contains(refused));
            }
        }
    }
}
