package org.p2psip.rtp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpLegFailed;

/** Runts, non-RTP bytes and truncated RFC 4571 frames are dropped and counted; other sessions keep forwarding. */
public class MalformedInputTest {
    private Path dir;
    private PortFixture port;
    private UdpPeer sender;
    private UdpPeer goodFar;
    private UdpPeer badFar;
    private int goodA;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-bad");
        port = PortFixture.start(dir, "bad");
        sender = new UdpPeer();
        goodFar = new UdpPeer();
        badFar = new UdpPeer();
        ControlMessage good = port.om.allocateRelay("good", "udp", "udp");
        goodA = RtpAllocateAnswer.from(good).leg("a").port();
        port.om.connectLeg("good", "a", "passive", "any");
        activeNoKeepalive("good", "b", goodFar.address());
    }

    @After
    public void tearDown() throws Exception {
        sender.close();
        goodFar.close();
        badFar.close();
        port.close();
        Files.deleteIfExists(dir);
    }

    private void activeNoKeepalive(String session, String leg, String remote) throws Exception {
        port.om.call(RtpConnect.of(session, leg, RtpConnect.ACTIVE, remote).withKeepalive(Duration.ZERO).toMessage());
    }

    private int seq;

    /** One packet through the good session, checked end to end. */
    private void goodStillForwards() throws Exception {
        byte[] p = TestSupport.rtp(0, seq, 160L * seq, 0x600d, 160);
        seq++;
        sender.send(p, goodA);
        UdpPeer.Received r = goodFar.receive(5000);
        assertNotNull("the good session still forwards", r);
        assertArrayEquals(p, r.data());
    }

    @Test
    public void runtsAndNonRtpDatagramsAreDroppedAndCounted() throws Exception {
        ControlMessage bad = port.om.allocateRelay("bad", "udp", "udp");
        int badA = RtpAllocateAnswer.from(bad).leg("a").port();
        port.om.connectLeg("bad", "a", "passive", "any");
        activeNoKeepalive("bad", "b", badFar.address());

        byte[] validHeader = TestSupport.rtp(0, 1, 0, 5, 0);
        byte[] tooManyCsrcs = TestSupport.rtp(0, 1, 0, 5, 20);
        tooManyCsrcs[0] = (byte) 0x8F; // 15 CSRCs announced, 60 bytes needed
        byte[] badPadding = TestSupport.rtp(0, 1, 0, 5, 10);
        badPadding[0] = (byte) 0xA0;
        badPadding[badPadding.length - 1] = (byte) 200;
        byte[][] garbage = {
            new byte[0],
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0x80, 0, 1},
            "hello, this is not RTP".getBytes(StandardCharsets.US_ASCII),
            java.util.Arrays.copyOf(validHeader, 11),
            tooManyCsrcs,
            badPadding,
            new byte[] {(byte) 0x80, (byte) 200, 0, 5, 0, 0, 0, 0}, // RTCP claiming 24 bytes in 8
        };
        for (byte[] g : garbage) {
            sender.send(g, badA);
            goodStillForwards();
        }
        byte[] fine = TestSupport.rtp(0, 2, 160, 5, 160);
        sender.send(fine, badA);
        UdpPeer.Received r = badFar.receive(5000);
        assertNotNull(r);
        assertArrayEquals("only the valid packet got through", fine, r.data());
        assertEquals(garbage.length, port.stat("bad", "a", Fields.DROPPED_MALFORMED));
        assertEquals(1, port.stat("bad", "a", Fields.PACKETS_IN));
        assertEquals(garbage.length, port.stat("bad", "a", Fields.DROPS));
        assertEquals(0, port.stat("good", "a", Fields.DROPS));
        assertEquals(seq, port.stat("good", "b", Fields.PACKETS_OUT));
    }

    @Test
    public void aTruncatedRfc4571FrameClosesTheConnectionAndIsCounted() throws Exception {
        ControlMessage t = port.om.allocateRelay("tcp", "tcp", "udp");
        int a = RtpAllocateAnswer.from(t).leg("a").port();
        port.om.connectLeg("tcp", "a", "passive", "127.0.0.1");
        activeNoKeepalive("tcp", "b", badFar.address());

        byte[] first = TestSupport.rtp(0, 1, 0, 8, 160);
        byte[] notRtp = "hello".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", a)) {
            OutputStream out = s.getOutputStream();
            out.write(frame(first));
            out.write(frame(notRtp));
            out.write(ByteBuffer.allocate(12).putShort((short) 100).put(new byte[10]).array());
            out.flush();
            UdpPeer.Received r = badFar.receive(5000);
            assertNotNull(r);
            assertArrayEquals(first, r.data());
            goodStillForwards();
        }
        ControlMessage failed = port.awaitEvent(MessageTypes.RTP_LEG_FAILED, Duration.ofSeconds(10));
        assertNotNull("rtp.leg.failed after the truncated frame", failed);
        RtpLegFailed legFailed = RtpLegFailed.from(failed);
        assertEquals("tcp", legFailed.session());
        assertEquals("a", legFailed.leg());
        assertTrue(legFailed.reason(), legFailed.reason().contains("inside an RFC 4571 frame"));
        assertEquals("the non-RTP frame and the truncated one", 2, port.stat("tcp", "a", Fields.DROPPED_MALFORMED));
        assertEquals(1, port.stat("tcp", "a", Fields.PACKETS_IN));
        assertEquals("a passive leg waits for the next connection", "waiting", port.leg("tcp", "a").state());
        goodStillForwards();

        // The far end reconnects and the session forwards again.
        byte[] again = TestSupport.rtp(0, 2, 160, 8, 160);
        try (Socket s = new Socket("127.0.0.1", a)) {
            s.getOutputStream().write(frame(again));
            UdpPeer.Received r = badFar.receive(5000);
            assertNotNull(r);
            assertArrayEquals(again, r.data());
        }
    }

    private static byte[] frame(byte[] p) {
        return ByteBuffer.allocate(2 + p.length).putShort((short) p.length).put(p).array();
    }
}
