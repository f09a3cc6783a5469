package org.p2psip.common;

import java.time.Duration;

/**
 * What an accept loop does when {@code accept()} fails while its listener is open (most often
 * "Too many open files": the process ran out of file descriptors): wait, longer each time in a row
 * (10 ms doubling up to 1 s), and try again, so that the listener serves again by itself once
 * descriptors are free. {@link #succeeded()} resets the wait. One per accept loop (not thread-safe).
 */
public final class AcceptBackoff {
    static final long FIRST_MS = 10;
    static final long MAX_MS = 1000;

    private long nextMs = FIRST_MS;
    private long failures;

    /** Sleeps before the next attempt; false if interrupted (the loop should end). */
    public boolean pause() {
        failures++;
        long ms = nextMs;
        nextMs = Math.min(MAX_MS, nextMs * 2);
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An accept succeeded: the next failure waits the shortest time again. */
    public void succeeded() {
        nextMs = FIRST_MS;
    }

    /** Failed accepts so far. */
    public long failures() {
        return failures;
    }

    /** The wait before the next attempt. */
    public Duration nextPause() {
        return Duration.ofMillis(nextMs);
    }
}
