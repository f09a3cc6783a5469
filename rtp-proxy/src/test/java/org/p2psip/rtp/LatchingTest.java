package org.p2psip.rtp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpLeg;
import org.p2psip.control.message.RtpUpdate;
import org.p2psip.rtp.relay.Keepalive;

/** Symmetric latching, strangers, and the keepalives of active UDP legs. */
public class LatchingTest {
    private Path dir;
    private PortFixture port;
    private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-latch");
        port = new PortFixture(TestSupport.config(dir, "latch").withKeepaliveInterval(Duration.ofMillis(200)));
    }

    @After
    public void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        port.close();
        Files.deleteIfExists(dir);
    }

    private UdpPeer peer(String host) throws Exception {
        UdpPeer p = new UdpPeer(InetAddress.getByName(host));
        closeables.add(p);
        return p;
    }

    private ControlMessage connect(String session, String leg, String mode, String remote, Duration keepalive) throws Exception {
        return port.om.call(RtpConnect.of(session, leg, mode, remote).withKeepalive(keepalive).toMessage());
    }

    @Test
    public void uaSendingFromAnotherPortThanAnnouncedIsServedAndStrangersAreDropped() throws Exception {
        ControlMessage a = port.om.allocateEndpoint("s1", "udp");
        int ua = RtpAllocateAnswer.from(a).leg("ua").rtp();
        int overlay = RtpAllocateAnswer.from(a).leg("overlay").port();
        UdpPeer far = peer("127.0.0.1");
        UdpPeer announced = peer("127.0.0.1");
        UdpPeer actual = peer("127.0.0.1");
        UdpPeer stranger = peer("127.0.0.1");
        UdpPeer otherHost = peer("127.0.0.2");
        connect("s1", "overlay", "active", far.address(), Duration.ZERO);
        connect("s1", "ua", "passive", announced.address(), null);

        // Before the phone sent anything, media goes to the address from its SDP.
        byte[] p1 = TestSupport.rtp(0, 1, 160, 7, 160);
        far.send(p1, overlay);
        UdpPeer.Received r = announced.receive(5000);
        assertNotNull("media goes to the announced address before latching", r);
        assertArrayEquals(p1, r.data());

        // The phone really sends from another port: its packets go out, and media follows it there.
        byte[] up = TestSupport.rtp(0, 100, 16000, 9, 160);
        actual.send(up, ua);
        r = far.receive(5000);
        assertNotNull(r);
        assertArrayEquals(up, r.data());
        assertEquals(overlay, r.from().getPort());
        byte[] p2 = TestSupport.rtp(0, 2, 320, 7, 160);
        far.send(p2, overlay);
        r = actual.receive(5000);
        assertNotNull("media follows the latched source", r);
        assertArrayEquals(p2, r.data());
        assertEquals(ua, r.from().getPort());
        assertNull("nothing more to the announced port", announced.receive(200));

        RtpLeg s = port.leg("s1", "ua");
        assertEquals("latched", s.state());
        assertEquals(actual.address(), s.remote());

        // A stranger on the same host, and one on another host, are dropped and counted.
        stranger.send(TestSupport.rtp(0, 5, 800, 66, 160), ua);
        otherHost.send(TestSupport.rtp(0, 5, 800, 67, 160), overlay);
        TestSupport.await("strangers counted", Duration.ofSeconds(10), () -> stat("s1", "ua", Fields.DROPPED_STRANGER) == 1
                && stat("s1", "overlay", Fields.DROPPED_STRANGER) == 1);
        assertNull("a stranger's packet is not forwarded", far.receive(200));
        assertNull(actual.receive(200));
        // ... and the session keeps working.
        byte[] up2 = TestSupport.rtp(0, 101, 16160, 9, 160);
        actual.send(up2, ua);
        assertArrayEquals(up2, far.receive(5000).data());
        assertEquals(2, stat("s1", "ua", Fields.PACKETS_IN));
        assertEquals(1, stat("s1", "ua", Fields.DROPS));
    }

    @Test
    public void passiveLegLatchesOnlyOnTheExpectedHost() throws Exception {
        ControlMessage a = port.om.allocateRelay("r1", "udp", "udp");
        int pa = RtpAllocateAnswer.from(a).leg("a").port();
        int pb = RtpAllocateAnswer.from(a).leg("b").port();
        UdpPeer far = peer("127.0.0.1");
        UdpPeer caller = peer("127.0.0.1");
        UdpPeer wrongHost = peer("127.0.0.2");
        UdpPeer sameHostLater = peer("127.0.0.1");
        connect("r1", "a", "passive", "127.0.0.1", null);
        connect("r1", "b", "active", far.address(), Duration.ZERO);

        wrongHost.send(TestSupport.rtp(0, 1, 0, 1, 160), pa);
        TestSupport.await("wrong host dropped", Duration.ofSeconds(10), () -> stat("r1", "a", Fields.DROPPED_STRANGER) == 1);
        assertEquals("waiting", port.leg("r1", "a").state());

        byte[] p = TestSupport.rtp(0, 2, 160, 1, 160);
        caller.send(p, pa);
        UdpPeer.Received r = far.receive(5000);
        assertNotNull(r);
        assertArrayEquals(p, r.data());
        assertEquals(pb, r.from().getPort());
        assertEquals("latched", port.leg("r1", "a").state());
        assertEquals(caller.address(), port.leg("r1", "a").remote());

        sameHostLater.send(TestSupport.rtp(0, 3, 320, 1, 160), pa);
        TestSupport.await("second source dropped", Duration.ofSeconds(10), () -> stat("r1", "a", Fields.DROPPED_STRANGER) == 2);
        byte[] back = TestSupport.rtp(0, 50, 0, 2, 160);
        far.send(back, pb);
        r = caller.receive(5000);
        assertNotNull(r);
        assertArrayEquals(back, r.data());
        assertEquals(pa, r.from().getPort());
        assertNull(far.receive(200));

        // rtp.update relatch=true: the next source wins.
        port.om.call(RtpUpdate.of("r1", "a").withRelatch(true).toMessage());
        byte[] moved = TestSupport.rtp(0, 4, 480, 1, 160);
        sameHostLater.send(moved, pa);
        assertArrayEquals(moved, far.receive(5000).data());
        assertEquals(sameHostLater.address(), port.leg("r1", "a").remote());
    }

    @Test
    public void idleActiveUdpLegsSendKeepalivesThatAreLatchedOnAndNeverForwarded() throws Exception {
        ControlMessage a = port.om.allocateRelay("k1", "udp", "udp");
        int pa = RtpAllocateAnswer.from(a).leg("a").port();
        UdpPeer natSide = peer("127.0.0.1");
        UdpPeer far = peer("127.0.0.1");
        connect("k1", "a", "passive", "any", null);
        connect("k1", "b", "active", far.address(), null);

        // b is active and idle: keepalives every 200 ms (the first at once), in the documented format.
        for (int i = 0; i < 3; i++) {
            UdpPeer.Received r = far.receive(5000);
            assertNotNull("keepalive " + i, r);
            assertKeepalive(r.data());
        }
        // A keepalive arriving on the passive leg latches it and is not forwarded.
        byte[] ka = ByteBuffer.allocate(20).putShort((short) 0x0011).putShort((short) 0).putInt(Keepalive.MAGIC_COOKIE)
                .put("TESTTESTTEST".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array();
        natSide.send(ka, pa);
        TestSupport.await("keepalive counted", Duration.ofSeconds(10), () -> stat("k1", "a", Fields.KEEPALIVES_IN) == 1);
        assertEquals("latched", port.leg("k1", "a").state());
        assertEquals(natSide.address(), port.leg("k1", "a").remote());
        for (int i = 0; i < 5; i++) {
            UdpPeer.Received r = far.receive(1000);
            if (r != null) {
                assertKeepalive(r.data());
            }
        }
        assertEquals(0, stat("k1", "a", Fields.PACKETS_IN));
        assertEquals(0, stat("k1", "b", Fields.PACKETS_OUT));
        assertTrue(stat("k1", "b", Fields.KEEPALIVES_OUT) >= 3);
        // Media from the far end now reaches the NATed side through the latched binding.
        byte[] p = TestSupport.rtp(0, 1, 0, 3, 160);
        far.send(p, RtpAllocateAnswer.from(a).leg("b").port());
        assertArrayEquals(p, natSide.receive(5000).data());

        // keepalive=0 switches them off.
        port.om.call(RtpUpdate.of("k1", "b").withKeepalive(Duration.ZERO).toMessage());
        while (far.receive(500) != null) {
            // drain what was on its way
        }
        assertNull("no keepalives once disabled", far.receive(1000));
    }

    @Test
    public void passiveTcpLegClosesConnectionsFromOtherHosts() throws Exception {
        ControlMessage a = port.om.allocateRelay("t1", "tcp", "udp");
        int pa = RtpAllocateAnswer.from(a).leg("a").port();
        UdpPeer far = peer("127.0.0.1");
        connect("t1", "a", "passive", "127.0.0.1", null);
        connect("t1", "b", "active", far.address(), Duration.ZERO);

        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", pa), 5000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            try {
                assertEquals("the relay closes a stranger's connection", -1, in.read());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("stranger's connection was not closed", e);
            } catch (java.net.SocketException e) {
                // connection reset: closed as well
            }
        }
        TestSupport.await("stranger connection counted", Duration.ofSeconds(10), () -> stat("t1", "a", Fields.DROPPED_STRANGER) == 1);
        assertEquals("waiting", port.leg("t1", "a").state());

        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", pa), 5000);
            byte[] p = TestSupport.rtp(0, 9, 0, 4, 160);
            s.getOutputStream().write(ByteBuffer.allocate(2 + p.length).putShort((short) p.length).put(p).array());
            UdpPeer.Received r = far.receive(5000);
            assertNotNull(r);
            assertArrayEquals(p, r.data());
            assertEquals("connected", port.leg("t1", "a").state());
        }
    }

    private static void assertKeepalive(byte[] d) {
        assertEquals("keepalive length", Keepalive.LENGTH, d.length);
        ByteBuffer b = ByteBuffer.wrap(d);
        assertEquals("STUN Binding Indication", 0x0011, b.getShort(0));
        assertEquals(0, b.getShort(2));
        assertEquals(Keepalive.MAGIC_COOKIE, b.getInt(4));
        assertEquals("p2psipKA", new String(Arrays.copyOfRange(d, 8, 16), java.nio.charset.StandardCharsets.US_ASCII));
    }

    private long stat(String session, String leg, String counter) {
        try {
            return port.stat(session, leg, counter);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
