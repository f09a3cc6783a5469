package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/** Two and three Overlay Managers on loopback talking the OM IF over real HTTP, their ports on real Unix sockets. */
public class OverlayManagerTest {
    private Nodes nodes;
    private PortStandIns portsA;
    private PortStandIns portsB;
    private OverlayManager a;
    private OverlayManager b;

    @Before
    public void setUp() throws Exception {
        nodes = new Nodes();
        portsA = nodes.ports("127.0.0.1:15061");
        portsB = nodes.ports("127.0.0.1:25061");
        a = nodes.om(portsA);
        b = nodes.om(portsB);
    }

    @After
    public void tearDown() {
        nodes.close();
    }

    private static List<TransportCandidate> offer(TransportKind t, int port) {
        return List.of(new TransportCandidate(t, new Address("127.0.0.1", port)));
    }

    @Test
    public void signallingSatoIsNegotiatedSetUpAndTornDownOnBothSides() throws Exception {
        Sato s = a.openSato(b.address(), b.nodeId(), Purpose.SIGNALLING, "call-1@test",
                List.of(Requirement.RELIABLE), List.of(
                        new TransportCandidate(TransportKind.UDP, new Address("127.0.0.1", 15060)),
                        new TransportCandidate(TransportKind.TCP, new Address("127.0.0.1", 15061))));
        assertEquals("udp is not reliable: the callee picks the tcp candidate", TransportKind.TCP, s.transport());
        assertEquals("the callee answers with its P2PSIP-Port's overlay listener", Address.parse("127.0.0.1:25061"), s.remoteEndpoint());
        assertEquals(SatoState.ESTABLISHED, s.state());
        assertEquals(b.nodeId(), s.peerNodeId());

        Sato there = b.satos().get(s.id());
        assertNotNull("the callee keeps the SATO", there);
        assertEquals(SatoState.ESTABLISHED, there.state());
        assertEquals(a.nodeId(), there.peerNodeId());
        assertEquals(Address.parse("127.0.0.1:15061"), there.remoteEndpoint());
        assertEquals("call-1@test", there.callId());
        assertEquals(a.address(), there.peerOm());

        a.closeSato(s.id(), "call ended");
        assertNull(a.satos().get(s.id()));
        assertNull("TeardownSato reached the callee", b.satos().get(s.id()));
    }

    @Test
    public void theNextSatosToAPeerAreSetUpWithoutANewNegotiation() throws Exception {
        List<TransportCandidate> candidates = List.of(
                new TransportCandidate(TransportKind.UDP, new Address("127.0.0.1", 15060)),
                new TransportCandidate(TransportKind.TCP, new Address("127.0.0.1", 15061)));
        Sato first = a.openSato(b.address(), b.nodeId(), Purpose.SIGNALLING, "call-n1", List.of(Requirement.RELIABLE), candidates);
        assertFalse(first.negotiatedBefore());
        Sato second = a.openSato(b.address(), b.nodeId(), Purpose.SIGNALLING, "call-n2", List.of(Requirement.RELIABLE), candidates);
        assertTrue("SetupSato alone, on the transport chosen for the first", second.negotiatedBefore());
        assertEquals(TransportKind.TCP, second.transport());
        assertEquals(Address.parse("127.0.0.1:25061"), second.remoteEndpoint());
        assertEquals(SatoState.ESTABLISHED, second.state());
        Sato there = b.satos().get(second.id());
        assertNotNull("the callee negotiated the one transport offered and set the SATO up", there);
        assertEquals(SatoState.ESTABLISHED, there.state());
        assertEquals(TransportKind.TCP, there.transport());
        assertEquals(Address.parse("127.0.0.1:15061"), there.remoteEndpoint());
        assertEquals("call-n2", there.callId());

        // other requirements: negotiated again
        Sato secure = null;
        try {
            secure = a.openSato(b.address(), b.nodeId(), Purpose.SIGNALLING, "call-n3", List.of(Requirement.SECURE), candidates);
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNSUPPORTED_TRANSPORT, e.kind());
        }
        assertNull("nothing set up without TLS", secure);

        // a media SATO set up as before still gets its own RTP session at the callee
        Sato m1 = a.openSato(b.address(), null, Purpose.MEDIA, "call-n4", List.of(Requirement.LOW_DELAY), offer(TransportKind.UDP, 16000));
        Sato m2 = a.openSato(b.address(), null, Purpose.MEDIA, "call-n5", List.of(Requirement.LOW_DELAY), offer(TransportKind.UDP, 16000));
        assertFalse(m1.negotiatedBefore());
        assertTrue(m2.negotiatedBefore());
        assertEquals(2, portsB.count("rtp.allocate"));
        assertEquals(b.satos().get(m2.id()).sessions().get(0).leg(PortSession.LEG_CALLER), m2.remoteEndpoint());
        for (Sato s : List.of(first, second, m1, m2)) {
            a.closeSato(s.id(), "bye");
        }
        assertEquals(0, b.satos().size());
        assertTrue(portsB.sessions.isEmpty());
    }

    @Test
    public void mediaSatoAllocatesAnRtpSessionAtTheCalleeAndReleasesIt() throws Exception {
        Sato s = a.openSato(b.address(), null, Purpose.MEDIA, "call-2",
                List.of(Requirement.LOW_DELAY), offer(TransportKind.UDP, 16000));
        assertEquals(TransportKind.UDP, s.transport());
        assertEquals(1, portsB.count("rtp.allocate"));
        assertEquals(1, portsB.sessions.size());
        Sato there = b.satos().get(s.id());
        assertEquals(1, there.sessions().size());
        assertEquals("the callee's endpoint is its RTP session's overlay leg",
                there.sessions().get(0).leg(PortSession.LEG_CALLER), s.remoteEndpoint());
        a.closeSato(s.id(), "bye");
        assertEquals(1, portsB.count("rtp.release"));
        assertTrue(portsB.sessions.isEmpty());
    }

    @Test
    public void noAcceptableCandidateIsUnsupportedTransport() throws Exception {
        try {
            a.openSato(b.address(), null, Purpose.SIGNALLING, "c", List.of(Requirement.SECURE), offer(TransportKind.TCP, 1));
            fail("tcp is not secure");
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNSUPPORTED_TRANSPORT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("secure"));
        }
        try {
            a.openSato(b.address(), null, Purpose.SIGNALLING, "c", List.of(), offer(TransportKind.TLS, 1));
            fail("b's P2PSIP-Port offers no TLS");
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNSUPPORTED_TRANSPORT, e.kind());
        }
        assertEquals(0, a.satos().size());
        assertEquals(0, b.satos().size());
    }

    @Test
    public void oneCachedStubServesConcurrentCalls() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int base = t * 1000;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        assertEquals(b.nodeId(), a.remote().ping(b.address(), base + i, i % 10 == 0 ? 4096 : 0).nodeId());
                    }
                    return 50;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : fs) {
                assertEquals(50, (int) f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void unknownSatoAndSessionAreDeclaredFaults() throws Exception {
        try {
            a.remote().teardown(b.address(), "sato-that-never-was", "test");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SATO, e.kind());
            assertEquals("sato-that-never-was", e.subject());
        }
        try {
            a.remote().stopPort(b.address(), "no-such-session");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SESSION, e.kind());
        }
    }

    @Test
    public void exhaustedPortIsResourcesExhausted() throws Exception {
        portsB.maxSessions = 0;
        try {
            a.startRemotePort(b.address(), "sato-x", PortKind.RTP_PORT, Map.of("role", "relay", "transport", "udp"));
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.RESOURCES_EXHAUSTED, e.kind());
        }
        // the relay SATO entry the StartPort made goes with its failure (nothing would ever end it)
        assertNull(b.satos().get("sato-x"));
        assertEquals(0, b.satos().size());
    }

    @Test
    public void relayPortStartsStopsAndIsReleasedWithItsSato() throws Exception {
        PortSession relay = a.startRemotePort(b.address(), "sato-r1", PortKind.RTP_PORT, Map.of("role", "relay", "transport", "udp"));
        assertNotNull(relay.leg(PortSession.LEG_CALLER));
        assertNotNull(relay.leg(PortSession.LEG_CALLEE));
        assertEquals(a.nodeId(), relay.ownerNodeId());
        assertTrue(a.stopRemotePort(b.address(), relay.sessionId()));
        assertTrue(portsB.sessions.isEmpty());

        PortSession again = a.startRemotePort(b.address(), "sato-r2", PortKind.RTP_PORT, Map.of("role", "relay"));
        assertEquals(1, portsB.sessions.size());
        try {
            b.remote().stopPort(a.address(), again.sessionId());
            fail("the session is on b, not on a");
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SESSION, e.kind());
        }
        b.remote(); // a third node may not stop a's session on b:
        OverlayManager c = nodes.om(nodes.ports("127.0.0.1:35061"));
        try {
            c.remote().stopPort(b.address(), again.sessionId());
            fail("only the node that started a session may stop it");
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
        }
        a.remote().teardown(b.address(), "sato-r2", "done");
        assertTrue("tearing the relay SATO down released its session", portsB.sessions.isEmpty());
    }

    @Test
    public void callerNodeIdIsChecked() throws Exception {
        Sato s = a.openSato(b.address(), null, Purpose.SIGNALLING, "c", List.of(), offer(TransportKind.TCP, 1));
        OverlayManager c = nodes.om(nodes.ports("127.0.0.1:35061"));
        try {
            c.remote().teardown(b.address(), s.id(), "hijack");
            fail("c may not tear down a SATO between a and b");
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
            assertEquals("callerNodeId", e.subject());
        }
        assertNotNull(b.satos().get(s.id()));
        // a caller that claims to be the callee itself
        org.p2psip.om.client.RemoteOverlayManager impostor = new org.p2psip.om.client.RemoteOverlayManager(
                c.remote().client(), b::nodeId, () -> null);
        try {
            impostor.ping(b.address(), 1, 0);
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
        }
        org.p2psip.om.client.RemoteOverlayManager garbage = new org.p2psip.om.client.RemoteOverlayManager(
                c.remote().client(), () -> "not-hex!", () -> null);
        try {
            garbage.ping(b.address(), 1, 0);
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
        }
    }

    @Test
    public void connectRtpBuildsTheChainThroughARelay() throws Exception {
        PortStandIns portsC = nodes.ports("127.0.0.1:35061");
        OverlayManager c = nodes.om(portsC);   // the relay node (RTP3)
        // caller a: RTP1 (local endpoint session); callee b: RTP2 via the media SATO; relay on c
        Sato media = a.openSato(b.address(), b.nodeId(), Purpose.MEDIA, "call-3", List.of(Requirement.LOW_DELAY),
                offer(TransportKind.UDP, 1));
        PortSession rtp1 = a.startLocalPort(media.id(), PortKind.RTP_PORT, Map.of("role", "endpoint", "transport", "udp"));
        PortSession rtp3 = a.startRemotePort(c.address(), media.id(), PortKind.RTP_PORT, Map.of("role", "relay", "transport", "udp"));
        PortSession rtp2 = b.satos().get(media.id()).sessions().get(0);
        List<MediaHop> chain = List.of(
                new MediaHop(a.nodeId(), a.address(), rtp1.sessionId(), null, rtp1.leg(PortSession.LEG_CALLEE)),
                new MediaHop(c.nodeId(), c.address(), rtp3.sessionId(), rtp3.leg(PortSession.LEG_CALLER), rtp3.leg(PortSession.LEG_CALLEE)),
                new MediaHop(b.nodeId(), b.address(), rtp2.sessionId(), rtp2.leg(PortSession.LEG_CALLER), null));
        // Figure 4: OM2 (b) instructs OM1 (a) to connect RTP; b connects its own hop, a builds the rest.
        int legs = b.remote().connectRtp(a.address(), media.id(), TransportKind.UDP, chain);
        assertEquals("RTP1 (1 leg) + RTP3 (2 legs)", 3, legs);
        assertEquals(1, b.acceptor().onConnectRtp(a.nodeId(), media.id(), TransportKind.UDP, chain));
        assertTrue(portsA.log.contains("rtp.connect " + rtp1.sessionId() + " overlay->" + rtp3.leg(PortSession.LEG_CALLER)));
        assertTrue(portsC.log.contains("rtp.connect " + rtp3.sessionId() + " a->" + rtp1.leg(PortSession.LEG_CALLEE)));
        assertTrue(portsC.log.contains("rtp.connect " + rtp3.sessionId() + " b->" + rtp2.leg(PortSession.LEG_CALLER)));
        assertTrue(portsB.log.contains("rtp.connect " + rtp2.sessionId() + " overlay->" + rtp3.leg(PortSession.LEG_CALLEE)));

        a.closeSato(media.id(), "bye");
        assertTrue("RTP1 released", portsA.sessions.isEmpty());
        assertTrue("RTP3 released (StopPort on the relay)", portsC.sessions.isEmpty());
        assertTrue("RTP2 released (TeardownSato on the callee)", portsB.sessions.isEmpty());
        assertEquals(0, c.satos().size());
    }

    @Test
    public void unknownSessionInAChainIsAFault() throws Exception {
        List<MediaHop> chain = List.of(
                new MediaHop(b.nodeId(), b.address(), "nope", null, new Address("127.0.0.1", 1)),
                new MediaHop(a.nodeId(), a.address(), "nope2", new Address("127.0.0.1", 2), null));
        try {
            a.remote().connectRtp(b.address(), "sato-m", TransportKind.UDP, chain);
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SESSION, e.kind());
        }
    }

    @Test
    public void statusReportsSatosSessionsPortsAndPaths() throws Exception {
        Sato s = a.openSato(b.address(), null, Purpose.MEDIA, "call-4", List.of(), offer(TransportKind.UDP, 1));
        a.measure(b.nodeId(), b.address(), 5);
        GetNodeStatusResponse st = b.remote().status(a.address());
        assertEquals(a.nodeId(), st.getNodeId());
        assertEquals("1", st.getProtocolVersion());
        assertEquals(2, st.getPort().size());
        assertTrue(st.getPort().stream().allMatch(p -> p.isRunning()));
        assertEquals(1, st.getSato().size());
        assertEquals(s.id(), st.getSato().get(0).getSatoId());
        assertEquals(1, st.getPath().size());
        assertEquals(b.nodeId(), st.getPath().get(0).getPeerNodeId());
        assertTrue(st.getPath().get(0).getProbesSent() >= 5);
        assertEquals(0, st.getPath().get(0).getProbesLost());
        assertTrue(st.getPath().get(0).getRttMillisMin() > 0);
        assertNotNull("the last probe carried a padding", st.getPath().get(0).getThroughputKbps());
        GetNodeStatusResponse sb = a.remote().status(b.address());
        assertEquals(1, sb.getSession().size());
        assertEquals(s.id(), sb.getSession().get(0).getSatoId());
    }

    @Test
    public void aPeerThatDisappearsLosesItsSatosAndSessions() throws Exception {
        Nodes more = new Nodes();
        try {
            PortStandIns pc = more.ports("127.0.0.1:1");
            PortStandIns pd = more.ports("127.0.0.1:2");
            OverlayManager c = more.om(pc, Duration.ofMillis(150), 3);
            OverlayManager d = more.om(pd, Duration.ofMillis(150), 3);
            Sato s = c.openSato(d.address(), null, Purpose.MEDIA, "call-5", List.of(), offer(TransportKind.UDP, 1));
            c.startLocalPort(s.id(), PortKind.RTP_PORT, Map.of("role", "endpoint"));
            assertEquals(1, pc.sessions.size());
            assertEquals(1, pd.sessions.size());
            // d shuts down: it tears down its half and tells c
            more.owned.remove(d);
            d.close();
            Nodes.await("c releases the SATO of the vanished peer", Duration.ofSeconds(20), () -> c.satos().size() == 0);
            Nodes.await("c releases its RTP session", Duration.ofSeconds(20), () -> pc.sessions.isEmpty());
        } finally {
            more.close();
        }
    }

    @Test
    public void aPeerThatStopsAnsweringIsDetectedByProbes() throws Exception {
        Nodes more = new Nodes();
        try {
            PortStandIns pc = more.ports("127.0.0.1:1");
            OverlayManager c = more.om(pc, Duration.ofMillis(150), 3);
            // e is a peer that answers negotiation and setup, then its endpoint vanishes without a teardown
            PortStandIns pe = more.ports("127.0.0.1:2");
            OverlayManager e = more.om(pe, Duration.ofMillis(150), 3);
            Sato s = c.openSato(e.address(), null, Purpose.SIGNALLING, "call-6", List.of(), offer(TransportKind.TCP, 1));
            PortSession local = c.startLocalPort(s.id(), PortKind.RTP_PORT, Map.of());
            assertNotNull(local);
            e.endpointForTests().close(); // the OM IF of e stops answering; e does not tear anything down
            Nodes.await("c notices e is gone and releases the SATO", Duration.ofSeconds(20), () -> c.satos().size() == 0);
            assertTrue(pc.sessions.isEmpty());
            assertFalse(c.paths().isWatched(e.nodeId()));
            assertFalse(c.paths().get(e.nodeId()).reachable());
        } finally {
            more.close();
        }
    }
}
