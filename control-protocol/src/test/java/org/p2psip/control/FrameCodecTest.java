package org.p2psip.control;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

/**
 * The frame layout byte for byte: ASCII text is written as it is, any other text as UTF-8, both
 * read back the same; a field over 65,535 bytes is refused whichever text it is.
 */
public class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(16 * 1024 * 1024);

    @Test
    public void asciiAndOtherTextAreWrittenAsUtf8WithTheirLengths() throws Exception {
        ControlMessage m = ControlMessage.request("rtp.stats").with("session", "call-7").with("caf\u00e9", "\u20ac 5")
                .with("", "").with("emoji", "\uD83D\uDE00").withId(42);
        byte[] expected = reference(m);
        ByteBuffer encoded = codec.encode(m);
        byte[] actual = new byte[encoded.remaining()];
        encoded.get(actual);
        assertArrayEquals(expected, actual);
        ControlMessage back = codec.decode(ByteBuffer.wrap(actual, 4, actual.length - 4).slice());
        assertEquals(m, back);
        assertEquals("\u20ac 5", back.get("caf\u00e9"));
        assertEquals("\uD83D\uDE00", back.get("emoji"));
    }

    @Test
    public void aFieldOverSixtyFiveThousandBytesIsRefusedAsciiOrNot() throws Exception {
        for (String big : new String[] {"x".repeat(65_536), "\u00e4".repeat(32_768)}) {
            try {
                codec.encode(ControlMessage.request("test.echo").with("v", big));
                fail("encoded a field of " + big.getBytes(StandardCharsets.UTF_8).length + " bytes");
            } catch (ControlException e) {
                assertEquals(ErrorCode.BAD_REQUEST, e.code());
                assertTrue(e.getMessage(), e.getMessage().contains("longer than 65535 bytes"));
            }
        }
        // the largest field that fits, either way
        for (String fits : new String[] {"x".repeat(65_535), "\u00e4".repeat(32_767) + "x"}) {
            ByteBuffer b = codec.encode(ControlMessage.request("test.echo").with("v", fits));
            b.getInt();
            assertEquals(fits, codec.decode(b.slice()).get("v"));
        }
    }

    /** The frame as its documented layout says, built with the JDK's UTF-8 encoder. */
    private static byte[] reference(ControlMessage m) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeByte(MessageTypes.VERSION);
        out.writeByte(m.kind().code);
        out.writeInt(m.id());
        text(out, m.type());
        out.writeShort(m.fields().size());
        for (Map.Entry<String, String> f : m.fields()) {
            text(out, f.getKey());
            text(out, f.getValue());
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream whole = new DataOutputStream(frame);
        whole.writeInt(body.size());
        body.writeTo(whole);
        return frame.toByteArray();
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }
}
