package org.p2psip.sip.overlay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The P2PSIP-Port's bound on requests its Overlay Manager has not answered ({@code --max-om-requests}),
 * over a real control socket: it counts what the OM owes, not answers waiting for the port's own workers.
 */
public class OverlayLinkBoundTest {
    private Path dir;
    private ExecutorService workers;
    private final CountDownLatch workersFree = new CountDownLatch(1);
    private OverlayLink link;
    private ControlClient om;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("p2psip-overlay-bound");
        workers = Executors.newSingleThreadExecutor();
        // the port's one worker is busy (a burst, a collection): answers wait for it in its queue
        workers.execute(() -> {
            try {
                workersFree.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        link = new OverlayLink(workers, Duration.ofSeconds(10), Duration.ofSeconds(10), 2, Map::of, () -> { });
        link.listen(dir.resolve("port.sock"), "bound-test");
    }

    @After
    public void tearDown() throws Exception {
        workersFree.countDown();
        if (om != null) {
            om.close();
        }
        link.close();
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
        Files.deleteIfExists(dir.resolve("port.sock"));
        Files.deleteIfExists(dir);
    }

    private void omAnswering(ControlHandler handler) throws Exception {
        om = ControlClient.connect(dir.resolve("port.sock"), "om", "test-om", handler, Duration.ofSeconds(5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!link.isConnected()) {
            assertTrue("the OM's connection never reached the port", System.nanoTime() < deadline);
            Thread.sleep(10);
        }
    }

    private void awaitAllAnswered() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (link.unanswered() > 0) {
            assertTrue("the OM answered, but " + link.unanswered() + " requests still count as unanswered",
                    System.nanoTime() < deadline);
            Thread.sleep(5);
        }
    }

    @Test
    public void answersWaitingForBusyWorkersDoNotCountAsUnanswered() throws Exception {
        omAnswering(new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage request) {
                return ControlMessage.responseTo(request);
            }

            @Override
            public boolean answersAtOnce(ControlMessage request) {
                return true;
            }
        });
        List<CompletableFuture<Void>> registrations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CompletableFuture<Void> r = link.registerUser("user" + i, 3600);
            registrations.add(r);
            assertTrue("REGISTER " + i + " refused although the OM answered every earlier one: " + r,
                    !r.isCompletedExceptionally());
            awaitAllAnswered();
        }
        assertEquals(0, link.overloadRejections());
        workersFree.countDown();
        for (CompletableFuture<Void> r : registrations) {
            r.get(5, TimeUnit.SECONDS); // each completes once a worker is free
        }
    }

    @Test
    public void beyondTheBoundOfUnansweredRequestsTheRequestFailsAtOnce() throws Exception {
        CountDownLatch omStuck = new CountDownLatch(1);
        omAnswering((from, request) -> {
            try {
                omStuck.await(10, TimeUnit.SECONDS); // an OM that does not keep up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ControlMessage.responseTo(request);
        });
        workersFree.countDown();
        CompletableFuture<Void> first = link.registerUser("alice", 3600);
        CompletableFuture<Void> second = link.registerUser("bob", 3600);
        CompletableFuture<Void> third = link.registerUser("carol", 3600);
        assertTrue("a request beyond 2 unanswered must fail at once", third.isCompletedExceptionally());
        try {
            third.get();
            fail("refused request completed");
        } catch (ExecutionException e) {
            OverlayException oe = (OverlayException) e.getCause();
            assertEquals(ErrorCode.RESOURCE_EXHAUSTED, oe.code());
            assertEquals("Overlay Manager overloaded: 2 requests unanswered", oe.getMessage());
        }
        assertEquals(1, link.overloadRejections());
        omStuck.countDown();
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        awaitAllAnswered();
        link.registerUser("carol", 3600).get(5, TimeUnit.SECONDS);
    }
}
