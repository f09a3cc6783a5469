package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code --bootstrap} given any address of an existing peer: its lookup node, its OM IF HOST:PORT or
 * its OM IF URL; the joining peer ends up in the same ring each time. A wrong address (nothing
 * there, something that is no peer) fails with a message saying what was found and what to give.
 */
public class BootstrapLookupTest {
    private static Path state;
    private static Peer first;

    @BeforeClass
    public static void createOverlay() throws Exception {
        state = Files.createTempDirectory("p2psip-bootstrap-");
        first = Peer.start(PeerConfig.of(config("first", null)));
    }

    @AfterClass
    public static void stop() {
        if (first != null) {
            first.close();
        }
    }

    private static Map<String, String> config(String name, String bootstrap) throws java.io.IOException {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("ports", "in-process");
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name).toString());
        s.put("offer-relay", "off");
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        return s;
    }

    @Test
    public void theLookupPortIsTakenAsItIs() throws Exception {
        // a secured ring's lookup node answers only over the overlay's mutual TLS: probe it as a peer of the overlay would
        org.p2psip.enrollment.NodeIdentity id = org.p2psip.enrollment.NodeIdentity.load(
                org.p2psip.enrollment.RunCa.in(state).peer("prober"));
        assertEquals(first.bootstrapAddress(), BootstrapLookup.resolve(first.bootstrapAddress(), PeerSecurity.wire(id)));
    }

    @Test
    public void theOmEndpointLeadsToTheLookupNode() throws Exception {
        // a secured OM IF answers only HTTPS with a peer certificate of the overlay
        org.p2psip.enrollment.NodeIdentity id = org.p2psip.enrollment.NodeIdentity.load(
                org.p2psip.enrollment.RunCa.in(state).peer("prober"));
        String om = first.overlayManager().address().toString();
        assertEquals(first.bootstrapAddress(), BootstrapLookup.resolve(om, PeerSecurity.wire(id), PeerSecurity.omIf(id)));
        assertTrue(first.overlayManager().url(), first.overlayManager().url().startsWith("https://"));
        assertEquals(first.bootstrapAddress(), BootstrapLookup.resolve(first.overlayManager().url(), PeerSecurity.wire(id),
                PeerSecurity.omIf(id)));
        // the URL as an unsecured peer would write it names the same OM
        assertEquals(first.bootstrapAddress(), BootstrapLookup.resolve("http://" + om + "/om/v1", PeerSecurity.wire(id),
                PeerSecurity.omIf(id)));
    }

    @Test
    public void aPeerJoinsThroughTheOtherPeersOmUrl() throws Exception {
        try (Peer second = Peer.start(PeerConfig.of(config("second", first.overlayManager().url())))) {
            long end = System.nanoTime() + 20_000_000_000L;
            while (second.overlayManager().ring().size() < 2 || first.overlayManager().ring().size() < 2) {
                if (System.nanoTime() > end) {
                    fail("the peer that joined through " + first.overlayManager().url() + " is not in a ring with it: ring sizes "
                            + second.overlayManager().ring().size() + " and " + first.overlayManager().ring().size());
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    public void nothingListeningIsNamedWithWhatToGive() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String msg = failure("127.0.0.1:" + port);
        assertTrue(msg, msg.contains("127.0.0.1:" + port) && msg.contains("nothing there answers as a peer's lookup node"));
        assertTrue(msg, msg.contains(BootstrapLookup.WHAT_TO_GIVE));
    }

    @Test
    public void somethingElseListeningIsNamedWithWhatToGive() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
                        out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "not-a-peer");
            answer.setDaemon(true);
            answer.start();
            String msg = failure("127.0.0.1:" + s.getLocalPort());
            assertTrue(msg, msg.contains("lookup node") && msg.contains("Overlay Manager"));
            assertTrue(msg, msg.contains(BootstrapLookup.WHAT_TO_GIVE));
        }
    }

    @Test
    public void aUrlThatIsNotHttpIsRefused() {
        String msg = failure("ftp://127.0.0.1:21/");
        assertTrue(msg, msg.contains("http://") && msg.contains(BootstrapLookup.WHAT_TO_GIVE));
    }

    private static String failure(String given) {
        try {
            String found = BootstrapLookup.resolve(given);
            fail("--bootstrap " + given + " was taken for a lookup node at " + found);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
