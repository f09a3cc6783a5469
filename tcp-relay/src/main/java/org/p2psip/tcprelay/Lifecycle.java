package org.p2psip.tcprelay;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads and sockets one relay or listener owns, so that closing it closes every socket
 * and joins every thread it started. After {@link #close} nothing new can be adopted or started.
 */
final class Lifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final String threadPrefix;
    private final Set<Closeable> resources = new HashSet<>();
    private final Set<Thread> threads = new HashSet<>();
    private boolean closed;

    /** @param threadPrefix prefix of the names of all threads started here */
    Lifecycle(String threadPrefix) {
        this.threadPrefix = threadPrefix;
    }

    /** The prefix of every thread name started here. */
    String threadPrefix() {
        return threadPrefix;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Takes ownership of a resource: it is closed by {@link #close} unless {@link #release}d first.
     *
     * @return false (and the resource is closed at once) if this lifecycle is already closed
     */
    boolean adopt(Closeable resource) {
        synchronized (this) {
            if (!closed) {
                resources.add(resource);
                return true;
            }
        }
        closeQuietly(resource);
        return false;
    }

    /** Closes a resource and forgets it. */
    void release(Closeable resource) {
        synchronized (this) {
            resources.remove(resource);
        }
        closeQuietly(resource);
    }

    /**
     * Starts a named daemon thread owned here.
     *
     * @throws RejectedExecutionException if this lifecycle is closed
     */
    Thread start(String nameSuffix, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.warn("thread {} failed", Thread.currentThread().getName(), e);
            } finally {
                synchronized (this) {
                    threads.remove(Thread.currentThread());
                }
            }
        }, threadPrefix + nameSuffix);
        thread.setDaemon(true);
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("closed");
            }
            threads.add(thread);
        }
        thread.start();
        return thread;
    }

    /** Closes every adopted resource, then interrupts and joins every thread (but the caller). */
    void close(Duration joinTimeout) {
        List<Closeable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        toClose.forEach(Lifecycle::closeQuietly);
        List<Thread> toJoin;
        synchronized (this) {
            toJoin = new ArrayList<>(threads);
        }
        long deadline = System.nanoTime() + joinTimeout.toNanos();
        for (Thread thread : toJoin) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            thread.interrupt();
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                LOG.warn("thread {} did not stop within {}", thread.getName(), joinTimeout);
            }
        }
    }

    static void closeQuietly(Closeable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", resource, e.toString());
        }
    }
}
