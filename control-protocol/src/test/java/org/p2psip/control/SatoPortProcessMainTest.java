package org.p2psip.control;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@link SatoPortProcessMain} around a port that is a real {@link ControlServer}, and {@link CloseOnce}. */
public class SatoPortProcessMainTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A port that only listens on its control socket and closes on {@code port.shutdown}. */
    private static final class ListeningPort implements SatoPortProcessMain.Port {
        private final CloseOnce closing = new CloseOnce(this);
        private final AtomicInteger stops = new AtomicInteger();
        private ControlServer server;

        ListeningPort start(Path socket) throws IOException {
            server = ControlServer.listen(socket, "test-port", "t", (from, request) -> {
                new Thread(this::close).start();
                return ControlMessage.responseTo(request);
            });
            return this;
        }

        @Override
        public void awaitClosed() throws InterruptedException {
            closing.await();
        }

        @Override
        public void close() {
            closing.close(() -> {
                stops.incrementAndGet();
                server.close();
            });
        }
    }

    @Test
    public void runsUntilClosedThenTheSocketFileIsGone() throws Exception {
        Path socket = tmp.getRoot().toPath().resolve("port.sock");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ListeningPort port = new ListeningPort();
        AtomicInteger status = new AtomicInteger(-1);
        Thread main = new Thread(() -> status.set(SatoPortProcessMain.run("test-port", () -> port.start(socket),
                p -> "up at " + socket, "stopped", print(out), print(err))));
        main.start();
        try (ControlClient om = ControlClient.connect(socket, "om", "test", ControlHandler.NONE, Duration.ofSeconds(20))) {
            om.call(ControlMessage.request(MessageTypes.PORT_SHUTDOWN));
        } catch (ControlException e) {
            // the port may close before its answer leaves: what counts is that it stops
        }
        main.join(20_000);
        assertEquals(0, status.get());
        assertEquals("up at " + socket + "\nstopped\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertFalse("socket file removed", Files.exists(socket));
        port.close();
        assertEquals("stopped once", 1, port.stops.get());
    }

    @Test
    public void aPortThatCannotStartIsStatusOneWithOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SatoPortProcessMain.run("test-port", () -> {
            throw new IOException("no such directory");
        }, p -> "never", null, print(out), print(err));
        assertEquals(1, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("test-port: cannot start: no such directory\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void closeOnceRunsItsStepsOnceAndReleasesTheWaiters() throws Exception {
        Object owner = new Object();
        CloseOnce c = new CloseOnce(owner);
        assertFalse(c.await(Duration.ofMillis(10)));
        AtomicInteger runs = new AtomicInteger();
        assertTrue(c.close(runs::incrementAndGet));
        assertFalse(c.close(runs::incrementAndGet));
        assertEquals(1, runs.get());
        assertTrue(c.isClosed());
        assertTrue(c.await(Duration.ZERO));

        CloseOnce failing = new CloseOnce(owner);
        try {
            failing.close(() -> {
                throw new IllegalStateException("stop failed");
            });
        } catch (IllegalStateException expected) {
            // the waiters are released all the same
        }
        assertTrue(failing.await(Duration.ZERO));

        CloseOnce released = new CloseOnce(owner);
        released.release();
        assertTrue(released.await(Duration.ZERO));
        assertFalse(released.isClosed());
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }
}
