package org.p2psip.rtp.relay;

import static org.junit.Assert.assertEquals;

import java.nio.ByteBuffer;
import org.junit.Test;
import org.p2psip.rtp.TestSupport;

public class PacketsTest {
    private static int kind(byte[] b) {
        return Packets.classify(ByteBuffer.wrap(b));
    }

    @Test
    public void classifiesRtpRtcpKeepalivesAndGarbage() {
        assertEquals(Packets.RTP, kind(TestSupport.rtp(0, 1, 2, 3, 160)));
        assertEquals(Packets.RTP, kind(TestSupport.rtp(96, 1, 2, 3, 0)));
        assertEquals(Packets.RTCP, kind(TestSupport.rtcp(5)));
        assertEquals(Packets.KEEPALIVE, Packets.classify(Keepalive.write(ByteBuffer.allocate(20), 7)));
        assertEquals(Packets.INVALID, kind(new byte[0]));
        assertEquals(Packets.INVALID, kind(new byte[] {(byte) 0x80, 0, 0}));
        assertEquals(Packets.INVALID, kind(new byte[11]));
        assertEquals(Packets.INVALID, kind("GET / HTTP/1.1\r\n".getBytes()));
        byte[] ext = TestSupport.rtp(0, 1, 2, 3, 8);
        ext[0] = (byte) 0x90; // extension header; its length field (bytes 14-15) says 0x0707 words
        assertEquals(Packets.INVALID, kind(ext));
        byte[] okExt = TestSupport.rtp(0, 1, 2, 3, 8);
        okExt[0] = (byte) 0x90;
        okExt[14] = 0;
        okExt[15] = 1;
        assertEquals(Packets.RTP, kind(okExt));
    }

    @Test
    public void classifyDoesNotMoveTheBuffer() {
        ByteBuffer b = ByteBuffer.wrap(TestSupport.rtp(0, 1, 2, 3, 10));
        b.position(0);
        Packets.classify(b);
        assertEquals(0, b.position());
        assertEquals(22, b.limit());
    }
}
