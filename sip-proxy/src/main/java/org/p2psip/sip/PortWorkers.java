package org.p2psip.sip;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2PSIP-Port's worker threads: they continue a call when the Overlay Manager answers (a lookup, a
 * SATO ready, Connect RTP) and send responses that waited for one. A fixed number of threads and a
 * bounded queue. What arrives while the queue is full is run by the thread that hands it over (the
 * control connection's reader), so no call's continuation is ever lost; the reader then reads the
 * control socket more slowly, which is the back-pressure a full queue should give. The queue's bound
 * is far above what the port's own limits let wait (requests unanswered by the OM are capped by
 * {@code --max-om-requests}), so it is reached only by a bug or a flood those limits missed; each time
 * it is counted and logged at most every 10 s.
 */
public final class PortWorkers extends ThreadPoolExecutor {
    private static final Logger log = LoggerFactory.getLogger(PortWorkers.class);
    private final int queueBound;
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong lastWarned = new AtomicLong();

    public PortWorkers(String name, int threads, int queueBound) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueBound), daemons(name));
        this.queueBound = queueBound;
        setRejectedExecutionHandler((task, pool) -> {
            if (pool.isShutdown()) {
                return; // the port is stopping: nothing waits for this continuation any more
            }
            long n = overflows.incrementAndGet();
            long now = System.nanoTime();
            long last = lastWarned.get();
            if ((last == 0 || now - last > 10_000_000_000L) && lastWarned.compareAndSet(last, now)) {
                log.warn("P2PSIP-Port workers: queue full ({} waiting, {} threads busy); the handing thread runs it ({} so far)",
                        queueBound, threads, n);
            }
            task.run();
        });
    }

    /** How many tasks the handing thread ran because the queue was full. */
    public long overflows() {
        return overflows.get();
    }

    public int queueBound() {
        return queueBound;
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
