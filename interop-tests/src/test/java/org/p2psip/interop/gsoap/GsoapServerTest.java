package org.p2psip.interop.gsoap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
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
import org.p2psip.om.path.PathStats;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * A Java Overlay Manager talks the OM IF to a legacy OM written in C with gSOAP (om_server,
 * generated from the same WSDL): it negotiates and sets up SATOs, starts and stops an RTP relay
 * port there, reads its status, measures the path, and gets the legacy OM's declared faults as
 * typed errors.
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
