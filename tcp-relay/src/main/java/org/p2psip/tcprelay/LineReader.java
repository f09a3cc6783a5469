package org.p2psip.tcprelay;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the relay protocol's lines: printable US-ASCII terminated by {@code \n} (a {@code \r}
 * just before it is tolerated), at most {@value #MAX_LINE} bytes including the terminator.
 *
 * <p>Reads byte by byte from the given stream, so nothing after the line is consumed: the same
 * (buffered) stream can be spliced afterwards. A read timeout in the middle of a line keeps the
 * bytes read so far; the next call continues the line.
 */
final class LineReader {

    /** Longest line in bytes, terminator included. */
    static final int MAX_LINE = 256;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE];
    private int length;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next line without its terminator.
     *
     * @return the line, or {@code null} if the stream ended before the first byte of a line
     * @throws ProtocolException if the line is too long, not printable US-ASCII, or cut off by EOF
     * @throws IOException       on a read error or timeout ({@link java.net.SocketTimeoutException})
     */
    String readLine() throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (length == 0) {
                    return null;
                }
                length = 0;
                throw new ProtocolException("connection closed in the middle of a line");
            }
            if (b == '\n') {
                return finishLine();
            }
            if (length == MAX_LINE - 1) {
                length = 0;
                throw new ProtocolException("line too long");
            }
            if ((b < 0x20 || b > 0x7e) && b != '\r') {
                length = 0;
                throw new ProtocolException("not a printable US-ASCII line");
            }
            line[length++] = (byte) b;
        }
    }

    private String finishLine() throws ProtocolException {
        int end = length;
        length = 0;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        String text = new String(line, 0, end, StandardCharsets.US_ASCII);
        if (text.indexOf('\r') >= 0) {
            throw new ProtocolException("not a printable US-ASCII line");
        }
        return text;
    }
}
