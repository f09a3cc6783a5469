package org.p2psip.common;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines that blocking sockets lack: a whole message must arrive, or one answer must be written,
 * within a time, else the connection is closed (which ends the blocked read or write). One daemon
 * timer thread per listener, stopped by {@link #close()}. A {@code SO_TIMEOUT} only bounds one read,
 * so a sender trickling a byte at a time would otherwise hold a connection for ever.
 */
public final class SocketDeadlines implements AutoCloseable {
    private final ScheduledExecutorService timer;

    public SocketDeadlines(String name) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, name + "-deadlines");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true); // a cancelled deadline leaves the queue at once: it stays as small as the I/O in progress
        timer = t;
    }

    /** A started deadline; {@link #cancel()} once the read or write is done. */
    public interface Deadline {
        /** Stops the deadline; true if it had not expired (the connection is still open). */
        boolean cancel();
    }

    /** Closes {@code connection} (and runs {@code expired}) unless cancelled within {@code after}. */
    public Deadline start(Closeable connection, Duration after, Runnable expired) {
        try {
            ScheduledFuture<?> f = timer.schedule(() -> {
                expired.run();
                try {
                    connection.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }, after.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> false; // shut down: the listener is closing its connections itself
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
