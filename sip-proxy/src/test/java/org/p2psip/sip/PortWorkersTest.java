package org.p2psip.sip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class PortWorkersTest {
    @Test
    public void aFullQueueRunsTheTaskOnTheHandingThreadAndLosesNothing() throws Exception {
        PortWorkers w = new PortWorkers("test-worker", 2, 8);
        try {
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) { // both workers busy
                w.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            AtomicInteger done = new AtomicInteger();
            Set<String> ranOn = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 20; i++) { // 8 fit in the queue, 12 overflow
                w.execute(() -> {
                    ranOn.add(Thread.currentThread().getName());
                    done.incrementAndGet();
                });
            }
            assertEquals("the overflowing tasks ran at once on the handing thread", 12, done.get());
            assertTrue(ranOn.contains(Thread.currentThread().getName()));
            assertEquals(12, w.overflows());
            assertEquals("the queue never holds more than its bound", 8, w.getQueue().size());
            release.countDown();
            w.shutdown();
            assertTrue(w.awaitTermination(5, TimeUnit.SECONDS));
            assertEquals("every task ran", 20, done.get());
        } finally {
            w.shutdownNow();
        }
    }

    @Test
    public void afterShutdownNothingRunsAndNothingThrows() {
        PortWorkers w = new PortWorkers("test-worker", 1, 1);
        w.shutdown();
        AtomicInteger ran = new AtomicInteger();
        w.execute(ran::incrementAndGet);
        assertEquals(0, ran.get());
        assertEquals(0, w.overflows());
    }
}
