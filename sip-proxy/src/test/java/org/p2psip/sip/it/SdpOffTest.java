package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.control.MessageTypes;
import org.p2psip.sip.P2psipPort;

/** With SDP rewriting switched off (draft Sec. 4), media goes directly between the UAs: SDP passes untouched. */
public class SdpOffTest {
    static Path work;
    static TestOverlay overlay;
    static P2psipPort a;
    static P2psipPort b;
    static TestPeerOm omA;
    static TestPeerOm omB;
    static TestPeers peers;

    @BeforeClass
    public static void start() throws Exception {
        work = TestPeers.workDir("SdpOffTest");
        overlay = TestOverlay.start(2);
        peers = TestPeers.start(overlay, (socket, name) -> TwoPeerSippTest.config(socket, name).sdpRewrite(false));
        a = peers.a;
        b = peers.b;
        omA = peers.omA;
        omB = peers.omB;
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(peers, overlay);
    }

    @Test
    public void mediaGoesDirectlyBetweenTheUas() throws Exception {
        try (Sipp uas = Sipp.start(work, "uas.xml", Map.of(), null, "-s", "bob", "-m", "1", "-timeout", "40s")) {
            try (Sipp reg = Sipp.start(work, "register.xml", Map.of(), "127.0.0.1:" + b.sipPort(), "-key", "user", "bob",
                    "-key", "contact", "127.0.0.1:" + uas.port, "-key", "expires", "60", "-m", "1", "-timeout", "30s")) {
                reg.assertSuccess(Duration.ofSeconds(40));
            }
            try (Sipp uac = Sipp.start(work, "uac.xml", Map.of(), "127.0.0.1:" + a.sipPort(), "-s", "bob", "-key",
                    "caller", "alice", "-m", "1", "-d", "100", "-timeout", "40s")) {
                uac.assertSuccess(Duration.ofSeconds(40));
                uas.assertSuccess(Duration.ofSeconds(40));
                String invite = uas.received().stream().filter(m -> m.startsWith("INVITE")).findFirst().orElseThrow();
                String ok = uac.received().stream().filter(m -> m.startsWith("SIP/2.0 200") && m.contains("INVITE"))
                        .findFirst().orElseThrow();
                assertEquals("the callee sees the caller's own media port", uac.mediaPort, TwoPeerSippTest.mediaPort(invite));
                assertEquals("the caller sees the callee's own media port", uas.mediaPort, TwoPeerSippTest.mediaPort(ok));
                assertEquals(0, omA.count(MessageTypes.SATO_MEDIA_REQUEST) + omB.count(MessageTypes.SATO_MEDIA_REQUEST));
                assertTrue("the signalling still crossed a SATO", omA.count(MessageTypes.SATO_SIGNALLING_REQUEST) >= 1);
            }
        }
    }
}
