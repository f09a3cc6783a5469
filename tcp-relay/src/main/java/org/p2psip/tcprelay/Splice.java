package org.p2psip.tcprelay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes both ways between two connected sockets, one thread per direction.
 *
 * <p>End of stream on one side is passed on as a half-close ({@code shutdownOutput}) of the
 * other; both sockets are closed when both directions have ended, or at once on an error.
 * Both sockets must already be {@linkplain Lifecycle#adopt adopted} by the owner.
 */
final class Splice {

    private static final Logger LOG = LoggerFactory.getLogger(Splice.class);
    private static final int BUFFER = 16 * 1024;

    private final Lifecycle owner;
    private final String name;
    private final Socket a;
    private final Socket b;
    private final Runnable onClose;
    private final AtomicInteger directionsEnded = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Splice(Lifecycle owner, String name, Socket a, Socket b, Runnable onClose) {
        this.owner = owner;
        this.name = name;
        this.a = a;
        this.b = b;
        this.onClose = onClose;
    }

    /**
     * Starts splicing {@code a} and {@code b}.
     *
     * @param owner   owns both sockets and the two threads
     * @param name    thread name suffix, e.g. {@code splice-1a2b}; {@code -fwd} and {@code -rev} are appended
     * @param aIn     the stream to read {@code a} from (may hold bytes already buffered)
     * @param bIn     the stream to read {@code b} from
     * @param aToB    counts bytes copied from a to b
     * @param bToA    counts bytes copied from b to a
     * @param onClose run once when both sockets have been closed
     */
    static void start(Lifecycle owner, String name, Socket a, InputStream aIn, Socket b, InputStream bIn,
            LongAdder aToB, LongAdder bToA, Runnable onClose) {
        Splice splice = new Splice(owner, name, a, b, onClose);
        try {
            owner.start(name + "-fwd", () -> splice.pump(aIn, b, aToB));
            owner.start(name + "-rev", () -> splice.pump(bIn, a, bToA));
        } catch (RejectedExecutionException e) {
            splice.close();
        }
    }

    private void pump(InputStream in, Socket to, LongAdder counter) {
        byte[] buffer = new byte[BUFFER];
        try {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                counter.add(n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            if (!closed.get() && !owner.isClosed()) {
                LOG.debug("{}: {}", name, e.toString());
            }
            close();
            return;
        }
        if (directionsEnded.incrementAndGet() == 2) {
            close();
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            owner.release(a);
            owner.release(b);
            onClose.run();
        }
    }
}
