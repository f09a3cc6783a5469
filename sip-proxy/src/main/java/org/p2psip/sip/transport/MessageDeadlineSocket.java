package org.p2psip.sip.transport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 *
 * <p>Two more bounds: a write (an answer to the client) that has not completed within
 * {@code writeTimeoutMillis} closes the connection ({@link WriteWatchdog}: a client that never reads);
 * a connection with no byte in either direction for {@code idleTimeoutMillis}, and no message half
 * read, is closed as idle (keep-alive CRLFs count as traffic; the stack opens a new connection when it
 * has something to send later).
 */
public final class MessageDeadlineSocket extends Socket {
    private static final int TICK_MILLIS = 1000;
    /** The longest header section looked at for Content-Length (the stack refuses larger messages anyway). */
    private static final int MAX_HEADER = 65536;

    private final long deadlineMillis;
    private final long writeTimeoutMillis;
    private final long idleTimeoutMillis;
    private InputStream in;
    private OutputStream out;
    /** When the write in progress started; 0: none. */
    private volatile long writingSince;
    /** The last byte read or written. */
    private volatile long lastTraffic = System.currentTimeMillis();

    public MessageDeadlineSocket(long deadlineMillis) {
        this(deadlineMillis, SipListenerBounds.DEFAULT_WRITE_TIMEOUT_MS, SipListenerBounds.DEFAULT_IDLE_TIMEOUT_MS);
    }

    /** A socket with a whole-message read deadline, a write timeout and an idle timeout (ms). */
    public MessageDeadlineSocket(long deadlineMillis, long writeTimeoutMillis, long idleTimeoutMillis) {
        this.deadlineMillis = deadlineMillis;
        this.writeTimeoutMillis = writeTimeoutMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new Timed(super.getOutputStream());
            WriteWatchdog.watch(this);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        WriteWatchdog.forget(this);
        super.close();
    }

    /** Whether a write has been waiting since before {@code now - writeTimeout}. */
    boolean writeStuckSince(long now) {
        long since = writingSince;
        return since != 0 && now - since > writeTimeoutMillis;
    }

    long writeTimeoutMillis() {
        return writeTimeoutMillis;
    }

    /** Notes when each write starts and ends, for {@link WriteWatchdog} and the idle timeout. */
    private final class Timed extends FilterOutputStream {
        Timed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writingSince = System.currentTimeMillis();
            try {
                out.write(b, off, len);
            } finally {
                writingSince = 0;
                lastTraffic = System.currentTimeMillis();
            }
        }

        @Override
        public void flush() throws IOException {
            writingSince = System.currentTimeMillis();
            try {
                out.flush();
            } finally {
                writingSince = 0;
            }
        }
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
                    idle();
                    continue; // a tick: look at the clock again
                }
                if (n > 0) {
                    lastTraffic = System.currentTimeMillis();
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

        private void idle() throws IOException {
            long now = System.currentTimeMillis();
            if (started < 0 && writingSince == 0 && now - lastTraffic > idleTimeoutMillis) {
                throw new IOException("SIP TCP connection idle for " + idleTimeoutMillis + " ms: closed");
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
