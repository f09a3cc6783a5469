package org.p2psip.phone;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The per-interval media report of {@code ./p2psip phone --report-every N} (or {@code --report-every-ms N}):
 * a thread that, every interval from its start, takes the interval's figures ({@link MediaInterval}) and
 * passes its line on. The first call resets the interval so that every line covers exactly one interval; a
 * partial interval at the end is not reported (the final {@code report:} line covers the whole call).
 *
 * <p>The thread is a daemon owned by this object; {@link #stop()} ends it.
 */
final class IntervalReporter {

    private final Thread thread;
    private volatile boolean stopped;

    /** The shortest interval: a phone sends a packet every 20 ms. */
    static final long MIN_MILLIS = 100;

    private IntervalReporter(LongFunction<MediaInterval> source, long everyMillis, Consumer<String> lines) {
        this.thread = new Thread(() -> run(source, everyMillis, lines), "phone-interval-report");
        thread.setDaemon(true);
    }

    /**
     * Starts reporting.
     *
     * @param source      takes the interval ending at the given millisecond (e.g. {@link Phone#takeMediaInterval})
     *                    and starts the next; null results are skipped
     * @param everyMillis interval length in milliseconds, at least {@value #MIN_MILLIS}
     * @param lines       receives each {@link MediaInterval#line()}
     */
    static IntervalReporter start(LongFunction<MediaInterval> source, long everyMillis, Consumer<String> lines) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lines, "lines");
        if (everyMillis < MIN_MILLIS) {
            throw new IllegalArgumentException("report interval must be at least " + MIN_MILLIS + " ms: " + everyMillis);
        }
        source.apply(0); // the first interval starts now
        IntervalReporter r = new IntervalReporter(source, everyMillis, lines);
        r.thread.start();
        return r;
    }

    /** Stops reporting and waits for the thread (up to 5 s). */
    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(LongFunction<MediaInterval> source, long everyMillis, Consumer<String> lines) {
        long start = System.nanoTime();
        long every = TimeUnit.MILLISECONDS.toNanos(everyMillis);
        for (long k = 1; !stopped; k++) {
            long due = start + k * every;
            long wait;
            while (!stopped && (wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (stopped) {
                return;
            }
            MediaInterval i = source.apply(k * everyMillis);
            if (i != null) {
                lines.accept(i.line());
            }
        }
    }
}
