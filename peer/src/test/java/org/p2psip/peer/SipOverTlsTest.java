package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * SIP over TLS between the P2PSIP-Ports of a secured overlay (issue 15): two real secured peers on
 * loopback (peer1's SATO-Ports in its JVM, peer2's as child processes), bob's phone at peer2 calls
 * alice's at peer1 (the phones talk plain SIP to their own peer). The OMs negotiate the call's signalling SATO as "secure" ({@code tls}) and the P2PSIP-Ports
 * talk SIP over mutual TLS; the overlay port takes no plain SIP and no TLS client of another CA.
 */
public class SipOverTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule(order = 1)
    public final Owned owned = new Owned();
    private RunCa ca;
    private Path state;
    private Peer p1;
    private Peer p2;

    @Before
    public void startOverlay() throws Exception {
        state = tmp.getRoot().toPath();
        ca = RunCa.in(state);
        p1 = peer("peer1", null, "33300-33399", "in-process", "alice");
        // peer2's SATO-Ports run as child processes: ./p2psip sip-port gets the security directory
        p2 = peer("peer2", p1.bootstrapAddress(), "33400-33499", "process", "bob");
    }

    @Test
    public void aCallBetweenSecuredPeersSignalsOverTlsAndTheOverlayPortTakesNoPlainSip() throws Exception {
        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        bob.register();
        Address overlay1 = p1.overlayManager().ports().signallingEndpoint(TransportKind.TLS);

        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                alice.answer(WAIT);
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        bob.call("alice", WAIT);
        answered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(alice.inCall() && bob.inCall());

        // both OMs' SATO tables (what ./p2psip status shows): the call's signalling SATO runs over tls
        Sato callers = signalling(p2);
        Sato callees = signalling(p1);
        assertEquals(TransportKind.TLS, callers.transport());
        assertEquals(TransportKind.TLS, callees.transport());
        assertEquals("the caller's P2PSIP-Port reaches the callee's TLS overlay listener", overlay1, callers.remoteEndpoint());

        // plain SIP to the overlay port is not overlay traffic: no answer, and alice's phone is not rung
        String reply = plainSip(overlay1, "alice");
        assertFalse("plain SIP on the overlay port was answered: " + reply, reply.contains("SIP/2.0"));
        // nor does a TLS client with a certificate of another CA get through
        Path other = state.resolve("other-peer");
        OverlayCa.init(state.resolve("other-ca"), "other").enrollPeer(other);
        try (SSLSocket s = (SSLSocket) NodeIdentity.load(other).tlsContext().getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(overlay1.host(), overlay1.port()), 10_000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write(options(overlay1, "alice").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            int b = s.getInputStream().read();
            fail("a TLS client of another CA was answered (" + b + ")");
        } catch (IOException e) {
            // the handshake fails: the overlay port trusts only this overlay's CA
        }

        bob.hangup();
        assertNotNull(alice.awaitHangup(WAIT));
        assertFalse(alice.inCall());
    }

    /** The signalling SATO of the one call on {@code p}. */
    private static Sato signalling(Peer p) {
        List<Sato> s = p.overlayManager().satos().all().stream().filter(x -> x.purpose() == Purpose.SIGNALLING).toList();
        assertEquals("one signalling SATO: " + s, 1, s.size());
        return s.get(0);
    }

    /** Sends an INVITE for {@code user} over plain TCP to {@code at}; what came back before the close. */
    private static String plainSip(Address at, String user) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(at.host(), at.port()), 10_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(options(at, user).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static String options(Address at, String user) {
        String hp = at.host() + ":" + at.port();
        return "OPTIONS sip:" + user + "@" + hp + ";transport=tcp SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-plain-1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:mallory@127.0.0.1>;tag=1\r\nTo: <sip:" + user + "@" + hp + ">\r\n"
                + "Call-ID: plain-1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    private Peer peer(String name, String bootstrap, String rtpPorts, String ports, String... users) throws Exception {
        Map<String, String> s = TestPeers.securedPeer(ca, state, name, bootstrap, users);
        s.put("ports", ports);
        s.put("rtp-ports", rtpPorts);
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private Phone phone(String user, Peer peer) throws Exception {
        Phone p = Phone.start(TestPeers.phoneAt(user, peer).build());
        owned.add(p);
        return p;
    }
}
