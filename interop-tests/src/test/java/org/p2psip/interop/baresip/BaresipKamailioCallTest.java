package org.p2psip.interop.baresip;

import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.kamailio.Kamailio;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Two real baresip phones register at a real Kamailio registrar/proxy on loopback and call each
 * other: the same check as the paper's verification (unmodified SIP phones), here against the
 * centralised baseline, which proves the harness before it meets the P2PSIP-Ports.
 */
public class BaresipKamailioCallTest {

    private static final Duration T = Duration.ofSeconds(20);
    /** 25 packets = 0.5 s of 20 ms PCMU frames. */
    private static final long MIN_PACKETS = 25;

    private Kamailio kamailio;
    private final List<Baresip> phones = new ArrayList<>();

    @Before
    public void startKamailio() {
        kamailio = Kamailio.start();
    }

    @After
    public void stopAll() {
        phones.forEach(Baresip::close);
        if (kamailio != null) {
            kamailio.close();
        }
    }

    private Baresip phone(String user) {
        Baresip b = Baresip.start(user, kamailio.hostPort());
        phones.add(b);
        return b;
    }

    @Test
    public void callsAreEstablishedWithMediaBothWaysAndEitherSideCanHangUp() {
        Baresip alice = phone("alice");
        Baresip bob = phone("bob");
        assertEquals("OK", alice.registrationStatus());
        assertEquals("OK", bob.registrationStatus());

        // call 1: alice dials bob by user name; bob hangs up
        alice.dial("bob");
        BaresipEvent est = alice.waitEstablished(T);
        assertEquals("outgoing", est.direction());
        assertTrue(est.peerUri(), est.peerUri().startsWith("sip:bob@"));
        BaresipEvent in = bob.waitEstablished(T);
        assertEquals("incoming", in.direction());
        assertEquals("both sides see the same call", est.callId(), in.callId());
        assertMediaFlowsBothWays(alice, bob);

        bob.hangup();
        assertNotNull(bob.waitClosed(T).param());
        BaresipEvent closed = alice.waitClosed(T);
        assertTrue("alice's call ended by bob's BYE: " + closed, closed.param().contains("peer"));
        assertNoActiveCall(alice);
        assertNoActiveCall(bob);

        // call 2: bob dials alice by full URI; alice hangs up
        bob.dial(alice.aor());
        bob.waitEstablished(T);
        alice.waitEstablished(T);
        assertMediaFlowsBothWays(bob, alice);

        alice.hangup();
        alice.waitClosed(T);
        closed = bob.waitClosed(T);
        assertTrue("bob's call ended by alice's BYE: " + closed, closed.param().contains("peer"));
        assertNoActiveCall(alice);
        assertNoActiveCall(bob);
    }

    @Test
    public void callToUnregisteredUserFailsWith404AndThePhoneStaysUsable() {
        // a domain name instead of the proxy's address: requests still go to the outbound proxy
        Baresip alice = Baresip.builder("alice").registrar(kamailio.hostPort()).domain("p2psip.test").start();
        phones.add(alice);
        Baresip bob = Baresip.builder("bob").registrar(kamailio.hostPort()).domain("p2psip.test").start();
        phones.add(bob);
        assertEquals("sip:alice@p2psip.test", alice.aor());

        alice.dial("nobody");
        BaresipEvent closed = alice.waitClosed(T);
        assertNotNull(closed.param());
        assertTrue("Kamailio's 404 reaches baresip: " + closed, closed.param().startsWith("404"));
        assertNoActiveCall(alice);

        // waitEstablished on a failed call fails at once with the reason instead of hanging
        alice.dial("nobody");
        BaresipException e = assertThrows(BaresipException.class, () -> alice.waitEstablished(T));
        assertTrue(e.getMessage(), e.getMessage().contains("404"));
        alice.waitClosed(T);

        alice.dial("bob");
        alice.waitEstablished(T);
        bob.waitEstablished(T);
        alice.hangup();
        alice.waitClosed(T);
        bob.waitClosed(T);
    }

    @Test
    public void registrationWithoutRegistrarFailsCleanlyWithTheLog() {
        int deadPort = FreePorts.udp(); // nobody listens there
        long t0 = System.nanoTime();
        BaresipException e = assertThrows(BaresipException.class,
                () -> Baresip.builder("carol").registrar("127.0.0.1:" + deadPort)
                        .registerTimeout(Duration.ofSeconds(3)).start());
        assertTrue(e.getMessage(), e.getMessage().contains("not registered"));
        assertTrue("message carries baresip's output: " + e.getMessage(), e.getMessage().contains("baresip is ready"));
        assertTrue("gave up in time", System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos());
    }

    private static void assertMediaFlowsBothWays(Baresip a, Baresip b) {
        RtpStats a1 = a.waitRtp(MIN_PACKETS, T);
        RtpStats b1 = b.waitRtp(MIN_PACKETS, T);
        // still flowing: counters keep growing in both directions at both UAs
        RtpStats a2 = a.waitRtp(Math.max(a1.sent(), a1.received()) + MIN_PACKETS, T);
        RtpStats b2 = b.waitRtp(Math.max(b1.sent(), b1.received()) + MIN_PACKETS, T);
        assertTrue(a1 + " -> " + a2, a2.sent() > a1.sent() && a2.received() > a1.received());
        assertTrue(b1 + " -> " + b2, b2.sent() > b1.sent() && b2.received() > b1.received());
    }

    private static void assertNoActiveCall(Baresip b) {
        String calls = b.command("listcalls");
        assertFalse(b.aor() + " still has a call: " + calls, calls.contains("ESTABLISHED"));
        assertThrows(BaresipException.class, b::rtpStats);
    }
}
