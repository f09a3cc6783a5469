package org.p2psip.lookup.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a payload: big-endian integers, u16-length-prefixed UTF-8 strings and byte strings. */
public final class PayloadWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public PayloadWriter u8(int v) {
        out.write(v);
        return this;
    }

    public PayloadWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public PayloadWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public PayloadWriter u32(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        for (int s = 24; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    public PayloadWriter i64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    public PayloadWriter raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public PayloadWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        return raw(b);
    }

    public int size() {
        return out.size();
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
