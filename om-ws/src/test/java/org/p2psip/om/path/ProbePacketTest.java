package org.p2psip.om.path;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.Test;

/** The path probe's wire form: what goes out comes back, anything else is rejected with a reason. */
public class ProbePacketTest {
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.7", 7070);
    private static final InetSocketAddress A6 = new InetSocketAddress("2001:db8::1", 7071);

    @Test
    public void probesEchoesAndForwardedProbesRoundTrip() throws Exception {
        ProbePacket direct = ProbePacket.probe(42, 123_456_789L, null);
        ProbePacket via = ProbePacket.probe(43, -5, B);
        ProbePacket forwarded = via.forwardedFrom(A6);
        for (ProbePacket p : new ProbePacket[] {direct, via, forwarded, forwarded.echo(), forwarded.echo().returned()}) {
            byte[] b = p.encode();
            assertEquals(p, ProbePacket.decode(b, b.length));
        }
        assertEquals(24, direct.encode().length);
        assertEquals(B, ProbePacket.decode(via.encode(), via.encode().length).via());
        ProbePacket echo = forwarded.echo();
        assertEquals(ProbePacket.Type.ECHO, echo.type());
        assertEquals(A6, echo.origin());
        assertNull(echo.via());
        assertEquals(43, echo.sequence());
        assertEquals(-5, echo.timestamp());
    }

    @Test
    public void badPacketsAreRejectedSayingWhatIsWrong() {
        byte[] good = ProbePacket.probe(1, 2, B).encode();
        assertReason("shorter than a probe", new byte[10]);
        assertReason("longer than a probe", new byte[ProbePacket.MAX_LENGTH + 1]);
        assertReason("magic", with(good, 0, (byte) 0x00));
        assertReason("version 9", with(good, 4, (byte) 9));
        assertReason("type 7", with(good, 5, (byte) 7));
        assertReason("unknown flags", with(good, 6, (byte) 0x05));
        assertReason("both via and origin", with(good, 6, (byte) 0x03));
        byte[] echoWithVia = with(good, 5, (byte) 2);
        assertReason("an echo with a via hop", echoWithVia);
        assertReason("family 5", with(good, 24, (byte) 5));
        byte[] port0 = good.clone();
        port0[good.length - 2] = 0;
        port0[good.length - 1] = 0;
        assertReason("via port 0", port0);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertReason("1 bytes after the probe", trailing);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertReason("truncated", truncated);
        byte[] multicast = ProbePacket.probe(1, 2, new InetSocketAddress("224.0.0.1", 5)).encode();
        assertReason("not a unicast host", multicast);
        byte[] broadcast = ProbePacket.probe(1, 2, new InetSocketAddress("255.255.255.255", 5)).encode();
        assertReason("not a unicast host", broadcast);
    }

    @Test
    public void noInputMakesTheDecoderFailOtherwise() {
        Random r = new Random(7);
        byte[] good = ProbePacket.probe(1, 2, B).encode();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(ProbePacket.MAX_LENGTH + 8)];
                r.nextBytes(b);
            } else {
                b = good.clone();
                b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            }
            try {
                ProbePacket.decode(b, b.length);
                accepted++;
            } catch (ProbePacket.Malformed e) {
                assertTrue(e.getMessage(), e.getMessage() != null && !e.getMessage().isBlank());
            }
        }
        assertTrue("some mutated packets still decode (sequence, timestamp bits): " + accepted, accepted > 0);
    }

    @Test
    public void aProbeCannotCarryTwoHops() {
        assertThrows(IllegalArgumentException.class, () -> new ProbePacket(ProbePacket.Type.PROBE, 1, 1, B, A6));
        assertArrayEquals(ByteBuffer.allocate(4).putInt(ProbePacket.MAGIC).array(),
                java.util.Arrays.copyOf(ProbePacket.probe(1, 1, null).encode(), 4));
    }

    private static byte[] with(byte[] b, int index, byte value) {
        byte[] c = b.clone();
        c[index] = value;
        return c;
    }

    private static void assertReason(String expected, byte[] b) {
        ProbePacket.Malformed e = assertThrows(ProbePacket.Malformed.class, () -> ProbePacket.decode(b, b.length));
        assertTrue("'" + e.getMessage() + "' should say " + expected, e.getMessage().contains(expected));
    }
}
