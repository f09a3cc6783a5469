package org.p2psip.control;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded worker pool a control server or client owns for handling requests and events: at most
 * {@code max} threads (ended after 30 s idle) and {@code queue} tasks waiting for one ({@link ControlBounds}). Beyond that
 * {@code execute} throws {@link java.util.concurrent.RejectedExecutionException}: the reader answers
 * the request with RESOURCE_EXHAUSTED at once instead of running it itself (it would stop reading
 * its connection, answers included, for as long as the request takes).
 * <p>
 * A task goes to an idle thread when there is one; a new thread starts only when every thread is
 * busy (a plain {@link ThreadPoolExecutor} with {@code max} core threads starts a new one for each of
 * the first {@code max} tasks, idle ones or not: 64 threads per pool after a few calls, each of them
 * scanned at every garbage collection and woken in turn, its cache cold).
 */
final class Workers {
    private Workers() {
    }

    static ExecutorService pool(String name, int max, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new Pool(max, queue, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Counts the tasks not yet finished, so that its queue can tell whether a thread is idle. */
    private static final class Pool extends ThreadPoolExecutor {
        private final AtomicInteger unfinished = new AtomicInteger();
        private final Handoff handoff;

        Pool(int max, int queue, ThreadFactory threads) {
            this(max, new Handoff(queue), threads);
        }

        private Pool(int max, Handoff handoff, ThreadFactory threads) {
            super(1, max, 30, TimeUnit.SECONDS, handoff, threads);
            this.handoff = handoff;
            handoff.pool = this;
            allowCoreThreadTimeOut(true);
        }

        @Override
        public void execute(Runnable task) {
            unfinished.incrementAndGet();
            try {
                super.execute(task);
            } catch (RejectedExecutionException e) {
                // the queue declined so that a thread would start, but the pool had just reached its maximum
                if (isShutdown() || !handoff.queue(task)) {
                    unfinished.decrementAndGet();
                    throw e;
                }
            }
        }

        @Override
        protected void afterExecute(Runnable task, Throwable t) {
            unfinished.decrementAndGet();
        }

        boolean everyThreadBusy() {
            return unfinished.get() > getPoolSize() && getPoolSize() < getMaximumPoolSize();
        }
    }

    /** The pool's bounded queue: declines a task while no thread is idle and the pool may still grow. */
    private static final class Handoff extends LinkedBlockingQueue<Runnable> {
        private volatile Pool pool;

        Handoff(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable task) {
            Pool p = pool;
            if (p != null && p.everyThreadBusy()) {
                return false; // the pool starts a thread for it
            }
            return super.offer(task);
        }

        boolean queue(Runnable task) {
            return super.offer(task);
        }
    }
}
