package org.p2psip.interop.gsoap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathEvent;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * A Java Overlay Manager talks the OM IF to a legacy OM written in C with gSOAP (om_server,
 * generated from the same WSDL): it negotiates and sets up SATOs, starts and stops an RTP relay
 * port there, reads its status, measures the path, adapts a running media SATO there and reports
 * its path, and gets the legacy OM's declared faults as typed errors.
 */
public class GsoapServerTest {
    private JavaNode node;
    private GsoapServer legacy;

    @Before
    public void setUp() throws Exception {
        GsoapBuild.build();
        node = JavaNode.start(10, ConduitChoice.URL_CONNECTION);
        legacy = GsoapServer.start(JavaNode.randomNodeId(), 25070);
    }

    @After
    public void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        if (legacy != null) {
            legacy.close();
        }
    }

    private static List<TransportCandidate> offer(TransportKind t) {
        return List.of(new TransportCandidate(t, new Address("127.0.0.1", 15070)));
    }

    @Test
    public void javaOmNegotiatesSetsUpAndTearsDownASignallingSatoOnTheGsoapOm() throws Exception {
        Sato s = node.om.openSato(legacy.address, legacy.nodeId, Purpose.SIGNALLING, "call-g1",
                List.of(Requirement.RELIABLE), List.of(
                        new TransportCandidate(TransportKind.UDP, new Address("127.0.0.1", 15060)),
                        new TransportCandidate(TransportKind.TCP, new Address("127.0.0.1", 15070))));
        assertEquals(TransportKind.TCP, s.transport());
        assertEquals(new Address("127.0.0.1", 25070), s.remoteEndpoint());
        assertEquals(SatoState.ESTABLISHED, s.state());
        assertTrue(legacy.logged("NegotiateTransport " + s.id() + " -> tcp"));
        assertTrue(legacy.logged("SetupSato " + s.id() + " established"));

        GetNodeStatusResponse st = node.om.remote().status(legacy.address);
        assertEquals(legacy.nodeId, st.getNodeId());
        assertEquals(1, st.getSato().size());
        assertEquals(node.om.nodeId(), st.getSato().get(0).getPeerNodeId());

        node.om.closeSato(s.id(), "call ended");
        assertTrue(legacy.logged("TeardownSato " + s.id()));
        assertEquals(0, node.om.remote().status(legacy.address).getSato().size());
    }

    @Test
    public void theNextSatoToTheLegacyOmIsNegotiatedAgainAfterItRefusesSetupSatoAlone() throws Exception {
        List<TransportCandidate> candidates = offer(TransportKind.TCP);
        Sato first = node.om.openSato(legacy.address, legacy.nodeId, Purpose.SIGNALLING, "call-g4", List.of(Requirement.RELIABLE),
                candidates);
        assertTrue(legacy.logged("NegotiateTransport " + first.id() + " -> tcp"));
        // a Java OM would now take SetupSato alone; the legacy OM refuses it, and the SATO is negotiated
        Sato second = node.om.openSato(legacy.address, legacy.nodeId, Purpose.SIGNALLING, "call-g5", List.of(Requirement.RELIABLE),
                candidates);
        assertEquals(SatoState.ESTABLISHED, second.state());
        assertFalse("negotiated, not set up as before", second.negotiatedBefore());
        assertEquals(new Address("127.0.0.1", 25070), second.remoteEndpoint());
        assertTrue(legacy.logged("NegotiateTransport " + second.id() + " -> tcp"));
        assertTrue(legacy.logged("SetupSato " + second.id() + " established"));
        // and from then on it is negotiated with at once
        Sato third = node.om.openSato(legacy.address, legacy.nodeId, Purpose.SIGNALLING, "call-g6", List.of(Requirement.RELIABLE),
                candidates);
        assertFalse(third.negotiatedBefore());
        assertTrue(legacy.logged("SetupSato " + third.id() + " established"));
        for (Sato s : List.of(first, second, third)) {
            node.om.closeSato(s.id(), "call ended");
        }
        assertEquals(0, node.om.remote().status(legacy.address).getSato().size());
    }

    @Test
    public void javaOmStartsAndStopsARelayPortOnTheGsoapOm() throws Exception {
        Sato media = node.om.openSato(legacy.address, legacy.nodeId, Purpose.MEDIA, "call-g2",
                List.of(Requirement.LOW_DELAY), offer(TransportKind.UDP));
        assertEquals(TransportKind.UDP, media.transport());
        PortSession relay = node.om.startRemotePort(legacy.address, media.id(), PortKind.RTP_PORT,
                Map.of("role", "relay", "transport", "udp"));
        assertTrue(relay.sessionId().startsWith("legacy-"));
        assertNotNull("the legacy OM's leg details are understood", relay.leg(PortSession.LEG_CALLER));
        assertNotNull(relay.leg(PortSession.LEG_CALLEE));
        assertTrue(legacy.logged("StartPort " + relay.sessionId()));
        assertEquals(1, node.om.remote().status(legacy.address).getSession().size());

        assertTrue(node.om.stopRemotePort(legacy.address, relay.sessionId()));
        assertTrue(legacy.logged("StopPort " + relay.sessionId() + " stopped"));
        assertEquals(0, node.om.remote().status(legacy.address).getSession().size());

        PortSession second = node.om.startRemotePort(legacy.address, media.id(), PortKind.RTP_PORT, Map.of("role", "relay"));
        node.om.closeSato(media.id(), "bye");
        assertEquals("closing the SATO tore the relay session down at the legacy OM",
                0, node.om.remote().status(legacy.address).getSession().size());
        assertTrue(legacy.logged("StopPort " + second.sessionId() + " stopped"));
        assertTrue(legacy.logged("TeardownSato " + media.id()));
    }

    /** The legacy OM's status entry of SATO {@code id}. */
    private SatoInfo legacySato(String id) throws OmException {
        for (SatoInfo i : node.om.remote().status(legacy.address).getSato()) {
            if (id.equals(i.getSatoId())) {
                return i;
            }
        }
        throw new AssertionError("the legacy OM does not list SATO " + id);
    }

    private static OmException.Kind kindOf(Call c) {
        try {
            c.run();
        } catch (OmException e) {
            return e.kind();
        }
        throw new AssertionError("no fault");
    }

    @FunctionalInterface
    private interface Call {
        void run() throws OmException;
    }

    @Test
    public void javaOmAdaptsAMediaSatoAndReportsItsPathOnTheGsoapOm() throws Exception {
        Sato media = node.om.openSato(legacy.address, legacy.nodeId, Purpose.MEDIA, "call-g3",
                List.of(Requirement.LOW_DELAY), offer(TransportKind.UDP));
        Address legacyEnd = media.remoteEndpoint();
        SatoInfo before = legacySato(media.id());
        assertEquals("the legacy OM keeps our end as the SATO's remote", 15070, before.getRemoteEndpoint().getPort());
        assertNull(before.getNote());

        // AdaptSato: the chain moved; the legacy end now exchanges media with a relay
        Address relay = new Address("127.0.0.1", 43210);
        assertEquals(media.id(), node.om.remote().adaptSato(legacy.address, "call-g3", legacyEnd, relay, "relay inserted"));
        assertTrue(legacy.logged("AdaptSato " + media.id() + " -> 127.0.0.1:43210"));
        SatoInfo adapted = legacySato(media.id());
        assertEquals("127.0.0.1", adapted.getRemoteEndpoint().getHost());
        assertEquals(43210, adapted.getRemoteEndpoint().getPort());
        assertTrue(adapted.getNote(), adapted.getNote().startsWith("adaptations=1 reports=0"));
        assertTrue(adapted.getNote(), adapted.getNote().endsWith(" reason=relay inserted"));

        // ReportPath: what our end receives, counted and kept as the last event
        Address ourEnd = new Address("127.0.0.1", 15070);
        assertEquals(media.id(), node.om.remote().reportPath(legacy.address,
                new PathReport("call-g3", ourEnd, PathEvent.DEGRADED, 5000, 230, 0.08, 12.5, 40)));
        assertTrue(legacy.logged("ReportPath " + media.id() + " degraded packets=230 lossRatio=0.0800"));
        String note = legacySato(media.id()).getNote();
        assertTrue(note, note.contains("adaptations=1 reports=1 lastEvent=degraded windowMillis=5000 packets=230 "
                + "lossRatio=0.0800 jitterMillis=12.50 silentMillis=40 reporter=127.0.0.1:15070"));
        assertEquals(media.id(), node.om.remote().reportPath(legacy.address,
                new PathReport("call-g3", ourEnd, PathEvent.RECOVERED, 5000, 250, 0, 3, 0)));
        note = legacySato(media.id()).getNote();
        assertTrue(note, note.contains("reports=2 lastEvent=recovered windowMillis=5000 packets=250 lossRatio=0.0000"));

        // the declared faults, as typed errors; none of them changes the SATO
        try {
            node.om.remote().adaptSato(legacy.address, "no-such-call", legacyEnd, relay, "x");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SATO, e.kind());
            assertEquals("call no-such-call", e.subject());
        }
        try {
            node.om.remote().adaptSato(legacy.address, "call-g3", new Address("127.0.0.1", 1), relay, "x");
            fail("a media address the legacy OM never handed out");
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SATO, e.kind());
            assertEquals("call call-g3 at 127.0.0.1:1", e.subject());
        }
        try {
            node.om.remote().adaptSato(legacy.address, "call-g3", legacyEnd, null, "x");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
            assertEquals("remote", e.subject());
        }
        try {
            node.om.remote().adaptSato(legacy.address, "call-g3", legacyEnd, new Address("127.0.0.1", 0), "x");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
            assertEquals("remote", e.subject());
            assertTrue(e.getMessage(), e.getMessage().contains("out of range"));
        }
        try {
            node.om.remote().reportPath(legacy.address, new PathReport("no-such-call", ourEnd, PathEvent.SILENT, 5000, 0, 1, 0, 3000));
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SATO, e.kind());
            assertEquals("call no-such-call", e.subject());
        }
        try {
            node.om.remote().reportPath(legacy.address, new PathReport("call-g3", ourEnd, PathEvent.DEGRADED, 5000, 230, 2.0, 1, 0));
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
            assertEquals("lossRatio", e.subject());
        }
        assertEquals(OmException.Kind.INVALID_REQUEST, kindOf(() -> node.om.remote().reportPath(legacy.address,
                new PathReport("call-g3", ourEnd, PathEvent.DEGRADED, 5000, -1, 0.1, 1, 0))));
        assertEquals(OmException.Kind.INVALID_REQUEST, kindOf(() -> node.om.remote().reportPath(legacy.address,
                new PathReport("", ourEnd, PathEvent.DEGRADED, 5000, 1, 0.1, 1, 0))));
        SatoInfo after = legacySato(media.id());
        assertEquals(43210, after.getRemoteEndpoint().getPort());
        assertTrue(after.getNote(), after.getNote().startsWith("adaptations=1 reports=2 lastEvent=recovered"));

        node.om.closeSato(media.id(), "call ended");
        assertEquals(OmException.Kind.UNKNOWN_SATO, kindOf(() -> node.om.remote().adaptSato(legacy.address, "call-g3",
                legacyEnd, relay, "after the call")));
    }

    @Test
    public void gsoapFaultsArriveAsTypedErrors() throws Exception {
        try {
            node.om.remote().teardown(legacy.address, "no-such-sato", "test");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SATO, e.kind());
            assertEquals("no-such-sato", e.subject());
        }
        try {
            node.om.openSato(legacy.address, null, Purpose.SIGNALLING, "c", List.of(Requirement.SECURE), offer(TransportKind.TCP));
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNSUPPORTED_TRANSPORT, e.kind());
        }
        try {
            node.om.remote().stopPort(legacy.address, "nope");
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNKNOWN_SESSION, e.kind());
        }
        try {
            node.om.startRemotePort(legacy.address, null, PortKind.RTP_PORT, Map.of("transport", "tcp-rfc4571"));
            fail();
        } catch (OmException e) {
            assertEquals(OmException.Kind.UNSUPPORTED_TRANSPORT, e.kind());
        }
        try {
            node.om.openSato(legacy.address, "0000000000000000", Purpose.SIGNALLING, "c", List.of(), offer(TransportKind.TCP));
            fail("the legacy OM is another node than expected");
        } catch (OmException e) {
            assertEquals(OmException.Kind.PROTOCOL, e.kind());
        }
    }

    @Test
    public void pathToTheGsoapOmIsMeasuredAndManyClientsAreServedAtOnce() throws Exception {
        PathStats.Snapshot p = node.om.measure(legacy.nodeId, legacy.address, 20);
        assertEquals(20, p.probesSent());
        assertEquals(0, p.probesLost());
        assertTrue(p.rttMsMin() > 0);
        assertTrue(p.reachable());
        // several Java OMs keep their connections to the gSOAP OM open at the same time
        List<JavaNode> others = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 3; i++) {
                others.add(JavaNode.start(2, ConduitChoice.URL_CONNECTION));
            }
            others.add(node);
            List<Future<Long>> results = new ArrayList<>();
            for (JavaNode n : others) {
                results.add(pool.submit(() -> {
                    long ok = 0;
                    for (int i = 0; i < 100; i++) {
                        n.om.remote().ping(legacy.address, i, 0);
                        ok++;
                    }
                    return ok;
                }));
            }
            for (Future<Long> f : results) {
                assertEquals(100L, (long) f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            others.remove(node);
            others.forEach(JavaNode::close);
        }
        assertTrue(legacy.isAlive());
    }
}
