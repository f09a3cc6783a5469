package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.common.ListenerBounds;
import org.p2psip.control.ControlBounds;

/**
 * The listener bounds as options of {@code ./p2psip peer} ({@code --lookup-bounds}, {@code --om-if-bounds},
 * {@code --sip-tcp-bounds}, {@code --tcp-relay-bounds}): parsed with the listener's defaults for the
 * keys not given, refused with a one-line reason naming the option, and applied by a real peer: with
 * 3 connections per source, the 4th connection from one address gets the listener's own refusal
 * (HTTP 503 with Retry-After on the OM IF; closed at once elsewhere, the lookup node after an
 * OVERLOADED error frame); with a 1 s first-line deadline, the TCP relay closes a silent connection
 * after 1 s. About 13 s.
 */
public class ListenerOptionsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void close() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }

    private static PeerConfig parse(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--security", "off"));
        all.addAll(List.of(args));
        return PeerConfig.parse(all.toArray(new String[0]));
    }

    @Test
    public void defaultsPartialValuesAndMistakes() throws Exception {
        PeerConfig d = parse();
        ListenerBounds lookup = ListenerOptions.lookup(d);
        assertEquals(1024, lookup.maxConnections());
        assertEquals(256, lookup.maxConnectionsPerSource());
        assertEquals(64, lookup.maxInFlightPerConnection());
        assertEquals(1 << 20, lookup.maxMessageBytes());
        assertEquals("connections=4096,per-source=256,idle-s=30", d.get(ListenerOptions.OM_IF));
        assertEquals("connections=256,per-source=32,read-ms=10000,write-ms=10000,idle-s=300", d.get(ListenerOptions.SIP_TCP));
        assertEquals("connections=512,read-ms=10000,idle-s=90", d.get(ListenerOptions.TCP_RELAY));

        PeerConfig c = parse("--lookup-bounds", "per-source=8,in-flight=4", "--sip-tcp-bounds", "write-ms=2000,idle-s=60");
        assertEquals(1024, ListenerOptions.lookup(c).maxConnections());
        assertEquals(8, ListenerOptions.lookup(c).maxConnectionsPerSource());
        assertEquals(4, ListenerOptions.lookup(c).maxInFlightPerConnection());
        assertEquals(Duration.ofSeconds(2), ListenerOptions.sipTcp(c).writeTimeout());
        assertEquals(Duration.ofSeconds(60), ListenerOptions.sipTcp(c).idleTimeout());
        assertEquals(32, ListenerOptions.sipTcp(c).maxConnectionsPerSource());
        assertEquals(Duration.ofSeconds(90), ListenerOptions.tcpRelay(c).idleTimeout());

        refused("--om-if-bounds", "in-flight=3", "--om-if-bounds takes KEY=VALUE,... with the keys connections, per-source, idle-s, not 'in-flight=3'");
        refused("--lookup-bounds", "per-source=0", "--lookup-bounds: per-source must be a whole number from 1 to 2147483647, not '0'");
        refused("--sip-tcp-bounds", "connections=10,per-source=20", "--sip-tcp-bounds: per-source (20) must not exceed connections (10)");
        assertTrue(PeerConfig.optionsHelp(), PeerConfig.optionsHelp().contains("--tcp-relay-bounds"));
        assertEquals("connections=64,in-flight=64", d.get(ListenerOptions.CONTROL));
        assertEquals(ControlBounds.DEFAULT, ListenerOptions.control(d));
        assertEquals(new ControlBounds(64, 8, 128), ListenerOptions.control(parse("--control-bounds", "in-flight=8")));
        refused("--control-bounds", "idle-s=3", "--control-bounds takes KEY=VALUE,... with the keys connections, in-flight, not 'idle-s=3'");
    }

    /** --control-bounds: the peer's control sockets (here its management socket, om.sock) apply it, and its SATO-Port processes are given it. */
    @Test(timeout = 60_000)
    public void aPeerAppliesTheControlBoundsGiven() throws Exception {
        Path state = tmp.getRoot().toPath();
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults("control", state.resolve("control")));
        s.put("security", "off");
        s.put("control-bounds", "connections=2,in-flight=4");
        try {
            Peer p = Peer.start(PeerConfig.of(s));
            owned.add(p);
            assertEquals(new ControlBounds(2, 4, 64), ControlBounds.current());
            assertTrue(ControlBounds.childOptions().toString(), ControlBounds.childOptions().contains("-Dp2psip.control.connections=2"));
            java.net.UnixDomainSocketAddress om = java.net.UnixDomainSocketAddress.of(state.resolve("control").resolve(Peer.MANAGEMENT_SOCKET));
            try (java.nio.channels.SocketChannel a = java.nio.channels.SocketChannel.open(om);
                 java.nio.channels.SocketChannel b = java.nio.channels.SocketChannel.open(om);
                 java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(om)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(256);
                int n;
                try {
                    do {
                        buf.clear();
                        n = c.read(buf);
                    } while (n > 0);
                } catch (IOException reset) {
                    n = -1;
                }
                assertEquals("the 3rd control connection (connections=2) is closed at once", -1, n);
            }
        } finally {
            System.clearProperty(ControlBounds.CONNECTIONS_PROPERTY);
            System.clearProperty(ControlBounds.WORKERS_PROPERTY);
            System.clearProperty(ControlBounds.QUEUED_PROPERTY);
        }
    }

    private static void refused(String option, String value, String message) throws IOException {
        try {
            parse(option, value);
            fail(option + " " + value + " was accepted");
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test(timeout = 60_000)
    public void aPeerAppliesTheBoundsGiven() throws Exception {
        Path state = tmp.getRoot().toPath();
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults("bounded", state.resolve("bounded")));
        s.put("security", "off");
        s.put("offer-relay", "on");
        s.put("lookup-bounds", "per-source=3");
        s.put("om-if-bounds", "per-source=3");
        s.put("sip-tcp-bounds", "per-source=3");
        s.put("tcp-relay-bounds", "read-ms=1000");
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        URI om = URI.create(p.overlayManager().url());
        InetSocketAddress omIf = new InetSocketAddress(om.getHost(), om.getPort());
        InetSocketAddress lookup = hostPort(p.bootstrapAddress());
        InetSocketAddress sip = hostPort(p.sipAddress());
        InetSocketAddress relay = new InetSocketAddress("127.0.0.1", p.tcpRelay().address().getPort());

        String answer = fourthFrom(omIf);
        assertTrue("OM IF: the 4th connection from one address gets 503: " + answer, answer.startsWith("HTTP/1.1 503 "));
        assertTrue("... with Retry-After: " + answer, answer.contains("\r\nRetry-After: "));
        assertTrue("lookup node: the 4th connection is closed after an error frame: " + answer, fourthFrom(lookup) != null);
        assertTrue("SIP TCP: the 4th connection is closed at once", fourthFrom(sip) != null);
        // the relay port: a connection must send its whole first line within read-ms (1 s here)
        try (Socket silent = connect(relay)) {
            long t0 = System.nanoTime();
            assertTrue("TCP relay: a connection silent past read-ms is closed", closedWith(silent, 5000) != null);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue("closed after " + ms + " ms (read-ms=1000)", ms >= 800 && ms < 4000);
        }
    }

    private static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    /**
     * Opens 3 idle connections from 127.0.0.6 (within the bounds given: none is answered or closed
     * within 300 ms), then a 4th: what it received before the listener closed it, or null if it was
     * still open after 3 s.
     */
    private static String fourthFrom(InetSocketAddress to) throws IOException {
        List<Socket> three = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                three.add(connect(to));
            }
            for (Socket s : three) {
                assertEquals("a connection within the bounds of " + to + " is left open", null, closedWith(s, 300));
            }
            Socket fourth;
            try {
                fourth = connect(to);
            } catch (IOException resetWhileConnecting) {
                return ""; // the listener shed it so fast that the reset beat the end of connect()
            }
            try (fourth) {
                return closedWith(fourth, 3000);
            }
        } finally {
            for (Socket s : three) {
                s.close();
            }
        }
    }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.6"), 0));
        try {
            s.connect(to, 5000);
        } catch (IOException e) {
            s.close();
            throw new IOException("connecting to " + to + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** What the far end sent before closing, or null if it did not close within {@code millis}. */
    private static String closedWith(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException reset) {
            return "";
        }
    }
}
