package org.p2psip.control;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The control workers: an idle thread takes the next task; threads start only when all are busy; bounded. */
public class WorkersTest {

    @Test
    public void oneTaskAtATimeRunsOnOneThread() throws Exception {
        ExecutorService pool = Workers.pool("t", 64, 16);
        try {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 200; i++) {
                CountDownLatch done = new CountDownLatch(1);
                pool.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                });
                assertTrue(done.await(5, TimeUnit.SECONDS));
                Thread.sleep(1); // the thread is back waiting for work
            }
            assertTrue("an idle thread takes the next task (threads used: " + threads + ")", threads.size() <= 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void busyThreadsMakeNewOnesUpToTheMaximumThenTheQueueThenRefusal() throws Exception {
        ExecutorService pool = Workers.pool("t", 4, 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(4);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try {
            for (int i = 0; i < 4; i++) {
                pool.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue("four blocked tasks run at once, each on its own thread", started.await(5, TimeUnit.SECONDS));
            assertEquals(4, threads.size());
            CountDownLatch queued = new CountDownLatch(2);
            pool.execute(queued::countDown);
            pool.execute(queued::countDown);
            try {
                pool.execute(() -> { });
                fail("four threads busy and two tasks waiting: the next is refused");
            } catch (RejectedExecutionException expected) {
                // the reader answers RESOURCE_EXHAUSTED
            }
            release.countDown();
            assertTrue("the queued tasks run once threads are free", queued.await(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
