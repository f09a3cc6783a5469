package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.Test;

/** Two RTP sessions on real loopback sockets sending the tone to each other. */
public class RtpSessionTest {

    @Test(timeout = 60_000)
    public void tonesFlowBothWaysAndGarbageIsCountedAsInvalid() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (RtpSession a = RtpSession.open(lo); RtpSession b = RtpSession.open(lo);
                DatagramSocket junk = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            assertEquals(0, a.rtpPort() % 2);
            assertEquals(a.rtpPort() + 1, a.rtcpPort());
            a.startSending(new InetSocketAddress(lo, b.rtpPort()));
            b.startSending(new InetSocketAddress(lo, a.rtpPort()));
            byte[] garbage = "not RTP at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            junk.send(new DatagramPacket(garbage, garbage.length, lo, b.rtpPort()));
            junk.send(new DatagramPacket(garbage, garbage.length, lo, b.rtcpPort()));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((a.stats().packetsReceived() < 25 || b.stats().packetsReceived() < 25
                    || b.stats().invalidReceived() < 1 || b.stats().rtcpReceived() < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            a.stopSending();
            b.stopSending();
            MediaStats sa = a.stats();
            MediaStats sb = b.stats();
            assertTrue(sa.summary(), sa.flowedBothWays() && sa.packetsReceived() >= 25);
            assertTrue(sb.summary(), sb.flowedBothWays() && sb.packetsReceived() >= 25);
            assertEquals(sb.summary(), 1, sb.invalidReceived());
            assertEquals(sb.summary(), 1, sb.rtcpReceived());
            assertEquals("127.0.0.1:" + a.rtpPort(), sb.remoteSource());
            assertTrue(sb.summary(), sb.lost() <= sb.expected() / 10);
        }
    }
}
