package org.p2psip.peer;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What a user reads when a peer cannot start: the address in use, which part wanted it and the
 * option that sets it; a {@code --bootstrap} pointing at an HTTP server that is no OM says so and
 * what to give instead. And two peers offering relays share a host with their default TCP relay port.
 */
public class StartupErrorsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void tearDown() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    public void aLookupPortInUseIsNamedWithItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String msg = failure(Map.of("dht-port", Integer.toString(taken.getLocalPort())));
            assertTrue(msg, msg.contains("127.0.0.1:" + taken.getLocalPort() + " is already in use"));
            assertTrue(msg, msg.contains("the lookup node (Chord), set by --dht-port"));
        }
    }

    @Test
    public void anOmPortInUseIsNamedWithItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String msg = failure(Map.of("om-port", Integer.toString(taken.getLocalPort())));
            assertTrue(msg, msg.contains("127.0.0.1:" + taken.getLocalPort() + " is already in use"));
            assertTrue(msg, msg.contains("set by --om-port"));
        }
    }

    @Test
    public void anOperatorPortInUseIsNamedWithItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String msg = failure(Map.of("http", "127.0.0.1:" + taken.getLocalPort()));
            assertTrue(msg, msg.contains("127.0.0.1:" + taken.getLocalPort() + " is already in use"));
            assertTrue(msg, msg.contains("set by --http"));
        }
    }

    @Test
    public void aBootstrapAtAnHttpServerThatIsNoOverlayManagerSaysWhatAnsweredAndWhatToGive() throws Exception {
        // (an Overlay Manager's address is accepted: BootstrapLookupTest)
        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        web.start();
        try {
            String at = "127.0.0.1:" + web.getAddress().getPort();
            String msg = failure(Map.of("bootstrap", at));
            assertTrue(msg, msg.contains("--bootstrap " + at));
            assertTrue(msg, msg.contains("nothing there answers as a peer's lookup node"));
            assertTrue(msg, msg.contains("or as its Overlay Manager (GetNodeStatus"));
            assertTrue("what answered: " + msg, msg.contains("HTTP response '404"));
            assertTrue(msg, msg.contains("its OM IF URL"));
        } finally {
            web.stop(0);
        }
    }

    @Test
    public void aStateDirectoryThatCannotBeMadeIsNamedWithItsOption() throws Exception {
        java.nio.file.Path file = tmp.newFile("in-the-way").toPath();
        String msg = failure(Map.of("state-dir", file.resolve("state").toString()));
        assertTrue(msg, msg.contains("cannot use the state directory " + file.resolve("state")));
        assertTrue(msg, msg.contains("--state-dir"));
    }

    @Test
    public void twoRelayPeersShareAHostWithTheDefaultTcpRelayPort() throws Exception {
        Map<String, String> defaults = Map.of("tcp-relay-port", PeerConfig.parse(new String[] {"--security", "off"}).get("tcp-relay-port"),
                "offer-relay", "on");
        Peer a = start("a", defaults);
        Peer b = start("b", Map.of("tcp-relay-port", defaults.get("tcp-relay-port"), "offer-relay", "on",
                "bootstrap", a.bootstrapAddress()));
        assertNotNull(a.tcpRelay());
        assertNotNull(b.tcpRelay());
        assertTrue(a.tcpRelay().address().getPort() != b.tcpRelay().address().getPort());
    }

    private String failure(Map<String, String> settings) throws Exception {
        try {
            start("second", settings);
            fail("the peer started with " + settings);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private Peer start(String name, Map<String, String> settings) throws Exception {
        Path state = tmp.getRoot().toPath();
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("offer-relay", "off");
        s.put("security", "off"); // start-up errors, not trust: TrustAttackTest and PeerConfigTest
        s.putAll(settings);
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }
}
