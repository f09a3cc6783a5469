package org.p2psip.sip.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * An accepted SIP TCP connection whose sender has a deadline for each whole message (slowloris): from
 * the first byte of a message to the last byte of its body (by Content-Length) at most
 * {@code deadlineMillis}, however the bytes trickle in. Past it, reading fails with an
 * {@link IOException} naming the deadline, and the stack closes the connection. Made by the server
 * socket's {@code implAccept}; the reader wakes up every second (socket timeout) to check the clock.
 * Keep-alive CRLFs between messages (RFC 5626) do not start a message.
 */
public final class MessageDeadlineSocket extends Socket {
    private static final int TICK_MILLIS = 1000;
    /** The longest header section looked at for Content-Length (the stack refuses larger messages anyway). */
    private static final int MAX_HEADER = 65536;

    private final long deadlineMillis;
    private InputStream in;

    public MessageDeadlineSocket(long deadlineMillis) {
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            setSoTimeout(TICK_MILLIS);
            in = new Framing(super.getInputStream());
        }
        return in;
    }

    /** Follows message boundaries (headers, then Content-Length bytes) to time each message. */
    private final class Framing extends FilterInputStream {
        private long started = -1; // start of the current message, -1 between messages
        private final StringBuilder header = new StringBuilder();
        private long bodyLeft = -1; // -1 while in the header section

        Framing(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                check();
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    continue; // a tick: look at the clock again
                }
                if (n > 0) {
                    follow(b, off, n);
                }
                return n;
            }
        }

        private void check() throws IOException {
            if (started >= 0 && System.currentTimeMillis() - started > deadlineMillis) {
                throw new IOException("SIP message not complete within " + deadlineMillis + " ms (slow sender): connection closed");
            }
        }

        private void follow(byte[] b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                char c = (char) (b[i] & 0xff);
                if (started < 0) {
                    if (c == '\r' || c == '\n') {
                        continue; // keep-alive
                    }
                    started = System.currentTimeMillis();
                    header.setLength(0);
                    bodyLeft = -1;
                }
                if (bodyLeft < 0) {
                    if (header.length() < MAX_HEADER) {
                        header.append(c);
                    }
                    int len = header.length();
                    if (len >= 4 && header.charAt(len - 1) == '\n' && header.charAt(len - 2) == '\r'
                            && header.charAt(len - 3) == '\n' && header.charAt(len - 4) == '\r') {
                        bodyLeft = contentLength(header);
                        if (bodyLeft == 0) {
                            started = -1;
                        }
                    }
                } else if (--bodyLeft == 0) {
                    started = -1;
                }
            }
        }
    }

    static long contentLength(CharSequence headers) {
        for (String line : headers.toString().split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            int colon = l.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = l.substring(0, colon).trim();
            if (name.equals("content-length") || name.equals("l")) {
                try {
                    return Math.max(0, Long.parseLong(l.substring(colon + 1).trim()));
                } catch (NumberFormatException e) {
                    return 0; // the parser answers 400 and closes
                }
            }
        }
        return 0;
    }
}
