package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayCa;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.enrollment.RunCa;
import org.slf4j.LoggerFactory;

/**
 * A relay in a secured overlay ({@link RelaySecurity}), over real loopback sockets with certificates of
 * a real overlay CA: mutual TLS on every connection to the relay port, and allocations bound to the
 * Node-ID of the node that asked for them. A node with a valid certificate asks for another node's
 * allocation, binds another node's connection, takes its port while it reconnects: all refused, and
 * the owner's public port keeps working.
 */
public class SecuredTcpRelayTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RunCa ca;
    private NodeIdentity owner;
    private NodeIdentity rogue;
    private NodeIdentity relayNode;
    private EchoServer echo;
    private TcpRelay relay;
    private RelayedListener listener;

    @Before
    public void setUp() throws IOException {
        ca = RunCa.in(tmp.getRoot().toPath());
        owner = NodeIdentity.load(ca.peer("owner"));
        rogue = NodeIdentity.load(ca.peer("rogue"));
        relayNode = NodeIdentity.load(ca.peer("relay"));
        echo = new EchoServer();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null,
                target -> target.getPort() == echo.address().getPort(), security(relayNode));
        listener = RelayedListener.open(relay.address(), "owner-om", echo::address, Duration.ofSeconds(1), security(owner));
    }

    @After
    public void tearDown() throws IOException {
        listener.close();
        relay.close();
        echo.close();
    }

    private static RelaySecurity security(NodeIdentity id) {
        return new RelaySecurity(id.tlsContext(), OverlayTls::peerNodeId);
    }

    /** A control connection of {@code id} to the relay, TLS handshake done. */
    private SSLSocket tls(NodeIdentity id) throws IOException {
        SSLSocket s = (SSLSocket) id.tlsContext().getSocketFactory().createSocket();
        s.connect(relay.address(), 10_000);
        s.setSoTimeout(Net.READ_TIMEOUT_MILLIS);
        s.startHandshake();
        return s;
    }

    private String listen(NodeIdentity id, String line) throws IOException {
        try (SSLSocket s = tls(id)) {
            Net.writeLine(s, line);
            return Net.readLine(s);
        }
    }

    @Test
    public void anotherNodesListenForTheAllocationIsRefusedAndTheOwnersKeepsWorking() throws Exception {
        InetSocketAddress pub = listener.publicAddress();
        assertTrue(relay.secured());
        assertTrue("the owner's allocation relays", Net.echoWorks(pub));

        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger allocations = (Logger) LoggerFactory.getLogger(Allocations.class);
        allocations.addAppender(logged);
        logged.start();
        try {
            assertEquals("ERR allocation owner-om belongs to another node", listen(rogue, "LISTEN owner-om"));
        } finally {
            allocations.detachAppender(logged);
        }
        String expected = "TCP relay: node " + rogue.nodeId().substring(0, 8) + " at 127.0.0.1:";
        ILoggingEvent warning = logged.list.stream().filter(e -> e.getFormattedMessage().startsWith(expected)).findFirst()
                .orElseThrow(() -> new AssertionError("the refusal is logged: " + logged.list));
        assertEquals(Level.WARN, warning.getLevel());
        assertTrue(warning.getFormattedMessage(), warning.getFormattedMessage().endsWith(
                "asked for allocation owner-om, which belongs to node " + owner.nodeId().substring(0, 8) + ": refused"));
        assertEquals("no stack trace for an expected refusal", null, warning.getThrowableProxy());
        assertEquals("ERR allocation owner-om belongs to another node", listen(rogue, "LISTEN owner-om " + pub.getPort()));

        List<AllocationStats> stats = relay.stats();
        assertEquals("still the one allocation: " + stats, 1, stats.size());
        assertTrue(stats.get(0).open());
        assertEquals(pub.getPort(), stats.get(0).publicAddress().getPort());
        assertEquals(pub, listener.publicAddress());
        assertEquals("not re-allocated", 1, listener.stats().allocations());
        assertTrue("the owner's allocation still relays", Net.echoWorks(pub));
        // the rogue may have allocations of its own, under its own names
        assertTrue(listen(rogue, "LISTEN rogue-om").startsWith("OK 127.0.0.1:"));
    }

    @Test
    public void onlyTheOwnerBindsItsConnections() throws Exception {
        try (SSLSocket control = tls(owner)) {
            Net.writeLine(control, "LISTEN owner-sip");
            String ok = Net.readLine(control);
            assertTrue(ok, ok.startsWith("OK 127.0.0.1:"));
            int port = Integer.parseInt(ok.substring(ok.lastIndexOf(':') + 1));
            try (Socket client = Net.connect(new InetSocketAddress("127.0.0.1", port))) {
                String connect = Net.readLine(control);
                assertTrue(connect, connect.startsWith("CONNECT "));
                String id = connect.split(" ")[1];
                try (SSLSocket stolen = tls(rogue)) {
                    Net.writeLine(stolen, "BIND " + id);
                    assertEquals("ERR connection belongs to another node", Net.readLine(stolen));
                }
                try (SSLSocket data = tls(owner)) {
                    Net.writeLine(data, "BIND " + id);
                    assertEquals("the refused BIND left the connection to its owner", "OK", Net.readLine(data));
                    Net.writeLine(client, "to the owner");
                    assertEquals("to the owner", Net.readLine(data));
                }
            }
        }
    }

    @Test
    public void aClosedAllocationsNameAndPortStayReservedForItsOwner() throws Exception {
        InetSocketAddress pub = listener.publicAddress();
        listener.close();
        Net.await("allocation closed", () -> !relay.stats().get(0).open());

        assertEquals("ERR allocation owner-om belongs to another node", listen(rogue, "LISTEN owner-om"));
        String other = listen(rogue, "LISTEN rogue-om " + pub.getPort());
        assertTrue(other, other.startsWith("OK 127.0.0.1:"));
        assertNotEquals("the owner's port is not handed to another node", "OK 127.0.0.1:" + pub.getPort(), other);

        assertEquals("the owner gets its name and port back", "OK 127.0.0.1:" + pub.getPort(),
                listen(owner, "LISTEN owner-om " + pub.getPort()));
    }

    @Test
    public void withoutACertificateOfThisOverlayNothingIsServed() throws Exception {
        try (Socket plain = Net.connect(relay.address())) {
            Net.writeLine(plain, "LISTEN owner-om");
            String answer = new String(Net.readAll(plain), StandardCharsets.ISO_8859_1);
            assertFalse("a plain TCP LISTEN got no allocation: " + answer, answer.contains("OK"));
        } catch (IOException e) {
            // reset: refused as well
        }
        Path otherDir = tmp.getRoot().toPath().resolve("other-peer");
        OverlayCa.init(tmp.getRoot().toPath().resolve("other-ca"), "other").enrollPeer(otherDir);
        NodeIdentity foreign = NodeIdentity.load(otherDir);
        try (SSLSocket s = tls(foreign)) {
            Net.writeLine(s, "LISTEN owner-om");
            String answer = Net.readLine(s);
            fail("a node of another CA was answered: " + answer);
        } catch (IOException e) {
            // the handshake fails: each side trusts only its own overlay's CA
        }
        try {
            RelayedListener.open(relay.address(), "owner-om", echo::address, null, security(foreign)).close();
            fail("a node of another CA got an allocation");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("TLS handshake with the relay 127.0.0.1:" + relay.address().getPort()
                    + " failed"));
        }
        assertTrue("the owner's allocation still relays", Net.echoWorks(listener.publicAddress()));
    }

    @Test
    public void aClientExpectingTheRelayOfOneNodeTalksToNoOther() throws Exception {
        try (RelayedListener right = RelayedListener.open(relay.address(), "owner-sip", echo::address, null,
                security(owner).expectingRelay(relayNode.nodeId()))) {
            assertTrue(Net.echoWorks(right.publicAddress()));
        }
        try {
            RelayedListener.open(relay.address(), "owner-x", echo::address, null, security(owner).expectingRelay(rogue.nodeId()))
                    .close();
            fail("a relay with another node's certificate was used");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("the relay's certificate names node " + relayNode.nodeId() + ", not "
                    + rogue.nodeId()));
        }
    }

    @Test
    public void detourTunnelsDialOverTls() throws Exception {
        try (DetourTunnel tunnel = DetourTunnel.open(relay.address(), echo.address(), 4, null, security(rogue));
                DetourTunnel plain = DetourTunnel.open(relay.address(), echo.address())) {
            assertTrue("a member of the overlay dials through the relay", Net.echoWorks(tunnel.localAddress()));
            assertFalse("a client without a certificate does not", Net.echoWorks(plain.localAddress()));
            Net.await("the plain dial counted as failed", () -> plain.stats().failed() == 1);
        }
        assertEquals(1, relay.dialStats().spliced());
    }
}
