package org.p2psip.phone;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.util.Arrays;
import org.junit.Test;

/** The abs-send-time header extension (RFC 8285 one-byte form) and RTP packets that carry it. */
public class AbsSendTimeTest {

    private static final long T0 = 1_765_000_000_123_456L; // some wall-clock instant, microseconds

    @Test
    public void sendTimeIsSixPointEighteenSecondsModulo64() {
        assertEquals(0, AbsSendTime.fromMicros(0));
        assertEquals(1 << 18, AbsSendTime.fromMicros(1_000_000));
        assertEquals(1 << 17, AbsSendTime.fromMicros(500_000));
        assertEquals(AbsSendTime.fromMicros(1_000_000), AbsSendTime.fromMicros(65_000_000)); // mod 64 s
        assertEquals((1 << 24) - 1, AbsSendTime.fromMicros(64_000_000 - 4)); // 3.8 us per unit
    }

    @Test
    public void delayIsReceiveMinusSendAcrossThe64SecondWrap() {
        int sent = AbsSendTime.fromMicros(T0);
        assertEquals(12.5, AbsSendTime.delayMillis(sent, T0 + 12_500), 0.01);
        int nearWrap = AbsSendTime.fromMicros(63_990_000); // 63.99 s
        assertEquals(30.0, AbsSendTime.delayMillis(nearWrap, 64_020_000), 0.01); // received at 0.02 s
        assertEquals(-2.0, AbsSendTime.delayMillis(sent, T0 - 2_000), 0.01); // clocks apart: negative
    }

    @Test
    public void writtenBlockIsTheOneByteFormAndReadsBack() {
        byte[] b = new byte[8];
        int sent = AbsSendTime.fromMicros(T0);
        assertEquals(8, AbsSendTime.writeBlock(b, 0, 3, sent));
        assertEquals(0xBE, b[0] & 0xFF);
        assertEquals(0xDE, b[1] & 0xFF);
        assertEquals(1, b[3]); // one 32-bit word of elements
        assertEquals(0x32, b[4] & 0xFF); // id 3, length 3
        assertEquals(sent, AbsSendTime.read(b, 0, 8, 3));
        assertEquals("another id", -1, AbsSendTime.read(b, 0, 8, 5));
    }

    @Test
    public void twoByteFormIsReadToo() {
        byte[] b = {0x10, 0x00, 0, 2, /* padding */ 0, /* id 3, length 3 */ 3, 3, 0x01, 0x02, 0x03, 0, 0};
        assertEquals(0x010203, AbsSendTime.read(b, 0, b.length, 3));
    }

    @Test
    public void packetWithCsrcsExtensionAndPaddingParsesToTheG711Payload() {
        byte[] g711 = new byte[160];
        new Tone(440).nextFrame(g711, 0);
        int sent = AbsSendTime.fromMicros(T0);
        // header 12 + 2 CSRCs 8 + extension 4 + 8 (an audio-level element id 1, padding, abs-send-time id 3)
        // + payload 160 + padding 3
        byte[] b = new byte[12 + 8 + 12 + 160 + 3];
        RtpPacket.writeHeader(b, true, 0, 4711, 160_000, 0xCAFEL, true);
        b[0] |= 0x20 | 2; // padding, two CSRCs
        int ext = 12 + 8;
        b[ext] = (byte) 0xBE;
        b[ext + 1] = (byte) 0xDE;
        b[ext + 3] = 2; // two words
        b[ext + 4] = 0x10; // id 1, one byte
        b[ext + 5] = (byte) 0x85;
        b[ext + 6] = 0; // padding byte
        b[ext + 7] = 0x32; // id 3, three bytes
        b[ext + 8] = (byte) (sent >> 16);
        b[ext + 9] = (byte) (sent >> 8);
        b[ext + 10] = (byte) sent;
        System.arraycopy(g711, 0, b, ext + 12, 160);
        b[b.length - 1] = 3;
        RtpPacket p = RtpPacket.parse(b, b.length);
        assertNotNull(p);
        assertEquals(4711, p.sequence());
        assertEquals(sent, p.absSendTime());
        assertEquals(12 + 8 + 12, p.payloadOffset());
        assertEquals(160, p.payloadLength());
        byte[] payload = Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        assertArrayEquals(g711, payload);
        assertEquals("abs-send-time under another id", -1, RtpPacket.parse(b, b.length, 4).absSendTime());
    }

    @Test
    public void phoneHeaderWithAbsSendTimeRoundTrips() {
        byte[] b = new byte[12 + AbsSendTime.BLOCK_LENGTH + 160];
        RtpPacket.writeHeader(b, false, 0, 1, 160, 7, true);
        int sent = AbsSendTime.fromMicros(T0);
        AbsSendTime.writeBlock(b, 12, AbsSendTime.DEFAULT_ID, sent);
        RtpPacket p = RtpPacket.parse(b, b.length);
        assertEquals(0x90, b[0] & 0xFF); // version 2, X bit
        assertEquals(sent, p.absSendTime());
        assertEquals(20, p.payloadOffset());
        assertEquals(160, p.payloadLength());
        byte[] plain = new byte[12 + 160];
        RtpPacket.writeHeader(plain, false, 0, 1, 160, 7);
        assertEquals("no extension", -1, RtpPacket.parse(plain, plain.length).absSendTime());
    }
}
