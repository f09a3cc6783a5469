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
        Path socket = tmp.getRoot().toPath().resolve("port.sock");
        CountDownLatch release = new CountDownLatch(1);
        int busy = ControlServer.WORKERS + Workers.QUEUE;
        try (ControlServer server = ControlServer.listen(socket, "test-port", "t", (from, request) -> {
            if (request.type().equals("test.block")) {
                try {
                    release.await(50, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ControlMessage.responseTo(request);
        });
             ControlClient om = ControlClient.connect(socket, "om", "test", ControlHandler.NONE, Duration.ofSeconds(10))) {
            List<CompletableFuture<ControlMessage>> blocked = new ArrayList<>();
            for (int i = 0; i < busy; i++) {
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
}
