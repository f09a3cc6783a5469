package org.p2psip.control;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire format of one frame (all integers big-endian):
 *
 * <pre>
 *   u32 length      bytes that follow, at most maxFrame
 *   u8  version     1
 *   u8  kind        1 request, 2 response, 3 error, 4 event
 *   u32 id          correlation id; a response or error echoes its request's id; 0 for events
 *   u16 typeLen, typeLen bytes UTF-8 type
 *   u16 count       number of fields
 *   count x ( u16 keyLen, UTF-8 key, u16 valueLen, UTF-8 value )
 * </pre>
 * Anything else, including trailing bytes or invalid UTF-8, is a {@link MalformedFrameException}.
 */
public final class FrameCodec {
    /** Default and largest allowed frame size (the length field's value). */
    public static final int DEFAULT_MAX_FRAME = 64 * 1024;
    static final int MIN_BODY = 1 + 1 + 4 + 2 + 2;

    private final int maxFrame;

    public FrameCodec(int maxFrame) {
        if (maxFrame < MIN_BODY || maxFrame > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFrame " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    public int maxFrame() {
        return maxFrame;
    }

    /** The frame for {@code m}, length prefix included; too large a message is refused before anything is sent. */
    public ByteBuffer encode(ControlMessage m) throws ControlException {
        List<Map.Entry<String, String>> fields = m.fields();
        int n = fields.size();
        // ASCII text (nearly every field) is written as it is; other text is encoded once, up front, to know its size
        byte[][] other = null;
        int typeLen = utf8Length(m.type());
        byte[] typeBytes = typeLen < 0 ? utf8(m.type()) : null;
        if (typeBytes != null) {
            typeLen = typeBytes.length;
        }
        int size = MIN_BODY + typeLen;
        for (int i = 0; i < n; i++) {
            Map.Entry<String, String> f = fields.get(i);
            int k = utf8Length(f.getKey());
            int v = utf8Length(f.getValue());
            if (k < 0 || v < 0) {
                if (other == null) {
                    other = new byte[2 * n][];
                }
                if (k < 0) {
                    other[2 * i] = utf8(f.getKey());
                    k = other[2 * i].length;
                }
                if (v < 0) {
                    other[2 * i + 1] = utf8(f.getValue());
                    v = other[2 * i + 1].length;
                }
            }
            if (k > 0xFFFF || v > 0xFFFF) {
                throw new ControlException(ErrorCode.BAD_REQUEST, "field '" + f.getKey() + "' longer than 65535 bytes");
            }
            size += 4 + k + v;
        }
        if (typeLen > 0xFFFF || n > 0xFFFF || size > maxFrame) {
            throw new ControlException(ErrorCode.BAD_REQUEST,
                    "message " + m.type() + " is " + size + " bytes, more than the frame limit " + maxFrame);
        }
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size).put((byte) MessageTypes.VERSION).put((byte) m.kind().code).putInt(m.id());
        put(b, m.type(), typeBytes);
        b.putShort((short) n);
        for (int i = 0; i < n; i++) {
            Map.Entry<String, String> f = fields.get(i);
            put(b, f.getKey(), other == null ? null : other[2 * i]);
            put(b, f.getValue(), other == null ? null : other[2 * i + 1]);
        }
        return b.flip();
    }

    /** The UTF-8 length of {@code s} if it is all ASCII (one byte per char), else -1. */
    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return -1;
            }
        }
        return n;
    }

    /** Writes a u16 length and the text: {@code encoded} if not null, else {@code s}, which is ASCII. */
    private static void put(ByteBuffer b, String s, byte[] encoded) {
        if (encoded != null) {
            b.putShort((short) encoded.length).put(encoded);
            return;
        }
        int n = s.length();
        b.putShort((short) n);
        byte[] a = b.array();
        int at = b.arrayOffset() + b.position();
        for (int i = 0; i < n; i++) {
            a[at + i] = (byte) s.charAt(i);
        }
        b.position(b.position() + n);
    }

    /**
     * Reads one frame. Returns null on a clean end of stream between frames; throws
     * {@link MalformedFrameException} for a bad, oversized or truncated frame.
     */
    public ControlMessage read(ReadableByteChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        if (!fill(ch, len, true)) {
            return null;
        }
        int size = len.flip().getInt();
        if (size < MIN_BODY || size > maxFrame) {
            throw new MalformedFrameException("frame length " + Integer.toUnsignedString(size)
                    + " outside " + MIN_BODY + ".." + maxFrame);
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        fill(ch, body, false);
        return decode(body.flip());
    }

    /** Decodes a frame body (without the length prefix). */
    public ControlMessage decode(ByteBuffer b) throws MalformedFrameException {
        try {
            int version = b.get() & 0xFF;
            if (version != MessageTypes.VERSION) {
                throw new MalformedFrameException("unsupported protocol version " + version + " (this side speaks "
                        + MessageTypes.VERSION + ")");
            }
            ControlMessage.Kind kind = ControlMessage.Kind.of(b.get() & 0xFF);
            if (kind == null) {
                throw new MalformedFrameException("unknown frame kind");
            }
            int id = b.getInt();
            String type = string(b);
            if (type.isEmpty()) {
                throw new MalformedFrameException("empty message type");
            }
            int count = b.getShort() & 0xFFFF;
            List<Map.Entry<String, String>> fields = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                fields.add(Map.entry(string(b), string(b)));
            }
            if (b.hasRemaining()) {
                throw new MalformedFrameException(b.remaining() + " stray bytes after the last field");
            }
            return new ControlMessage(kind, id, type, fields);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MalformedFrameException("frame ends inside a field");
        }
    }

    private static String string(ByteBuffer b) throws MalformedFrameException {
        int n = b.getShort() & 0xFFFF;
        if (n > b.remaining()) {
            throw new MalformedFrameException("string of " + n + " bytes runs past the frame end");
        }
        if (b.hasArray()) {
            // ASCII (nearly every field) needs no decoder: one copy into a compact string
            byte[] a = b.array();
            int at = b.arrayOffset() + b.position();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (a[at + i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                b.position(b.position() + n);
                return new String(a, at, n, StandardCharsets.ISO_8859_1);
            }
        }
        ByteBuffer slice = b.slice().limit(n);
        b.position(b.position() + n);
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return dec.decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrameException("invalid UTF-8 in frame");
        }
    }

    private static boolean fill(ReadableByteChannel ch, ByteBuffer b, boolean eofOkAtStart) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                if (eofOkAtStart && b.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed inside a frame (truncated after " + b.position() + " of "
                        + b.capacity() + " bytes)");
            }
        }
        return true;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
