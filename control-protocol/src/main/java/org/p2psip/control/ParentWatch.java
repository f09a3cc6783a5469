package org.p2psip.control;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties a SATO-Port process to its Overlay Manager: the OM starts the port's JVM with
 * {@code -D}{@value #PROPERTY}{@code =<its pid>}, and this watch closes the port as soon as that
 * process is gone, however it ended (SIGKILL included), so no SATO-Port outlives its OM. It checks
 * every {@link #INTERVAL} on one daemon thread, which {@link #close()} stops. A recycled pid is not
 * mistaken for the parent: {@link ProcessHandle#isAlive()} compares start times.
 */
public final class ParentWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);
    /** System property naming the pid of the process this one must not outlive. */
    public static final String PROPERTY = "p2psip.parent.pid";
    static final Duration INTERVAL = Duration.ofMillis(500);

    private final ScheduledExecutorService timer;

    private ParentWatch(long pid) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parent-watch-" + pid);
            t.setDaemon(true);
            return t;
        });
    }

    private void start(ProcessHandle parent, Runnable onParentGone, Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            if (!parent.isAlive()) {
                log.warn("Overlay Manager process {} is gone; this SATO-Port stops with it", parent.pid());
                timer.shutdown();
                onParentGone.run();
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Watches the process named by {@value #PROPERTY}, if set; runs {@code onParentGone} once when it
     * ends (at once if it is already gone). Empty when the property is unset (a port started by hand).
     *
     * @throws IllegalArgumentException if the property is not a pid
     */
    public static Optional<ParentWatch> fromSystemProperty(Runnable onParentGone) {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be a process id, not '" + value + "'");
        }
        return Optional.of(watch(pid, onParentGone, INTERVAL));
    }

    /** Watches process {@code pid}; runs {@code onParentGone} once it has ended. */
    static ParentWatch watch(long pid, Runnable onParentGone, Duration interval) {
        ParentWatch watch = new ParentWatch(pid); // its thread starts with the first check
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty()) {
            log.warn("Overlay Manager process {} is already gone; this SATO-Port stops", pid);
            onParentGone.run();
        } else {
            watch.start(parent.get(), onParentGone, interval);
        }
        return watch;
    }

    /** Stops watching. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
