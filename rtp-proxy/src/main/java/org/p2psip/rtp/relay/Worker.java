package org.p2psip.rtp.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarding thread with its own {@link Selector}. Every session belongs to exactly one worker,
 * and everything about it (its channels, counters, latching state) is touched only by that
 * worker's thread, so the forwarding path needs no locks. Other threads hand work over with
 * {@link #call}. The worker owns one direct buffer that every UDP receive reuses.
 */
final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long CALL_TIMEOUT_SECONDS = 10;

    final ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
    final List<Session> sessions = new ArrayList<>();
    private final RelayEngine engine;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private volatile boolean running = true;
    /** Times the selector returned (wakeups), and RTP/RTCP packets handed from one leg to the other. */
    long wakeups;
    long forwarded;

    Worker(RelayEngine engine, String name) throws IOException {
        this.engine = engine;
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        try {
            while (running) {
                long waitMs = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000L);
                selector.select(dispatch, waitMs);
                wakeups++;
                runTasks();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    tick(now);
                    nextTick = now + TICK_NANOS;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("RTP-Port worker {} failed", thread.getName(), e);
        } finally {
            shutdown();
        }
    }

    private void dispatch(SelectionKey k) {
        try {
            ((IoHandler) k.attachment()).onReady(k);
        } catch (RuntimeException e) {
            log.error("RTP-Port worker {}: handler failed", thread.getName(), e);
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
        }
    }

    private void tick(long now) {
        for (int i = sessions.size() - 1; i >= 0; i--) {
            Session s = sessions.get(i);
            if (now - s.lastActivity > s.idleTimeoutNanos) {
                engine.releaseIdle(s);
            } else {
                s.tick(now);
            }
        }
    }

    /** Runs {@code c} on this worker and waits for its result; a {@link ControlException} passes through. */
    <T> T call(Callable<T> c) throws ControlException {
        if (Thread.currentThread() == thread) {
            try {
                return c.call();
            } catch (ControlException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ControlException(ErrorCode.INTERNAL, String.valueOf(e));
            }
        }
        if (!running) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "RTP-Port is shutting down");
        }
        FutureTask<T> f = new FutureTask<>(c);
        tasks.add(f);
        selector.wakeup();
        try {
            return f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.INTERNAL, "interrupted");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof ControlException) {
                throw (ControlException) t;
            }
            log.error("RTP-Port worker task failed", t);
            throw new ControlException(ErrorCode.INTERNAL, String.valueOf(t));
        } catch (TimeoutException e) {
            throw new ControlException(ErrorCode.TIMEOUT, "RTP-Port worker did not answer within "
                    + CALL_TIMEOUT_SECONDS + " s");
        } catch (java.util.concurrent.CancellationException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "RTP-Port is shutting down");
        }
    }

    /** Registers {@code ch}; worker thread only. */
    SelectionKey register(SelectableChannel ch, int ops, IoHandler h) throws ClosedChannelException {
        return ch.register(selector, ops, h);
    }

    /**
     * Lets the selector forget cancelled keys now, so that channels closed on this thread really
     * close their file descriptors (and free their ports) before the call returns. Worker thread only.
     */
    void flushClosed() {
        try {
            selector.selectNow(dispatch);
        } catch (IOException e) {
            log.debug("selectNow: {}", e.getMessage());
        }
    }

    int sessionCount() {
        return sessions.size();
    }

    boolean isWorkerThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread; it closes every session it still has. */
    void stop() {
        running = false;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("RTP-Port worker {} did not stop within 5 s", thread.getName());
            }
        }
    }

    private void shutdown() {
        running = false;
        runTasks();
        for (Session s : new ArrayList<>(sessions)) {
            s.closeLegs();
        }
        sessions.clear();
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing selector: {}", e.getMessage());
        }
        Runnable r;
        while ((r = tasks.poll()) != null) {
            if (r instanceof FutureTask) {
                ((FutureTask<?>) r).cancel(false);
            }
        }
    }
}
