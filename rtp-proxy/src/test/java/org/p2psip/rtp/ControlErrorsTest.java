package org.p2psip.rtp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.p2psip.rtp.LifecycleTest.expectError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.PortShutdownAnswer;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnectAnswer;
import org.p2psip.control.message.RtpStats;
import org.p2psip.control.message.RtpStatsPage;

/** Typed errors for bad requests, port.status and port.shutdown. */
public class ControlErrorsTest {
    private Path dir;
    private PortFixture port;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-ctl");
        port = PortFixture.start(dir, "ctl");
    }

    @After
    public void tearDown() throws Exception {
        port.close();
        Files.deleteIfExists(dir);
    }

    private ControlMessage req(String type) {
        return ControlMessage.request(type);
    }

    @Test
    public void badRequestsGetTypedErrors() throws Exception {
        expectError(ErrorCode.NOT_FOUND, () -> port.om.release("nope"));
        expectError(ErrorCode.NOT_FOUND, () -> port.om.stats("nope"));
        expectError(ErrorCode.NOT_FOUND, () -> port.om.connectLeg("nope", "ua", "passive", "any"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_ALLOCATE)));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_ALLOCATE).with(Fields.SESSION, "x")
                .with(Fields.ROLE, "mixer")));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.allocateEndpoint("has:colon", "udp"));
        expectError(ErrorCode.UNSUPPORTED, () -> port.om.allocateEndpoint("x", "sctp"));
        expectError(ErrorCode.UNSUPPORTED, () -> port.om.allocateRelay("x", "udp", "quic"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_ALLOCATE).with(Fields.SESSION, "x")
                .with(Fields.IDLE_TIMEOUT, "soon")));
        assertEquals("0", port.om.status().get(Fields.SESSIONS));

        port.om.allocateEndpoint("s", "udp");
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "b", "passive", "any"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "sideways", "127.0.0.1:5000"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "active", "127.0.0.1"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "active", "any"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "active", "127.0.0.1:99999"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "active", "127.0.0.1:abc"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.connectLeg("s", "overlay", "active", "no-such-host.invalid:5000"));
        expectError(ErrorCode.UNSUPPORTED, () -> port.om.connectLeg("s", "overlay", "active", "[::1]:5000"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_CONNECT).with(Fields.SESSION, "s")
                .with(Fields.LEG, "overlay").with(Fields.MODE, "passive")));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_CONNECT).with(Fields.SESSION, "s")
                .with(Fields.LEG, "overlay").with(Fields.MODE, "passive").with(Fields.REMOTE, "any")
                .with(Fields.KEEPALIVE, "-1")));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_UPDATE).with(Fields.SESSION, "s")
                .with(Fields.LEG, "ua").with(Fields.CLOCK_RATE, "12")));
        expectError(ErrorCode.UNKNOWN_TYPE, () -> port.om.call(req("rtp.frobnicate")));
        // An overlay leg without a mode cannot be updated into existence.
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.call(req(MessageTypes.RTP_UPDATE).with(Fields.SESSION, "s")
                .with(Fields.LEG, "overlay").with(Fields.REMOTE, "127.0.0.1:5000")));
        // Nothing of that broke the session.
        ControlMessage ok = port.om.connectLeg("s", "overlay", "active", "127.0.0.1:5000");
        assertEquals("connected", RtpConnectAnswer.from(ok).state());
        assertEquals("127.0.0.1:5000", RtpConnectAnswer.from(ok).remote());
    }

    @Test
    public void allocateIsIdempotentForTheSameRoleAndTransports() throws Exception {
        ControlMessage a = port.om.allocateEndpoint("dup", "udp");
        ControlMessage b = port.om.allocateEndpoint("dup", "udp");
        assertEquals(RtpAllocateAnswer.from(a).leg("ua").rtp(), RtpAllocateAnswer.from(b).leg("ua").rtp());
        assertEquals(RtpAllocateAnswer.from(a).leg("overlay").port(), RtpAllocateAnswer.from(b).leg("overlay").port());
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.allocateEndpoint("dup", "tcp"));
        expectError(ErrorCode.BAD_REQUEST, () -> port.om.allocateRelay("dup", "udp", "udp"));
        assertEquals("1", port.om.status().get(Fields.SESSIONS));
    }

    @Test
    public void statusDescribesTheRelayOffer() throws Exception {
        port.om.allocateRelay("r", "udp", "tcp");
        port.om.allocateEndpoint("e", "udp");
        ControlMessage st = port.om.status();
        assertEquals("ctl", st.get(MessageTypes.F_NAME));
        assertEquals("127.0.0.1", st.get(Fields.ADDRESS));
        assertEquals("2", st.get(Fields.SESSIONS));
        assertEquals("1", st.get(Fields.RELAY_SESSIONS));
        assertEquals("1", st.get(Fields.ENDPOINT_SESSIONS));
        assertEquals(Integer.toString(200 - 5), st.get(Fields.PORTS_FREE));
        assertEquals(Integer.toString((200 - 5) / 2), st.get(Fields.CAPACITY));
        assertEquals("true", st.get(Fields.RELAY));
        assertEquals("udp,tcp", st.get(Fields.TRANSPORTS));
        String[] range = st.get(Fields.PORTS).split("-");
        assertEquals(199, Integer.parseInt(range[1]) - Integer.parseInt(range[0]));
    }

    @Test
    public void statsOfAllSessionsArePagedBelowTheFrameLimit() throws Exception {
        port.close();
        int[] r = TestSupport.randomRange(400);
        port = new PortFixture(TestSupport.config(dir, "paging").withPorts(r[0], r[1]));
        java.util.Set<String> allocated = new java.util.TreeSet<>();
        for (int i = 0; i < 150; i++) {
            String id = String.format("p-%03d", i);
            port.om.allocateRelay(id, "udp", "udp");
            allocated.add(id);
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            ControlMessage q = RtpStats.allAfter(after).toMessage();
            ControlMessage page = port.om.call(q);
            pages++;
            java.util.List<String> ids = page.getAll(Fields.SESSION);
            assertEquals(Integer.toString(ids.size()), page.get(Fields.SESSIONS));
            for (String id : ids) {
                assertEquals("0", RtpStatsPage.from(page).session(id).leg("a").get(Fields.PACKETS_IN));
            }
            seen.addAll(ids);
            if (!Boolean.parseBoolean(page.get(Fields.MORE))) {
                break;
            }
            after = page.get(Fields.NEXT_AFTER);
            assertEquals(ids.get(ids.size() - 1), after);
        }
        assertTrue("more than one page: " + pages, pages > 1);
        assertEquals(new java.util.ArrayList<>(allocated), seen);
        ControlMessage st = port.om.status();
        assertEquals("150", st.get(Fields.SESSIONS));
        assertEquals("0", st.get(Fields.PACKETS_FORWARDED));
        assertEquals("0", st.get(Fields.DROPS));
    }

    @Test
    public void shutdownClosesEverythingAndRemovesTheSocketFile() throws Exception {
        port.om.allocateEndpoint("e", "tcp");
        assertTrue(Files.exists(port.socket()));
        ControlMessage r = port.om.shutdown();
        assertEquals("stopping", PortShutdownAnswer.from(r).state());
        assertTrue("closed after port.shutdown", port.port.awaitClosed(Duration.ofSeconds(15)));
        assertFalse("socket file removed", Files.exists(port.socket()));
    }
}
