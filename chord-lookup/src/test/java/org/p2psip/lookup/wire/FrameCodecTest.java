package org.p2psip.lookup.wire;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.Test;

public class FrameCodecTest {
    @Test
    public void roundTrip() throws Exception {
        byte[] payload = new PayloadWriter().u8(7).u16(65535).u32(4_000_000_000L).i64(-2).string("grüß").toBytes();
        byte[] wire = FrameCodec.encode(new Frame(17, true, 0x7fffffff, payload));
        assertEquals(FrameCodec.HEADER_BYTES + payload.length, wire.length);
        assertEquals(0x43, wire[0]);
        assertEquals(0x44, wire[1]);
        assertEquals(1, wire[2]);
        assertEquals((byte) (0x80 | 17), wire[3]);
        Frame f = FrameCodec.read(new ByteArrayInputStream(wire));
        assertEquals(17, f.type());
        assertTrue(f.response());
        assertEquals(0x7fffffff, f.requestId());
        assertArrayEquals(payload, f.payload());
        PayloadReader r = new PayloadReader(f.payload());
        assertEquals(7, r.u8());
        assertEquals(65535, r.u16());
        assertEquals(4_000_000_000L, r.u32());
        assertEquals(-2, r.i64());
        assertEquals("grüß", r.string());
        r.end();
        assertNull(FrameCodec.read(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    public void violations() {
        byte[] good = FrameCodec.encode(new Frame(1, false, 1, new byte[] {1, 2, 3}));
        expect(Arrays.copyOf(good, 5), "truncated frame");
        expect(Arrays.copyOf(good, good.length - 1), "truncated frame");
        byte[] magic = good.clone();
        magic[0] = 'G';
        expect(magic, "bad magic");
        byte[] version = good.clone();
        version[2] = 9;
        expect(version, "unsupported protocol version 9");
        byte[] big = good.clone();
        big[8] = 0x7f;
        expect(big, "oversized frame");
        byte[] zero = good.clone();
        zero[3] = 0;
        expect(zero, "type 0");
        try {
            new PayloadReader(new byte[] {0, 5, 'a'}).string();
            fail();
        } catch (MalformedFrameException e) {
            assertTrue(e.getMessage().contains("truncated payload"));
        }
        try {
            new PayloadReader(new byte[] {0, 1, (byte) 0xff}).string();
            fail();
        } catch (MalformedFrameException e) {
            assertTrue(e.getMessage().contains("UTF-8"));
        }
        try {
            new PayloadReader(new byte[] {1, 2}).end();
            fail();
        } catch (MalformedFrameException e) {
            assertTrue(e.getMessage().contains("trailing"));
        }
    }

    private static void expect(byte[] wire, String text) {
        try {
            FrameCodec.read(new ByteArrayInputStream(wire));
            fail("accepted a frame that should fail with: " + text);
        } catch (MalformedFrameException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(text));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
