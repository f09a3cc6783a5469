package org.p2psip.common;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a message body whose length a header announced, allocating only as its bytes arrive
 * (in steps of at most {@value #STEP} bytes, doubling): a header that announces a large body and
 * then stalls or ends costs its reader almost nothing. The caller checks the length against its
 * limit first.
 */
public final class BoundedRead {
    /** The first allocation and the largest growth at once. */
    public static final int STEP = 64 * 1024;

    private BoundedRead() {
    }

    /** Reads exactly {@code length} bytes; EOFException if the stream ends first. */
    public static byte[] readFully(InputStream in, int length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        byte[] buf = new byte[Math.min(length, STEP)];
        int have = 0;
        while (have < length) {
            if (have == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, (long) buf.length + Math.min(buf.length, STEP * 16L)));
            }
            int n = in.read(buf, have, buf.length - have);
            if (n < 0) {
                throw new EOFException("stream ended after " + have + " of " + length + " bytes");
            }
            have += n;
        }
        return buf;
    }
}
