package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.RunCa;
import org.p2psip.om.types.Address;
import org.p2psip.tcprelay.AllocationStats;

/**
 * Issue 15's attack test 6 against two real secured peers on loopback: a public relay peer
 * ({@code --offer-relay on}) and a peer behind a NAT ({@code --nat on}) that rents its OM IF and
 * P2PSIP-Port addresses on the relay's TCP relay (allocations {@code natted-om}, {@code natted-sip},
 * names anyone can predict). A node with a valid certificate of the overlay sends {@code LISTEN} for
 * them: refused, and the NATed peer's OM IF is still reached through its public port.
 */
public class RelayTrustAttackTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule(order = 1)
    public final Owned owned = new Owned();
    private RunCa ca;
    private Path state;
    private Peer relay;
    private Peer natted;

    @Before
    public void startOverlay() throws Exception {
        state = tmp.getRoot().toPath();
        ca = RunCa.in(state);
        relay = peer("relay", null, "33100-33199", "offer-relay", "on");
        natted = peer("natted", relay.bootstrapAddress(), "33200-33299", "nat", "on", "offer-relay", "off");
    }

    @Test
    public void aListenForAnotherPeersAllocationIsRefused() throws Exception {
        InetSocketAddress relayPort = relay.tcpRelay().address();
        assertTrue(relay.tcpRelay().secured());
        InetSocketAddress om = natted.relayedAddresses().om();
        InetSocketAddress sip = natted.relayedAddresses().sip();
        assertTrue("the NATed peer's OM IF is reached through the relay", reachesNattedOm(om));

        NodeIdentity rogue = NodeIdentity.load(ca.peer("rogue"));
        assertEquals("ERR allocation natted-om belongs to another node", tlsLine(rogue, relayPort, "LISTEN natted-om"));
        assertEquals("ERR allocation natted-sip belongs to another node",
                tlsLine(rogue, relayPort, "LISTEN natted-sip " + sip.getPort()));
        String plain = plainAnswer(relayPort, "LISTEN natted-om");
        assertFalse("a LISTEN without TLS got an allocation: " + plain, plain.contains("OK"));

        Map<String, AllocationStats> open = new LinkedHashMap<>();
        for (AllocationStats s : relay.tcpRelay().stats()) {
            if (s.open()) {
                open.put(s.name(), s);
            }
        }
        assertEquals("the owner's allocations only: " + open, List.of("natted-om", "natted-sip"), List.copyOf(open.keySet()));
        assertEquals(om.getPort(), open.get("natted-om").publicAddress().getPort());
        assertEquals(sip.getPort(), open.get("natted-sip").publicAddress().getPort());
        assertEquals("the NATed peer kept its public addresses", om, natted.relayedAddresses().om());
        assertTrue("the NATed peer's OM IF is still reached through the relay", reachesNattedOm(om));
    }

    /** GetNodeStatus from the relay peer to the NATed peer's public OM IF address answers with its Node-ID. */
    private boolean reachesNattedOm(InetSocketAddress om) throws Exception {
        String nodeId = relay.overlayManager().remote().status(new Address(om.getHostString(), om.getPort())).getNodeId();
        assertNotNull(nodeId);
        return nodeId.equals(natted.overlayManager().nodeId());
    }

    /** One line sent on a mutual-TLS connection as {@code id}, the relay's answer. */
    private static String tlsLine(NodeIdentity id, InetSocketAddress at, String line) throws IOException {
        try (SSLSocket s = (SSLSocket) id.tlsContext().getSocketFactory().createSocket()) {
            s.connect(at, 10_000);
            s.setSoTimeout(20_000);
            s.startHandshake();
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return readLine(s.getInputStream());
        }
    }

    /** Whatever the relay sends a plain TCP client that writes {@code line}, until it closes. */
    private static String plainAnswer(InetSocketAddress at, String line) {
        try (Socket s = new Socket()) {
            s.connect(at, 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private Peer peer(String name, String bootstrap, String rtpPorts, String... more) throws Exception {
        Map<String, String> s = TestPeers.securedPeer(ca, state, name, bootstrap);
        s.put("rtp-ports", rtpPorts);
        for (int i = 0; i + 1 < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }
}
