package org.p2psip.lookup.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a payload written by {@link PayloadWriter}; anything short or invalid is a {@link MalformedFrameException}. */
public final class PayloadReader {
    private final ByteBuffer buf;

    public PayloadReader(byte[] payload) {
        this.buf = ByteBuffer.wrap(payload);
    }

    public PayloadReader(byte[] payload, int offset) {
        this.buf = ByteBuffer.wrap(payload, offset, payload.length - offset);
    }

    public int u8() throws MalformedFrameException {
        need(1);
        return buf.get() & 0xff;
    }

    public boolean bool() throws MalformedFrameException {
        int v = u8();
        if (v > 1) {
            throw new MalformedFrameException("bad boolean " + v);
        }
        return v == 1;
    }

    public int u16() throws MalformedFrameException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    public long u32() throws MalformedFrameException {
        need(4);
        return buf.getInt() & 0xffffffffL;
    }

    public long i64() throws MalformedFrameException {
        need(8);
        return buf.getLong();
    }

    public byte[] raw(int n) throws MalformedFrameException {
        need(n);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    public String string() throws MalformedFrameException {
        int n = u16();
        byte[] b = raw(n);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrameException("string is not valid UTF-8");
        }
    }

    public int remaining() {
        return buf.remaining();
    }

    /** Fails when bytes are left over. */
    public void end() throws MalformedFrameException {
        if (buf.hasRemaining()) {
            throw new MalformedFrameException(buf.remaining() + " unexpected trailing bytes in payload");
        }
    }

    private void need(int n) throws MalformedFrameException {
        if (buf.remaining() < n) {
            throw new MalformedFrameException("truncated payload: needed " + n + " more bytes, " + buf.remaining() + " left");
        }
    }

}
