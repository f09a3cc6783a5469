package org.p2psip.peer.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.Test;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;

public class StatusCommandTest {

    private static final class Out {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** A node whose only port is an RTP-Port that is down. */
    private static final class DownPorts implements SatoPorts {
        public Set<TransportKind> transports(Purpose p) {
            return Set.of();
        }

        public Address signallingEndpoint(TransportKind t) throws OmException {
            throw new OmException(OmException.Kind.UNSUPPORTED_TRANSPORT, "", "none");
        }

        public PortSession start(PortKind k, String s, String o, java.util.Map<String, String> p) throws OmException {
            throw new OmException(OmException.Kind.RESOURCES_EXHAUSTED, "rtp-port", "down");
        }

        public void stop(PortSession s) {
        }

        public void connect(PortSession s, String l, Address r, TransportKind t) {
        }

        public java.util.List<PortStatus> status() {
            return java.util.List.of(new PortStatus(PortKind.RTP_PORT, "RTP-Port", false, 0, java.util.Map.of("error", "not connected")));
        }

        public void close() {
        }
    }

    @Test
    public void printsTheStatusOfARunningOm() throws Exception {
        try (OverlayManager om = OverlayManager.builder().nodeId("00112233445566778899aabbccddeeff00112233")
                .ports(new DownPorts()).build().start()) {
            Out out = new Out();
            int rc = StatusCommand.run(new String[] {om.address().toString()}, out.o, out.e);
            assertEquals(out.err(), 0, rc);
            String s = out.out();
            assertTrue(s, s.contains("node        00112233445566778899aabbccddeeff00112233"));
            assertTrue(s, s.contains("uptime"));
            assertTrue(s, s.contains("rtp-port") && s.contains("NOT RUNNING"));
            assertTrue(s, s.contains("SATOs       0"));
            assertTrue(s, s.contains("paths       0"));
            assertTrue("no ring line while the OM knows no ring: " + s, !s.contains("ring "));

            // the ring as the peer's Chord node sees it (after a merge with another ring)
            long merged = java.time.Instant.parse("2026-12-06T07:00:00Z").toEpochMilli();
            om.ringView(() -> new org.p2psip.om.types.RingView(12, true, merged, 1));
            out = new Out();
            assertEquals(out.err(), 0, StatusCommand.run(new String[] {om.address().toString()}, out.o, out.e));
            s = out.out();
            assertTrue(s, s.contains("ring        12 node(s), last merge 2026-12-06T07:00:00Z (1 merge(s))"));
            om.ringView(() -> new org.p2psip.om.types.RingView(80, false, 0, 0));
            out = new Out();
            assertEquals(out.err(), 0, StatusCommand.run(new String[] {om.address().toString()}, out.o, out.e));
            s = out.out();
            assertTrue(s, s.contains("ring        80 node(s) (estimated), last merge never"));

            // the same facts for scripts: one JSON line with the documented keys
            out = new Out();
            assertEquals(out.err(), 0, StatusCommand.run(new String[] {om.address().toString(), "--json"}, out.o, out.e));
            s = out.out();
            assertEquals(s, 1, s.strip().lines().count());
            assertTrue(s, s.startsWith("{\"node\":\"00112233445566778899aabbccddeeff00112233\",\"om_if_version\":"));
            assertTrue(s, s.contains("\"ring\":{\"size\":80,\"exact\":false,\"last_merge_ms\":null,\"merges\":0,\"unreachable_members\":0}"));
            assertTrue(s, s.contains("\"ports\":[{\"type\":\"rtp-port\",\"name\":\"RTP-Port\",\"running\":false,\"sessions\":0,\"detail\":{"));
            assertTrue(s, s.contains("\"satos\":[],\"sessions\":[],\"paths\":[]}"));

            assertTrue("no lookup line while the OM knows no lookup address: " + s, !s.contains("lookup "));
            // where its lookup node listens: what a joining peer's --bootstrap leads to
            om.ringView(() -> new org.p2psip.om.types.RingView(3, true, 0, 0, 0, java.util.Set.of(), "192.0.2.7:4000"));
            out = new Out();
            assertEquals(out.err(), 0, StatusCommand.run(new String[] {om.address().toString()}, out.o, out.e));
            s = out.out();
            assertTrue(s, s.contains("lookup      192.0.2.7:4000 (a new peer joins with --bootstrap 192.0.2.7:4000"));

            assertTrue("no security line while the OM is not told: " + s, !s.contains("security"));

            // an unsecured peer says so (as ./p2psip peer --security off tells its OM)
            om.security("OFF: unsecured overlay (--security off)");
            out = new Out();
            assertEquals(out.err(), 0, StatusCommand.run(new String[] {om.address().toString()}, out.o, out.e));
            assertTrue(out.out(), out.out().contains("security    OFF: unsecured overlay (--security off)"));
        }
    }

    @Test
    public void unreachableIsOneClearLineAndExit1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Out out = new Out();
        int rc = StatusCommand.run(new String[] {"127.0.0.1:" + port}, out.o, out.e);
        assertEquals(1, rc);
        assertEquals(out.err(), 1, out.err().strip().lines().count());
        assertTrue(out.err(), out.err().contains("no Overlay Manager reachable at 127.0.0.1:" + port));
        assertEquals("", out.out());
    }

    @Test
    public void usageErrors() {
        Out out = new Out();
        assertEquals(2, StatusCommand.run(new String[] {}, out.o, out.e));
        assertEquals(2, StatusCommand.run(new String[] {"no-port-here"}, out.o, out.e));
        assertEquals(0, StatusCommand.run(new String[] {"--help"}, out.o, out.e));
        assertEquals(2, StatusCommand.run(new String[] {"127.0.0.1:7070", "--jsn"}, out.o, out.e));
    }
}
