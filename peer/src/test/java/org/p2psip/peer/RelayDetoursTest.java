package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.tcprelay.DetourTunnels;
import org.p2psip.tcprelay.TcpRelay;

/**
 * The peer's side of signalling detours (issue 13): {@link RelayDialTargets} (a relay peer dials only
 * hosts of ring members its lookup node knows) and {@link RelayDetours} (the OM's {@code Detours} over
 * {@code tcp-relay}'s tunnels), with a real lookup node, a real {@link TcpRelay} and real servers on
 * loopback. 127.0.0.2 stands for a host that is not in the ring.
 */
public class RelayDetoursTest {

    private ChordNode node;
    private TcpRelay relay;
    private RelayDetours detours;
    private HttpServer http;

    @Before
    public void setUp() throws IOException {
        node = new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).build()).start();
        relay = TcpRelay.start(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1", null, RelayDialTargets.of(node));
        detours = new RelayDetours(new DetourTunnels());
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/om", exchange -> {
            byte[] answer = "GetNodeStatus answered".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        http.start();
    }

    @After
    public void tearDown() {
        detours.close();
        relay.close();
        node.close();
        http.stop(0);
    }

    private Address relayTcp() {
        return new Address("127.0.0.1", relay.address().getPort());
    }

    @Test
    public void soapCallReachesAKnownPeerThroughTheRelay() throws Exception {
        Address target = new Address("127.0.0.1", http.getAddress().getPort());
        Address local = detours.via(relayTcp(), target);
        assertEquals("127.0.0.1", local.host());
        assertEquals("same pair, same tunnel", local, detours.via(relayTcp(), target));
        HttpURLConnection c = (HttpURLConnection) new URL("http://" + local + "/om").openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        assertEquals(200, c.getResponseCode());
        try (InputStream in = c.getInputStream()) {
            assertEquals("GetNodeStatus answered", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(1, relay.dialStats().spliced());
        assertEquals(0, relay.dialStats().notAllowed());
    }

    @Test
    public void aHostOutsideTheRingIsNotDialled() throws Exception {
        try (ServerSocket outsider = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"))) {
            Address local = detours.via(relayTcp(), new Address("127.0.0.2", outsider.getLocalPort()));
            try (Socket client = new Socket("127.0.0.1", local.port())) {
                client.setSoTimeout(30_000);
                assertEquals("local connection closed after the relay's ERR", -1, client.getInputStream().read());
            }
            assertEquals(1, relay.dialStats().notAllowed());
            outsider.setSoTimeout(200);
            try (Socket unexpected = outsider.accept()) {
                fail("the relay connected to a host outside the ring");
            } catch (SocketTimeoutException expected) {
                // nothing connected
            }
        }
    }

    @Test
    public void badTargetIsAnInvalidRequest() {
        try {
            detours.via(relayTcp(), new Address("127.0.0.1", 0));
            fail("port 0 accepted");
        } catch (OmException e) {
            assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
        }
    }

    @Test
    public void ruleOfTheDialTargets() {
        RelayDialTargets targets = RelayDialTargets.of(node);
        assertTrue("the node's own host, any port from 1024", targets.test(new InetSocketAddress("127.0.0.1", 1024)));
        assertTrue(targets.test(new InetSocketAddress("127.0.0.1", 65535)));
        assertFalse("well-known ports", targets.test(new InetSocketAddress("127.0.0.1", 1023)));
        assertFalse("not a member's host", targets.test(new InetSocketAddress("127.0.0.2", 5060)));
        assertFalse("a name that is not how the member is written",
                targets.test(InetSocketAddress.createUnresolved("localhost", 5060)));
    }

    @Test
    public void membersAreSelfPredecessorSuccessorsAndFingers() {
        NodeRef self = NodeRef.of("10.0.0.1", 7000);
        NodeStatus status = new NodeStatus(self, true, NodeRef.of("10.0.0.2", 7000),
                List.of(NodeRef.of("10.0.0.3", 7000), NodeRef.of("peer4.example", 7000)),
                List.of(NodeRef.of("2001:db8::5", 7000)), 0, 0, 0, 0, 0);
        Set<String> hosts = RelayDialTargets.hostsOf(status);
        assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "peer4.example", "2001:db8::5"), hosts);
        RelayDialTargets targets = new RelayDialTargets(() -> hosts);
        assertTrue(targets.test(new InetSocketAddress("10.0.0.3", 7070)));
        assertTrue("names match case-insensitively", targets.test(InetSocketAddress.createUnresolved("PEER4.example", 5070)));
        assertTrue("IPv6 literals match as addresses",
                targets.test(new InetSocketAddress("2001:db8:0:0:0:0:0:5", 7070)));
        assertFalse(targets.test(new InetSocketAddress("10.0.0.9", 7070)));
    }

    @Test
    public void aMemberBrieflyOutOfTheRoutingStateStaysDialable() throws Exception {
        // seen in the congestion experiment: after another peer restarted, the relay's node briefly
        // did not list peer B among its successors and fingers, and refused to dial it
        Set<String> members = new java.util.concurrent.CopyOnWriteArraySet<>(Set.of("10.0.0.1", "10.0.0.2"));
        RelayDialTargets targets = new RelayDialTargets(() -> members);
        assertTrue(targets.test(new InetSocketAddress("10.0.0.2", 7070)));
        members.remove("10.0.0.2");
        Thread.sleep(1100); // past the one-second reading
        assertTrue("a member seen minutes ago stays dialable", targets.test(new InetSocketAddress("10.0.0.2", 7070)));
        assertFalse("a host never seen is not", targets.test(new InetSocketAddress("10.0.0.3", 7070)));
    }

    @Test
    public void unknownMembersAllowNothing() {
        RelayDialTargets targets = new RelayDialTargets(() -> {
            throw new IllegalStateException("node not started");
        });
        assertFalse(targets.test(new InetSocketAddress("127.0.0.1", 7070)));
    }
}
