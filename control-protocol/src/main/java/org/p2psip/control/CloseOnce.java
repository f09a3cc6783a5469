package org.p2psip.control;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a SATO-Port closes: the first {@link #close} runs the port's stop steps, later calls do
 * nothing; {@link #await} returns once those steps are done (the main thread of a port process
 * waits there, see {@link SatoPortProcessMain}). The closed flag is guarded by the owner's monitor,
 * so a close waits for the owner's {@code synchronized} start to finish before it begins.
 */
public final class CloseOnce {
    private final Object owner;
    private final CountDownLatch done = new CountDownLatch(1);
    private boolean closed;

    /** @param owner the port whose monitor guards its start and the closed flag */
    public CloseOnce(Object owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * Runs {@code stop} on the calling thread the first time only; the waiters are released when it
     * ends, whatever it throws. Returns whether this call ran it.
     */
    public boolean close(Runnable stop) {
        synchronized (owner) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        try {
            stop.run();
        } finally {
            done.countDown();
        }
        return true;
    }

    /** Whether {@link #close} has been called. */
    public boolean isClosed() {
        synchronized (owner) {
            return closed;
        }
    }

    /** Releases the waiters without closing: a start that failed has already released what it had opened. */
    public void release() {
        done.countDown();
    }

    /** Waits until the stop steps are done (or {@link #release}). */
    public void await() throws InterruptedException {
        done.await();
    }

    /** Like {@link #await()}, at most {@code timeout}; whether they are done. */
    public boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
