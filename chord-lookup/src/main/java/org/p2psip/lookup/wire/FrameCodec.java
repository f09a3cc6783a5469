package org.p2psip.lookup.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.p2psip.common.BoundedRead;

/** Encodes and decodes {@link Frame}s; every violation is a {@link MalformedFrameException}. */
public final class FrameCodec {
    private FrameCodec() {
    }

    public static final int MAGIC = 0x4344;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 12;
    /** Largest payload accepted: 1 MiB. Bulk transfers are split into batches well below this. */
    public static final int MAX_PAYLOAD = 1 << 20;

    public static byte[] encode(Frame f) {
        if (f.type() < 1 || f.type() > 127) {
            throw new IllegalArgumentException("message type out of range: " + f.type());
        }
        if (f.payload().length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + f.payload().length + " bytes exceeds " + MAX_PAYLOAD);
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + f.payload().length);
        b.putShort((short) MAGIC);
        b.put((byte) VERSION);
        b.put((byte) (f.type() | (f.response() ? 0x80 : 0)));
        b.putInt(f.requestId());
        b.putInt(f.payload().length);
        b.put(f.payload());
        return b.array();
    }

    /**
     * Reads the next frame of a connection, waiting through idle read timeouts while {@code open}
     * says so. Returns null at a clean end of stream, or when no longer open.
     */
    static Frame next(InputStream in, BooleanSupplier open) throws IOException, MalformedFrameException {
        while (open.getAsBoolean()) {
            try {
                return read(in);
            } catch (SocketTimeoutException idle) {
                // the connection is just idle: keep waiting
            }
        }
        return null;
    }

    /**
     * Reads one frame. Returns null on a clean end of stream before the first byte. A
     * {@link SocketTimeoutException} before the first byte is rethrown (the connection is just idle);
     * one in the middle of a frame, like an early end of stream, means a truncated frame.
     */
    public static Frame read(InputStream in) throws IOException, MalformedFrameException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        byte[] header = new byte[HEADER_BYTES];
        header[0] = (byte) first;
        DataInputStream din = new DataInputStream(in);
        readRest(din, header, 1, HEADER_BYTES - 1, "header");
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getShort() & 0xffff;
        if (magic != MAGIC) {
            throw new MalformedFrameException(String.format("bad magic 0x%04x (not a chord-lookup frame)%s", magic, whatAnswered(magic)));
        }
        int version = h.get() & 0xff;
        int kind = h.get() & 0xff;
        int requestId = h.getInt();
        long length = h.getInt() & 0xffffffffL;
        if (version != VERSION) {
            throw new MalformedFrameException("unsupported protocol version " + version + " (this node speaks " + VERSION + ")", true);
        }
        if (length > MAX_PAYLOAD) {
            throw new MalformedFrameException("oversized frame: payload of " + length + " bytes exceeds " + MAX_PAYLOAD);
        }
        int type = kind & 0x7f;
        if (type == 0) {
            throw new MalformedFrameException("message type 0 is invalid");
        }
        byte[] payload;
        try {
            payload = BoundedRead.readFully(din, (int) length); // allocated as the bytes arrive, not as announced
        } catch (EOFException e) {
            throw new MalformedFrameException("truncated frame: connection ended inside the payload");
        } catch (SocketTimeoutException e) {
            throw new MalformedFrameException("truncated frame: peer stalled inside the payload");
        }
        return new Frame(type, (kind & 0x80) != 0, requestId, payload);
    }

    private static void readRest(DataInputStream in, byte[] buf, int off, int len, String what)
            throws IOException, MalformedFrameException {
        try {
            in.readFully(buf, off, len);
        } catch (EOFException e) {
            throw new MalformedFrameException("truncated frame: connection ended inside the " + what);
        } catch (SocketTimeoutException e) {
            throw new MalformedFrameException("truncated frame: peer stalled inside the " + what);
        }
    }

    /**
     * What else speaks first with these two bytes, for the error message: a peer given another peer's
     * OM IF address where a lookup node's belongs gets an HTTP answer ("HT" of "HTTP/1.1 400").
     */
    static String whatAnswered(int magic) {
        if (magic == ('H' << 8 | 'T')) {
            return ": an HTTP server answered (an Overlay Manager's OM IF, its --om-port?), not a lookup node";
        }
        if (magic == ('S' << 8 | 'I')) {
            return ": a SIP server answered (a P2PSIP-Port, its --sip-port?), not a lookup node";
        }
        return "";
    }
}
