package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayNames;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.InvalidRequestFault;
import org.p2psip.om.omif.v1.NegotiateTransport;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;

/**
 * Issue 15's attack test 2, and attack 3 for the OM IF, against three real secured peers on
 * loopback: alice (peer1) calls bob (peer2) with media through peer3's relay (relay policy
 * always), every OM IF call over HTTPS with client certificates. Mallory holds a valid peer
 * certificate of the overlay and tries to end, stop or redirect the call she does not own, to
 * negotiate in peer1's name and to take all of peer3's ports; clients without a certificate or
 * with another CA's try to call the OM IF at all. All refused; the call's RTP keeps flowing both ways.
 */
public class OmIfTrustAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule(order = 1)
    public final Owned owned = new Owned();
    private RunCa ca;
    private Path state;

    @Test
    public void aValidPeerCannotEndStopOrRedirectACallItDoesNotOwnNorActInAnotherNodesName() throws Exception {
        state = tmp.getRoot().toPath();
        ca = RunCa.in(state);
        Peer p3 = peer("peer3", null, "always");
        Peer p1 = peer("peer1", p3.bootstrapAddress(), "always", "alice");
        Peer p2 = peer("peer2", p3.bootstrapAddress(), "always", "bob");
        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(WAIT);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        alice.call("bob", WAIT);
        answered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue("alice hears bob", alice.awaitMedia(Duration.ofSeconds(10)));
        assertTrue("bob hears alice", bob.awaitMedia(Duration.ofSeconds(10)));

        NodeIdentity mallory = NodeIdentity.load(ca.peer("mallory"));
        SoapOmIfClient client = own(SoapOmIfClient.secured(PeerSecurity.omIf(mallory)));
        RemoteOverlayManager om = new RemoteOverlayManager(client, mallory::nodeId, () -> null);
        String owner = p1.overlayManager().nodeId();
        Address om1 = p1.overlayManager().address();
        Address om2 = p2.overlayManager().address();
        Address om3 = p3.overlayManager().address();

        // an authenticated peer sees the SATOs with their owners (GetNodeStatus detail)
        GetNodeStatusResponse st2 = om.status(om2);
        List<SatoInfo> satos2 = st2.getSato();
        assertFalse("bob's peer lists the call's SATOs", satos2.isEmpty());
        GetNodeStatusResponse st3 = om.status(om3);
        SessionInfo relay = st3.getSession().stream().filter(s -> owner.equals(s.getOwnerNodeId())).findFirst().orElse(null);
        assertNotNull("peer3 relays the call for peer1: " + st3.getSession(), relay);
        MediaStats aliceBefore = alice.stats();
        MediaStats bobBefore = bob.stats();

        for (SatoInfo s : satos2) {
            refused(() -> om.teardown(om2, s.getSatoId(), "mallory hangs up"), "belongs to another peer");
        }
        refused(() -> om.stopPort(om3, relay.getSessionId()), "started by another node");
        // redirect the relay's legs to mallory (port 9: discard)
        Address sink = new Address("127.0.0.1", 9);
        List<MediaHop> hijack = List.of(new MediaHop(mallory.nodeId(), null, "x", null, sink, false),
                new MediaHop(p3.overlayManager().nodeId(), om3, relay.getSessionId(), null, null, false),
                new MediaHop(mallory.nodeId(), null, "y", sink, null, false));
        refused(() -> om.connectRtp(om3, relay.getSatoId(), TransportKind.UDP, hijack), "another peer");
        // ... or RTP1, starting at alice's own peer
        SatoInfo media1 = om.status(om1).getSato().stream().filter(s -> s.getPurpose() == org.p2psip.om.omif.v1.Purpose.MEDIA)
                .findFirst().orElseThrow();
        List<MediaHop> hijack1 = List.of(new MediaHop(owner, om1, media1.getSessionId().isEmpty() ? "s" : media1.getSessionId().get(0),
                null, null, false), new MediaHop(mallory.nodeId(), null, "y", sink, null, false));
        refused(() -> om.connectRtp(om1, media1.getSatoId(), TransportKind.UDP, hijack1), "another peer");

        // NegotiateTransport (and a relay session) in peer1's name
        NegotiateTransport n = new NegotiateTransport();
        n.setCallerNodeId(owner);
        n.setSatoId("mallory-1");
        n.setPurpose(org.p2psip.om.omif.v1.Purpose.SIGNALLING);
        n.getCandidate().add(org.p2psip.om.omif.Wire.candidate(new TransportCandidate(TransportKind.TCP, sink)));
        try {
            client.port(om2).negotiateTransport(n);
            fail("NegotiateTransport in peer1's name was accepted");
        } catch (InvalidRequestFault f) {
            assertEquals("callerNodeId", f.getFaultInfo().getField());
            assertTrue(f.getMessage(), f.getFaultInfo().getMessage().contains("not the Node-ID in the caller's certificate"));
        }

        // StartPort is bounded per requesting peer; her own sessions she may stop
        List<String> hers = new ArrayList<>();
        try {
            for (int i = 0; i <= org.p2psip.om.OverlayManager.DEFAULT_SESSIONS_PER_PEER; i++) {
                hers.add(om.startPort(om3, null, PortKind.RTP_PORT, Map.of("role", "relay", "transport", "udp")).sessionId());
            }
            fail("peer3 gave mallory " + hers.size() + " sessions");
        } catch (OmException e) {
            assertEquals(e.getMessage(), OmException.Kind.RESOURCES_EXHAUSTED, e.kind());
            assertEquals(org.p2psip.om.OverlayManager.DEFAULT_SESSIONS_PER_PEER, hers.size());
            assertTrue(e.getMessage(), e.getMessage().contains("the limit per requesting peer"));
        }
        for (String s : hers) {
            assertTrue(om.stopPort(om3, s));
        }

        // the call is untouched: both phones in it, RTP still arriving at both ends through the relay
        Thread.sleep(1000);
        assertTrue(alice.inCall() && bob.inCall());
        assertTrue("alice's RTP kept flowing: " + aliceBefore.summary() + " -> " + alice.stats().summary(),
                alice.stats().packetsReceived() >= aliceBefore.packetsReceived() + 25);
        assertTrue("bob's RTP kept flowing: " + bobBefore.summary() + " -> " + bob.stats().summary(),
                bob.stats().packetsReceived() >= bobBefore.packetsReceived() + 25);
        assertEquals(satos2.size(), om.status(om2).getSato().size());
        assertTrue(om.status(om3).getSession().stream().anyMatch(s -> s.getSessionId().equals(relay.getSessionId())));

        // attack 3: no certificate, another CA's certificate, plain HTTP: no OM IF at all
        KeyManager[] none = new KeyManager[0];
        noService(new OmIfTls(none, OverlayTls.trustManagers(mallory.trust().caCertificate()), OverlayNames::nodeIdOf), om2);
        Path otherDir = state.resolve("other-ca-peer");
        OverlayCa.init(state.resolve("other-ca"), "run").enrollPeer(otherDir);
        NodeIdentity other = NodeIdentity.load(otherDir);
        noService(new OmIfTls(OverlayTls.keyManagers(other.key(), new java.security.cert.X509Certificate[] {other.certificate()}),
                OverlayTls.trustManagers(mallory.trust().caCertificate()), OverlayNames::nodeIdOf), om2);
        noService(null, om2);

        alice.hangup();
        bob.awaitHangup(WAIT);
    }

    // ---------------------------------------------------------------------------------------------

    private interface Attempt {
        void run() throws Exception;
    }

    /** A SOAP Fault InvalidRequest naming callerNodeId, saying {@code why}. */
    private static void refused(Attempt a, String why) throws Exception {
        try {
            a.run();
            fail("accepted; expected InvalidRequest (callerNodeId) saying: " + why);
        } catch (OmException e) {
            assertEquals(e.getMessage(), OmException.Kind.INVALID_REQUEST, e.kind());
            assertEquals(e.getMessage(), "callerNodeId", e.subject());
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }

    /** GetNodeStatus with {@code tls} (null: plain HTTP) gets no answer: the TLS handshake or the HTTP exchange fails. */
    private void noService(OmIfTls tls, Address om) {
        try (SoapOmIfClient c = tls == null ? new SoapOmIfClient() : SoapOmIfClient.secured(tls)) {
            new RemoteOverlayManager(c, () -> "0123456789abcdef0123456789abcdef01234567", () -> null).status(om);
            fail("the OM IF answered a client " + (tls == null ? "over plain HTTP" : "without a certificate of the overlay"));
        } catch (OmException e) {
            assertTrue(e.getMessage(), e.kind() == OmException.Kind.UNREACHABLE || e.kind() == OmException.Kind.PROTOCOL);
        }
    }

    private <T extends AutoCloseable> T own(T t) {
        owned.add(t);
        return t;
    }

    private Peer peer(String name, String bootstrap, String policy, String... users) throws Exception {
        Map<String, String> s = TestPeers.securedPeer(ca, state, name, bootstrap, users);
        s.put("relay-policy", policy);
        s.put("rtp-ports", name.equals("peer1") ? "21300-21399" : name.equals("peer2") ? "22300-22399" : "23300-23599");
        return own(Peer.start(PeerConfig.of(s)));
    }

    private Phone phone(String user, Peer peer) throws Exception {
        return own(Phone.start(TestPeers.phoneAt(user, peer).build()));
    }
}
