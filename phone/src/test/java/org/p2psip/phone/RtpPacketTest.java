package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** RTP header writing and parsing with the RFC 3550 validity checks. */
public class RtpPacketTest {

    @Test
    public void writtenHeaderParsesBack() {
        byte[] b = new byte[12 + 160];
        RtpPacket.writeHeader(b, true, 0, 65535, 0xFFFFFFFFL, 0x89ABCDEFL);
        RtpPacket p = RtpPacket.parse(b, b.length);
        assertNotNull(p);
        assertTrue(p.marker());
        assertEquals(0, p.payloadType());
        assertEquals(65535, p.sequence());
        assertEquals(0xFFFFFFFFL, p.timestamp());
        assertEquals(0x89ABCDEFL, p.ssrc());
        assertEquals(12, p.payloadOffset());
        assertEquals(160, p.payloadLength());
        assertEquals(0x80, b[0] & 0xFF);
    }

    @Test
    public void csrcExtensionAndPaddingAreAccountedFor() {
        byte[] b = new byte[12 + 8 + 8 + 10 + 4];
        RtpPacket.writeHeader(b, false, 0, 1, 160, 7);
        b[0] = (byte) (0x80 | 0x20 | 0x10 | 2); // padding, extension, 2 CSRCs
        int ext = 12 + 8;
        b[ext + 3] = 1; // one extension word
        b[b.length - 1] = 4; // 4 bytes of padding
        RtpPacket p = RtpPacket.parse(b, b.length);
        assertNotNull(p);
        assertEquals(12 + 8 + 8, p.payloadOffset());
        assertEquals(10, p.payloadLength());
        assertFalse(p.marker());
    }

    @Test
    public void invalidDatagramsAreRejected() {
        byte[] ok = new byte[20];
        RtpPacket.writeHeader(ok, false, 0, 1, 1, 1);
        assertNull("too short", RtpPacket.parse(ok, 11));
        byte[] v1 = ok.clone();
        v1[0] = 0x40;
        assertNull("version 1", RtpPacket.parse(v1, v1.length));
        byte[] csrc = ok.clone();
        csrc[0] = (byte) (0x80 | 15);
        assertNull("CSRC list longer than the packet", RtpPacket.parse(csrc, csrc.length));
        byte[] pad = ok.clone();
        pad[0] = (byte) 0xA0;
        pad[19] = 0;
        assertNull("padding count 0", RtpPacket.parse(pad, pad.length));
        pad[19] = 100;
        assertNull("padding beyond payload", RtpPacket.parse(pad, pad.length));
        byte[] rtcp = ok.clone();
        rtcp[1] = (byte) 200; // an RTCP sender report on the RTP port
        assertNull("RTCP SR", RtpPacket.parse(rtcp, rtcp.length));
        assertNull("null", RtpPacket.parse(null, 0));
    }
}
