package org.p2psip.lookup.wire;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factory for the daemon threads a node owns, named {@code prefix-N}. */
public final class DaemonThreads implements ThreadFactory {
    private volatile String prefix;
    private final AtomicInteger n = new AtomicInteger();

    public DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    /**
     * A pool that starts a thread of this factory for each task when none is idle and ends threads
     * idle for 30 s: for requests that block on the network, which must not queue behind each other.
     */
    public ExecutorService cachedPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), this);
    }

    /**
     * As {@link #cachedPool()}, but with at most {@code max} threads: a task beyond them is rejected
     * ({@link java.util.concurrent.RejectedExecutionException}) rather than queued, so that its owner
     * can shed it with an answer.
     */
    public ExecutorService boundedPool(int max) {
        return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), this);
    }

    /** Renames threads created from now on (e.g. once the port is known). */
    public void rename(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(null, r, prefix + "-" + n.incrementAndGet(), 512 * 1024);
        t.setDaemon(true);
        return t;
    }
}
