package org.p2psip.control;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded worker pool a control server or client owns for handling requests and events: at most
 * {@code max} threads (ended after 30 s idle) and {@code queue} tasks waiting for one ({@link ControlBounds}). Beyond that
 * {@code execute} throws {@link java.util.concurrent.RejectedExecutionException}: the reader answers
 * the request with RESOURCE_EXHAUSTED at once instead of running it itself (it would stop reading
 * its connection, answers included, for as long as the request takes).
 */
final class Workers {
    private Workers() {
    }

    static ExecutorService pool(String name, int max, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor ex = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ex.allowCoreThreadTimeOut(true);
        return ex;
    }
}
