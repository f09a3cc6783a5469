package org.p2psip.lookup.chord;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.wire.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's periodic procedures, the ones the Chord paper's stabilization pseudocode
 * (Stoica et al. 2001) runs periodically and the store's: the ring's own pointers
 * ({@link Stabilization stabilize}, {@link PredecessorCheck check_predecessor}) on one daemon thread
 * ({@link #everyOnRingThread}), {@link FingerFixing fix_fingers} and {@link ReplicaRepair repair} on
 * a second ({@link #every}), each with a fixed delay between runs, so that a finger pass or a repair
 * that waits out the timeouts of several failed nodes (under churn: seconds) never holds the
 * successor pointers back, which is what lookups' consistency depends on; and
 * {@link RingUnification ring unification}, whose probes of unreachable nodes wait out their
 * timeouts, on a third daemon thread of its own, with a jittered delay (so that the nodes of a ring
 * do not probe in step). The only owner of the threads: {@link #stop()} ends every procedure at
 * once. A failed run is logged and the next one runs as planned.
 */
final class Maintenance {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final NodeRef self;
    private ScheduledThreadPoolExecutor scheduler;
    private ScheduledThreadPoolExecutor ringScheduler;
    private ScheduledThreadPoolExecutor sideScheduler;

    Maintenance(NodeRef self) {
        this.self = self;
    }

    /** Runs {@code procedure} every {@code interval} (first after one interval); zero = never. */
    synchronized void every(Duration interval, Runnable procedure) {
        if (interval.isZero()) {
            return;
        }
        if (scheduler == null) {
            scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("chord-maint-" + self.port()));
            scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> runLogged(procedure), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code procedure} every {@code interval} on the ring's thread (stabilize, check predecessor); zero = never. */
    synchronized void everyOnRingThread(Duration interval, Runnable procedure) {
        if (interval.isZero()) {
            return;
        }
        if (ringScheduler == null) {
            ringScheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("chord-ring-" + self.port()));
            ringScheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        long ms = interval.toMillis();
        ringScheduler.scheduleWithFixedDelay(() -> runLogged(procedure), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code procedure} on the unification thread, again and again, each time after a delay drawn
     * uniformly from 0.75 to 1.25 times {@code interval}; zero = never.
     */
    synchronized void everyJittered(Duration interval, Runnable procedure) {
        if (interval.isZero()) {
            return;
        }
        if (sideScheduler == null) {
            sideScheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("chord-unify-" + self.port()));
            sideScheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        scheduleJittered(sideScheduler, interval.toMillis(), procedure);
    }

    private void scheduleJittered(ScheduledThreadPoolExecutor on, long ms, Runnable procedure) {
        long delay = ms * 3 / 4 + ThreadLocalRandom.current().nextLong(ms / 2 + 1);
        try {
            on.schedule(() -> {
                runLogged(procedure);
                scheduleJittered(on, ms, procedure);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopped
        }
    }

    /** Runs {@code procedure} on the caller's thread; a failure is logged, not thrown. */
    void runLogged(Runnable procedure) {
        try {
            procedure.run();
        } catch (LookupException e) {
            log.debug("{}: maintenance step failed: {}", self, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: maintenance step failed", self, e);
        }
    }

    /** Stops every procedure (a run in progress is interrupted); nothing runs afterwards. */
    synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (sideScheduler != null) {
            sideScheduler.shutdownNow();
            sideScheduler = null;
        }
        if (ringScheduler != null) {
            ringScheduler.shutdownNow();
            ringScheduler = null;
        }
    }
}
