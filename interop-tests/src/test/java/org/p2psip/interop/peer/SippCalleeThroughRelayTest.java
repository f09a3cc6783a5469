package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;

/**
 * A third-party callee: sipp (scenario {@code echo-uas.xml}, {@code -rtp_echo}) is bob at peer2; a
 * separate sipp UAC run registers bob there with sipp UAS's address as Contact. The project's phone
 * alice at peer1 calls bob through the relay on peer3 and gets its own RTP back (echoed by sipp,
 * through RTP2, RTP3 and RTP1). sipp's exit status judges the SIP it received.
 */
public class SippCalleeThroughRelayTest {

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 120_000)
    public void phoneCallsSippEchoThroughTheRelayAndGetsItsMediaBack() throws Exception {
        InProcessOverlay o = owned.track(InProcessOverlay.start("always", Map.of()));
        String peer2Sip = o.peer2.sipAddress();

        int uasPort = 0;
        Sipp uas = null;
        for (int attempt = 0; attempt < 4 && uas == null; attempt++) {
            uasPort = FreePorts.tcpAndUdp();
            int mediaPort = FreePorts.udpPairPlus2();
            Sipp s = owned.track(Sipp.start(List.of("-sf", Sipp.scenario("echo-uas.xml").toString(), "-i", "127.0.0.1", "-p", Integer.toString(uasPort),
                    "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort), "-rtp_echo", "-m", "1", "-nostdin",
                    "-timeout", "90s", "-timeout_error", "-trace_err")));
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline && s.isAlive()
                    && (FreePorts.udpFree(uasPort) || FreePorts.udpFree(mediaPort))) {
                Thread.sleep(50);
            }
            if (s.isAlive() && !FreePorts.udpFree(uasPort)) {
                uas = s;
            } else {
                s.close();
            }
        }
        assertTrue("sipp UAS did not start", uas != null);

        Sipp reg = owned.track(Sipp.start(List.of("-sf", Sipp.scenario("register-bob.xml").toString(), "-s", "bob",
                "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.tcpAndUdp()),
                "-mp", Integer.toString(FreePorts.udpPairPlus2()), "-key", "contact_port",
                Integer.toString(uasPort), "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error", "-trace_err",
                peer2Sip)));
        assertEquals("sipp registered bob at peer2 (" + peer2Sip + ")\n" + reg.log(), 0, reg.awaitExit(40));

        String[] hp = o.peer1.sipAddress().split(":");
        Phone alice = owned.track(Phone.start(PhoneConfig.builder("alice", new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
                .listen("127.0.0.1", 0).build()));
        alice.register();
        long t0 = System.nanoTime();
        alice.call("bob", Duration.ofSeconds(30));
        long answered = (System.nanoTime() - t0) / 1_000_000;
        assertTrue("alice's RTP comes back\n" + uas.log(), alice.awaitMedia(Duration.ofSeconds(20)));
        ControlMessage relay = BaresipThroughPeersTest.awaitRelayBothWays(o, 25);
        Thread.sleep(1000);
        MediaStats a = alice.stats();
        System.out.println("[peer-interop] sipp echo via relay: answered in " + answered + " ms; alice " + a.summary()
                + "; peer3 RTP3: " + RelayStats.describe(relay));
        assertTrue("media both ways at alice: " + a.summary(), a.flowedBothWays());
        alice.hangup();
        assertEquals("local hangup", alice.endReason());
        assertEquals("sipp UAS verdict on the call (INVITE, ACK, BYE)\n" + uas.log(), 0, uas.awaitExit(30));
        o.awaitNothingLeft(10_000);
    }
}
