package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.interop.baresip.Baresip;
import org.p2psip.interop.baresip.RtpStats;
import org.p2psip.interop.fixtures.Owned;

/**
 * Issue 7 acceptance with unmodified phones (paper Sec. 5.3): baresip alice registers at peer1,
 * baresip bob (auto answer) at peer2; peer3 offers its RTP-Port as a relay. With relay-policy
 * always the media goes RTP1 -> RTP3 -> RTP2 and peer3's RTP-Port forwards packets both ways; with
 * never the relay sees nothing. After the hang-up nothing is left on any RTP-Port or OM.
 */
public class BaresipThroughPeersTest {

    private static final Duration T = Duration.ofSeconds(30);
    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 120_000)
    public void relayAlwaysBobHangsUp() throws Exception {
        callThroughRelay(false);
    }

    @Test(timeout = 120_000)
    public void relayAlwaysAliceHangsUp() throws Exception {
        callThroughRelay(true);
    }

    private void callThroughRelay(boolean aliceHangsUp) throws Exception {
        InProcessOverlay o = owned.track(InProcessOverlay.start("always", Map.of()));
        Baresip alice = owned.track(Baresip.builder("alice").registrar(o.peer1.sipAddress()).rtpPorts(27000, 27499).start());
        Baresip bob = owned.track(Baresip.builder("bob").registrar(o.peer2.sipAddress()).rtpPorts(27500, 27999)
                .answerMode("auto").start());
        long t0 = System.nanoTime();
        alice.dial("bob");
        alice.waitEstablished(T);
        bob.waitEstablished(T);
        long established = (System.nanoTime() - t0) / 1_000_000;
        RtpStats a = alice.waitRtp(50, T);
        RtpStats b = bob.waitRtp(50, T);

        // the relay forwards both ways while the call is up
        ControlMessage relay = awaitRelayBothWays(o, 25);
        long relayed = RelayStats.packetsIn(relay);
        System.out.println("[peer-interop] baresip via relay: established in " + established + " ms; alice " + a
                + ", bob " + b + "; peer3 RTP3: " + RelayStats.describe(relay) + "; peer1 RTP1: "
                + RelayStats.describe(o.peer1.rtpStats()) + "; peer2 RTP2: " + RelayStats.describe(o.peer2.rtpStats()));
        assertTrue("relay forwarded packets: " + RelayStats.describe(relay), relayed >= 50);

        long h0 = System.nanoTime();
        if (aliceHangsUp) {
            alice.hangup();
            bob.waitClosed(T);
            alice.waitClosed(T);
        } else {
            bob.hangup();
            alice.waitClosed(T);
            bob.waitClosed(T);
        }
        o.awaitNothingLeft(10_000);
        System.out.println("[peer-interop] baresip via relay: " + (aliceHangsUp ? "alice" : "bob")
                + " hung up; everything released within " + (System.nanoTime() - h0) / 1_000_000 + " ms");
    }

    @Test(timeout = 120_000)
    public void relayNeverMediaBypassesThePeer3() throws Exception {
        InProcessOverlay o = owned.track(InProcessOverlay.start("never", Map.of()));
        Baresip alice = owned.track(Baresip.builder("alice").registrar(o.peer1.sipAddress()).rtpPorts(27000, 27499).start());
        Baresip bob = owned.track(Baresip.builder("bob").registrar(o.peer2.sipAddress()).rtpPorts(27500, 27999)
                .answerMode("auto").start());
        alice.dial("bob");
        alice.waitEstablished(T);
        bob.waitEstablished(T);
        RtpStats a = alice.waitRtp(50, T);
        RtpStats b = bob.waitRtp(50, T);
        ControlMessage relay = o.peer3.rtpStats();
        System.out.println("[peer-interop] baresip no relay: alice " + a + ", bob " + b + "; peer3 RTP3: "
                + RelayStats.describe(relay) + "; peer1 RTP1: " + RelayStats.describe(o.peer1.rtpStats())
                + "; peer2 RTP2: " + RelayStats.describe(o.peer2.rtpStats()));
        assertEquals("peer3's RTP-Port is not on the media path: " + RelayStats.describe(relay), 0,
                RelayStats.sessions(relay).size());
        alice.hangup();
        bob.waitClosed(T);
        alice.waitClosed(T);
        o.awaitNothingLeft(10_000);
    }

    static ControlMessage awaitRelayBothWays(InProcessOverlay o, long min) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            ControlMessage m = o.peer3.rtpStats();
            if (RelayStats.legsWithPacketsIn(m, min) >= 2) {
                return m;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("peer3's RTP-Port did not forward >= " + min
                        + " packets on two legs within 15 s: " + RelayStats.describe(m));
            }
            Thread.sleep(200);
        }
    }
}
