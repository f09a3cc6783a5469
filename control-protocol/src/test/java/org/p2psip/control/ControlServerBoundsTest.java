package org.p2psip.control;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A control server whose workers are all busy and whose queue is full answers the next requests
 * with RESOURCE_EXHAUSTED at once and keeps reading its connection (the reader never runs a request
 * itself); once the workers are free again every queued request is answered.
 */
public class ControlServerBoundsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test(timeout = 60_000)
    public void requestsBeyondWorkersAndQueueGetResourceExhaustedAndTheReaderKeepsReading() throws Exception {
        floodAndRecover(ControlBounds.DEFAULT.workers(), ControlBounds.DEFAULT.queued());
    }

    /** The bounds set for the process ({@code ./p2psip peer --control-bounds}) are the ones a new server applies. */
    @Test(timeout = 60_000)
    public void theProcesssBoundsApplyToNewServers() throws Exception {
        new ControlBounds(2, 3, 5).install();
        try {
            floodAndRecover(3, 5);
            Path socket = tmp.getRoot().toPath().resolve("two.sock");
            try (ControlServer server = ControlServer.listen(socket, "test-port", "t", (from, request) -> ControlMessage.responseTo(request));
                 ControlClient a = ControlClient.connect(socket, "om", "a", ControlHandler.NONE, Duration.ofSeconds(10));
                 ControlClient b = ControlClient.connect(socket, "om", "b", ControlHandler.NONE, Duration.ofSeconds(10))) {
                a.call(ControlMessage.request("test.quick"), Duration.ofSeconds(10));
                b.call(ControlMessage.request("test.quick"), Duration.ofSeconds(10));
                try (java.nio.channels.SocketChannel third = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64);
                    int n = 0;
                    while (n >= 0) {
                        n = third.read(buf);
                        buf.clear();
                    }
                    assertEquals("a connection beyond connections=2 is closed by the server", -1, n);
                } catch (java.io.IOException closed) {
                    // reset instead of an orderly close: refused as well
                }
                a.call(ControlMessage.request("test.quick"), Duration.ofSeconds(10)); // the admitted ones are still served
            }
        } finally {
            System.clearProperty(ControlBounds.CONNECTIONS_PROPERTY);
            System.clearProperty(ControlBounds.WORKERS_PROPERTY);
            System.clearProperty(ControlBounds.QUEUED_PROPERTY);
        }
        assertEquals(ControlBounds.DEFAULT, ControlBounds.current());
    }

    /**
     * A request its handler answers at once ({@link ControlHandler#answersAtOnce}) is answered by the
     * connection's reader: served while every worker is blocked and the queue is full, when a request
     * left to the workers is refused.
     */
    @Test(timeout = 60_000)
    public void aRequestAnsweredAtOnceIsServedWhileEveryWorkerIsBusy() throws Exception {
        new ControlBounds(4, 1, 1).install();
        Path socket = tmp.getRoot().toPath().resolve("at-once.sock");
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(0);
        ControlHandler handler = new ControlHandler() {
            @Override
            public boolean answersAtOnce(ControlMessage request) {
                return request.type().equals("test.now");
            }

            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage request) throws ControlException {
                blockIfAsked(request, running, release);
                return ControlMessage.responseTo(request).with("thread", Thread.currentThread().getName());
            }
        };
        try (ControlServer server = ControlServer.listen(socket, "test-port", "t", handler);
             ControlClient om = ControlClient.connect(socket, "om", "test", ControlHandler.NONE, Duration.ofSeconds(10))) {
            CompletableFuture<ControlMessage> first = om.request(ControlMessage.request("test.block"), Duration.ofSeconds(55));
            assertTrue("the worker took the blocking request", running.tryAcquire(1, 20, TimeUnit.SECONDS));
            CompletableFuture<ControlMessage> queued = om.request(ControlMessage.request("test.block"), Duration.ofSeconds(55));
            try {
                om.call(ControlMessage.request("test.quick"), Duration.ofSeconds(10));
                throw new AssertionError("a request for the workers was served while the only worker was blocked and the queue full");
            } catch (ControlException e) {
                assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
            }
            for (int i = 0; i < 5; i++) {
                ControlMessage now = om.call(ControlMessage.request("test.now"), Duration.ofSeconds(10));
                assertTrue("answered by the connection's reader, not a worker: " + now.get("thread"),
                        now.get("thread").startsWith("control-test-port-conn-"));
            }
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            queued.get(30, TimeUnit.SECONDS);
        } finally {
            System.clearProperty(ControlBounds.CONNECTIONS_PROPERTY);
            System.clearProperty(ControlBounds.WORKERS_PROPERTY);
            System.clearProperty(ControlBounds.QUEUED_PROPERTY);
        }
    }

    @Test
    public void aBadSettingIsRefusedNamingTheProperty() {
        System.setProperty(ControlBounds.WORKERS_PROPERTY, "many");
        try {
            ControlBounds.current();
            throw new AssertionError("a non-number was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(ControlBounds.WORKERS_PROPERTY) && e.getMessage().contains("many"));
        } finally {
            System.clearProperty(ControlBounds.WORKERS_PROPERTY);
        }
    }

    /** Every worker blocked (each seen running), then the queue filled, then 20 more. */
    private void floodAndRecover(int workers, int queued) throws Exception {
        int busy = workers + queued;
        Path socket = tmp.getRoot().toPath().resolve("port-" + busy + ".sock");
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(0);
        try (ControlServer server = ControlServer.listen(socket, "test-port", "t", (from, request) -> {
            blockIfAsked(request, running, release);
            return ControlMessage.responseTo(request);
        });
             ControlClient om = ControlClient.connect(socket, "om", "test", ControlHandler.NONE, Duration.ofSeconds(10))) {
            List<CompletableFuture<ControlMessage>> blocked = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                blocked.add(om.request(ControlMessage.request("test.block"), Duration.ofSeconds(55)));
            }
            // only once every worker runs one is the queue all that is left (an idle worker may not have
            // taken its task yet, and the queue would look full one task early)
            assertTrue("every worker took a blocking request", running.tryAcquire(workers, 20, TimeUnit.SECONDS));
            for (int i = 0; i < queued; i++) {
                blocked.add(om.request(ControlMessage.request("test.block"), Duration.ofSeconds(55)));
            }
            long t0 = System.nanoTime();
            List<CompletableFuture<ControlMessage>> extra = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                extra.add(om.request(ControlMessage.request("test.quick"), Duration.ofSeconds(20)));
            }
            for (CompletableFuture<ControlMessage> f : extra) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    throw new AssertionError("a request beyond " + busy + " busy ones was served while all were blocked");
                } catch (ExecutionException e) {
                    assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ControlException);
                    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, ((ControlException) e.getCause()).code());
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue("refused at once, not after a timeout: " + ms + " ms", ms < 10_000);
            release.countDown();
            for (CompletableFuture<ControlMessage> f : blocked) {
                f.get(30, TimeUnit.SECONDS);
            }
            om.call(ControlMessage.request("test.quick"), Duration.ofSeconds(10));
        }
    }

    /** A {@code test.block} request says it runs ({@code running}) and waits until {@code release} opens (50 s at most). */
    private static void blockIfAsked(ControlMessage request, java.util.concurrent.Semaphore running, CountDownLatch release) {
        if (request.type().equals("test.block")) {
            running.release();
            try {
                release.await(50, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
