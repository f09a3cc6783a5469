package org.p2psip.interop.gsoap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.KeyManager;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayNames;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * The OM IF of a secured overlay between gSOAP and Java: HTTPS with client certificates of the
 * overlay CA (made by {@link RunCa}, as {@code ./p2psip ca enroll-peer} makes them), gSOAP built
 * with OpenSSL ({@code -DWITH_OPENSSL}, {@code soap_ssl_client_context} / {@code
 * soap_ssl_server_context}, {@code omif_tls.h}). A gSOAP client calls every operation on a secured
 * Java OM, a secured Java OM sets up a SATO on a gSOAP OM; clients without the overlay's
 * certificate, or acting in another node's name, are refused on both sides. The plain-HTTP legacy
 * mode is {@link GsoapClientTest} and {@link GsoapServerTest}, unchanged.
 */
public class GsoapTlsTest {
    private Path state;
    private RunCa ca;
    private JavaNode node;
    private GsoapServer legacy;

    @Before
    public void setUp() throws Exception {
        GsoapBuild.build();
        state = Files.createTempDirectory("p2psip-gsoap-tls-");
        ca = RunCa.in(state);
        node = JavaNode.start(2, ConduitChoice.URL_CONNECTION, ca.peer("java-om"));
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

    @Test
    public void gsoapClientCallsEveryOperationOnTheSecuredJavaOmWithItsCertificate() throws Exception {
        assertTrue(node.url(), node.url().startsWith("https://"));
        Path client = ca.peer("gsoap-client");
        String caller = NodeIdentity.load(client).nodeId();
        RecordingAdaptation adaptation = new RecordingAdaptation(node.om, "gsoap-call@legacy");
        node.om.adaptation(adaptation);
        GsoapBuild.Result r = GsoapBuild.runProgram(GsoapBuild.tls("om_client"), GsoapBuild.tlsEnv(client), 120,
                "check", node.url(), caller, node.om.nodeId());
        List<String> lines = r.output().lines().toList();
        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL")).toList();
        assertTrue("gSOAP client checks failed over HTTPS: " + failed + "\n" + r.output(), failed.isEmpty());
        assertEquals(r.output(), 0, r.exit());
        for (String op : List.of("OK Ping:", "OK NegotiateTransport:", "OK SetupSato", "OK StartPort:", "OK ConnectRtp",
                "OK GetNodeStatus:", "OK StopPort:", "OK TeardownSato:", "OK Ping with a bad caller id -> InvalidRequest",
                "OK GetNodeStatus at the end")) {
            assertTrue("missing check '" + op + "' in:\n" + r.output(), lines.stream().anyMatch(l -> l.startsWith(op)));
        }
        assertEquals("the caller the Java OM saw is the one in the gSOAP client's certificate", caller,
                adaptation.adapts().get(0).caller());
        assertEquals("the Java OM released every SATO", 0, node.om.satos().size());
        assertTrue("the Java OM released every session", node.om.sessions().isEmpty());
    }

    @Test
    public void theSecuredJavaOmRefusesGsoapClientsWithoutTheOverlaysCertificateOrInAnotherNodesName() throws Exception {
        Path client = ca.peer("gsoap-client");
        String caller = NodeIdentity.load(client).nodeId();
        // its own name, its own certificate: answered
        GsoapBuild.Result ok = GsoapBuild.runProgram(GsoapBuild.tls("om_client"), GsoapBuild.tlsEnv(client), 60,
                "bench", node.url(), caller, "0", "3");
        assertEquals(ok.output(), 0, ok.exit());
        assertTrue(ok.output(), ok.output().contains("BENCH n=3 "));
        // the plain-HTTP legacy client
        GsoapBuild.Result plain = GsoapBuild.runProgram(GsoapBuild.client(), 60, "bench", node.url().replace("https://", "http://"),
                caller, "0", "1");
        assertNotEquals(plain.output(), 0, plain.exit());
        // a certificate of another CA
        Path otherDir = state.resolve("other-ca-peer");
        OverlayCa.init(state.resolve("other-ca"), "run").enrollPeer(otherDir);
        GsoapBuild.Result foreign = GsoapBuild.runProgram(GsoapBuild.tls("om_client"), GsoapBuild.tlsEnv(otherDir), 60,
                "bench", node.url(), NodeIdentity.load(otherDir).nodeId(), "0", "1");
        assertNotEquals(foreign.output(), 0, foreign.exit());
        // a valid certificate, in another node's name
        GsoapBuild.Result liar = GsoapBuild.runProgram(GsoapBuild.tls("om_client"), GsoapBuild.tlsEnv(client), 60,
                "bench", node.url(), JavaNode.randomNodeId(), "0", "1");
        assertNotEquals(liar.output(), 0, liar.exit());
        assertTrue(liar.output(), liar.output().contains("not the Node-ID in the caller's certificate"));
    }

    @Test
    public void aGsoapOmAnsweringInAnotherNodesNameIsNotBelieved() throws Exception {
        // enrolled as one node, it answers as another (its node id argument)
        Path server = ca.peer("gsoap-impostor");
        String claimed = JavaNode.randomNodeId();
        legacy = GsoapServer.start(claimed, 25072, server);
        try {
            node.om.remote().ping(legacy.address, 1, 0);
            fail("a Ping answered in another node's name was believed");
        } catch (OmException e) {
            assertEquals(e.getMessage(), OmException.Kind.PROTOCOL, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("answered as node " + claimed + ", but its certificate names node "
                    + NodeIdentity.load(server).nodeId()));
        }
        try {
            node.om.openSato(legacy.address, claimed, Purpose.SIGNALLING, "call-impostor", List.of(Requirement.RELIABLE),
                    List.of(new TransportCandidate(TransportKind.TCP, new Address("127.0.0.1", 15072))));
            fail("a SATO was set up with a node answering in another node's name");
        } catch (OmException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("but its certificate names node"));
        }
        assertEquals("no SATO left on the Java side", 0, node.om.satos().size());
    }

    @Test
    public void theSecuredJavaOmSetsUpASatoOnTheSecuredGsoapOm() throws Exception {
        Path server = ca.peer("gsoap-server");
        legacy = GsoapServer.start(NodeIdentity.load(server).nodeId(), 25071, server);
        Sato s = node.om.openSato(legacy.address, legacy.nodeId, Purpose.SIGNALLING, "call-tls",
                List.of(Requirement.RELIABLE), List.of(new TransportCandidate(TransportKind.TCP, new Address("127.0.0.1", 15071))));
        assertEquals(SatoState.ESTABLISHED, s.state());
        assertEquals(new Address("127.0.0.1", 25071), s.remoteEndpoint());
        assertEquals(1, node.om.remote().status(legacy.address).getSato().size());
        node.om.closeSato(s.id(), "call ended");
        assertTrue(legacy.logged("TeardownSato " + s.id()));

        // no certificate: the handshake fails, the gSOAP OM says so
        OmIfTls none = new OmIfTls(new KeyManager[0], OverlayTls.trustManagers(NodeIdentity.load(server).trust().caCertificate()),
                OverlayNames::nodeIdOf);
        try (SoapOmIfClient c = SoapOmIfClient.secured(none)) {
            new RemoteOverlayManager(c, JavaNode::randomNodeId, () -> null).ping(legacy.address, 1, 0);
            fail("the gSOAP OM answered a client without a certificate");
        } catch (OmException e) {
            assertTrue(e.getMessage(), e.kind() == OmException.Kind.UNREACHABLE || e.kind() == OmException.Kind.PROTOCOL);
        }
        assertTrue(legacy.logged("TLS refused"));
        // the Java node's certificate, in another node's name
        try (SoapOmIfClient c = SoapOmIfClient.secured(org.p2psip.peer.LocalOms.tls(ca.peer("java-om")))) {
            new RemoteOverlayManager(c, JavaNode::randomNodeId, () -> null).ping(legacy.address, 1, 0);
            fail("the gSOAP OM answered a request in another node's name");
        } catch (OmException e) {
            assertEquals(e.getMessage(), OmException.Kind.INVALID_REQUEST, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("not the Node-ID in the caller's certificate"));
        }
    }
}
