package org.p2psip.rtp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpReleaseAnswer;
import org.p2psip.control.message.RtpSessionReleased;
import org.p2psip.rtp.config.RtpPortConfig;

/** Idle timeout, release, port exhaustion and socket leaks. */
public class LifecycleTest {
    private Path dir;
    private PortFixture port;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-life");
    }

    @After
    public void tearDown() throws Exception {
        if (port != null) {
            port.close();
        }
        Files.deleteIfExists(dir);
    }

    @Test
    public void idleSessionsAreReleasedAndFreeTheirPorts() throws Exception {
        port = new PortFixture(TestSupport.config(dir, "idle").withIdleTimeout(Duration.ofSeconds(1)));
        ControlMessage a = port.om.allocateEndpoint("quiet", "udp");
        // A session with its own idle timeout that keeps receiving media stays.
        ControlMessage b = port.om.call(RtpAllocate.session("busy").withIdleTimeout(Duration.ofSeconds(4)).toMessage());
        try (UdpPeer phone = new UdpPeer()) {
            port.om.connectLeg("busy", "ua", "passive", phone.address());
            int ua = RtpAllocateAnswer.from(b).leg("ua").rtp();
            ControlMessage released = null;
            for (int i = 0; released == null && i < 200; i++) {
                phone.send(TestSupport.rtp(0, i, 160L * i, 1, 160), ua);
                released = port.awaitEvent(MessageTypes.RTP_SESSION_RELEASED, Duration.ofMillis(100));
            }
            assertNotNull("the quiet session is released", released);
            RtpSessionReleased quiet = RtpSessionReleased.from(released);
            assertEquals("quiet", quiet.session());
            assertTrue(quiet.reason(), quiet.reason().startsWith("idle"));
            assertEquals("the busy session is still there", "busy", port.stats("busy").session());
        }
        expectError(ErrorCode.NOT_FOUND, () -> port.om.stats("quiet"));
        assertPortsFree(a, false);
        // Once its media stops, the busy one goes too.
        ControlMessage second = port.awaitEvent(MessageTypes.RTP_SESSION_RELEASED, Duration.ofSeconds(20));
        assertNotNull(second);
        assertEquals("busy", RtpSessionReleased.from(second).session());
        assertEquals("0", port.om.status().get(Fields.SESSIONS));
    }

    @Test
    public void releaseFreesThePortsAtOnce() throws Exception {
        port = PortFixture.start(dir, "release");
        ControlMessage a = port.om.allocateEndpoint("c1", "tcp");
        port.om.connectLeg("c1", "overlay", "passive", "any");
        ControlMessage r = port.om.release("c1");
        assertTrue(RtpReleaseAnswer.from(r).released());
        assertEquals("true", r.get(Fields.RELEASED));
        assertPortsFree(a, true);
        expectError(ErrorCode.NOT_FOUND, () -> port.om.release("c1"));
    }

    @Test
    public void aThousandAllocateReleaseCyclesLeakNoSocket() throws Exception {
        port = PortFixture.start(dir, "leak");
        for (int i = 0; i < 20; i++) {
            cycle(i);
        }
        int sockets = TestSupport.openSockets();
        int fds = TestSupport.openDescriptors();
        for (int i = 0; i < 1000; i++) {
            cycle(i);
        }
        assertEquals("open sockets of this JVM (/proc/self/fd) after 1000 cycles", sockets, TestSupport.openSockets());
        assertTrue("open descriptors did not grow: " + fds + " -> " + TestSupport.openDescriptors(),
                TestSupport.openDescriptors() <= fds + 2);
        assertEquals("0", port.om.status().get(Fields.SESSIONS));
        assertEquals("200", port.om.status().get(Fields.PORTS_FREE));
    }

    private void cycle(int i) throws Exception {
        String id = "leak-" + i;
        if (i % 10 == 9) {
            // Every tenth: a TCP relay with a listening leg.
            port.om.allocateRelay(id, "tcp", "udp");
            port.om.connectLeg(id, "a", "passive", "127.0.0.1");
        } else {
            port.om.allocateEndpoint(id, "udp");
            port.om.connectLeg(id, "ua", "passive", "127.0.0.1:4000");
        }
        port.om.release(id);
    }

    @Test
    public void anExhaustedPortRangeIsAClearErrorAndPartialAllocationsAreUndone() throws Exception {
        port = new PortFixture(fourFreePorts());
        ControlMessage a = port.om.allocateEndpoint("e1", "udp");
        ControlException e = expectError(ErrorCode.RESOURCE_EXHAUSTED, () -> port.om.allocateEndpoint("e2", "udp"));
        assertTrue(e.getMessage(), e.getMessage().contains("exhausted"));
        // A relay needs two ports; one is left: the half-made session must give its port back.
        e = expectError(ErrorCode.RESOURCE_EXHAUSTED, () -> port.om.allocateRelay("r1", "udp", "udp"));
        assertTrue(e.getMessage(), e.getMessage().contains("exhausted"));
        ControlMessage st = port.om.status();
        assertEquals("1", st.get(Fields.PORTS_FREE));
        assertEquals("0", st.get(Fields.CAPACITY));
        assertEquals("1", st.get(Fields.SESSIONS));
        port.om.release(a.get(Fields.SESSION));
        assertEquals("2", port.om.status().get(Fields.CAPACITY));
        port.om.allocateRelay("r1", "udp", "udp");
        port.om.allocateRelay("r2", "tcp", "tcp");
        expectError(ErrorCode.RESOURCE_EXHAUSTED, () -> port.om.allocateRelay("r3", "udp", "udp"));
    }

    @Test
    public void maxSessionsIsEnforced() throws Exception {
        port = new PortFixture(TestSupport.config(dir, "max").withMaxSessions(2));
        port.om.allocateRelay("m1", "udp", "udp");
        port.om.allocateRelay("m2", "udp", "udp");
        ControlException e = expectError(ErrorCode.RESOURCE_EXHAUSTED, () -> port.om.allocateRelay("m3", "udp", "udp"));
        assertTrue(e.getMessage(), e.getMessage().contains("limit"));
        assertEquals("0", port.om.status().get(Fields.CAPACITY));
    }

    /** A four-port range whose ports nobody else holds right now (retried if another test took one). */
    private RtpPortConfig fourFreePorts() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int[] r = TestSupport.randomRange(4);
            boolean free = true;
            for (int p = r[0]; p <= r[1] && free; p++) {
                try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", p));
                     ServerSocket t = new ServerSocket()) {
                    t.bind(new InetSocketAddress("127.0.0.1", p));
                } catch (IOException busy) {
                    free = false;
                }
            }
            if (free) {
                return TestSupport.config(dir, "small").withPorts(r[0], r[1]);
            }
        }
        throw new AssertionError("no free four-port range found in 20 attempts");
    }

    private static void assertPortsFree(ControlMessage allocation, boolean tcpOverlay) throws IOException, ControlException {
        int rtp = RtpAllocateAnswer.from(allocation).leg("ua").rtp();
        int overlay = RtpAllocateAnswer.from(allocation).leg("overlay").port();
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.0.0.1", rtp));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress("127.0.0.1", rtp + 1))) {
            assertTrue(a.isBound() && b.isBound());
        }
        if (tcpOverlay) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("127.0.0.1", overlay));
            }
        } else {
            try (DatagramSocket o = new DatagramSocket(new InetSocketAddress("127.0.0.1", overlay))) {
                assertTrue(o.isBound());
            }
        }
    }

    interface Call {
        Object run() throws Exception;
    }

    static ControlException expectError(ErrorCode code, Call c) throws Exception {
        try {
            c.run();
        } catch (ControlException e) {
            assertEquals(e.getMessage(), code, e.code());
            return e;
        }
        fail("expected " + code);
        return null;
    }
}
