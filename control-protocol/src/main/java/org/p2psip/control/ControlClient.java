package org.p2psip.control;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connecting side of the control protocol (the Overlay Manager towards a SATO-Port, or a
 * test). It keeps one connection up: when the other side goes away it reconnects in the
 * background, with a backoff from 50 ms to 1 s, until {@link #close()}. Requests sent while
 * disconnected fail at once with {@link ErrorCode#DISCONNECTED}.
 */
public final class ControlClient implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

    private final Path path;
    private final String role;
    private final String name;
    private final ControlHandler handler;
    private final FrameCodec codec;
    private final ExecutorService workers;
    private final ScheduledExecutorService reconnector;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile ControlConnection current;
    private volatile boolean closed;

    private ControlClient(Path path, String role, String name, ControlHandler handler, int maxFrame) {
        this.path = path;
        this.role = role;
        this.name = name;
        this.handler = handler;
        this.codec = new FrameCodec(maxFrame);
        ControlBounds bounds = ControlBounds.current();
        this.workers = Workers.pool("control-" + role + "-client", bounds.workers(), bounds.queued());
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "control-" + role + "-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the control socket at {@code path}, retrying until {@code timeout} (the port may
     * still be starting). Throws {@link ControlException} with {@link ErrorCode#UNAVAILABLE} if nobody
     * answers in time.
     */
    public static ControlClient connect(Path path, String role, String name, ControlHandler handler, Duration timeout)
            throws ControlException {
        ControlClient c = new ControlClient(path, role, name, handler, FrameCodec.DEFAULT_MAX_FRAME);
        long deadline = System.nanoTime() + timeout.toNanos();
        ControlException last = null;
        while (true) {
            try {
                c.open();
                return c;
            } catch (ControlException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                c.close();
                throw new ControlException(ErrorCode.UNAVAILABLE, "no control socket answering at " + path
                        + " within " + timeout.toMillis() + " ms (" + last.getMessage() + ")");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.close();
                throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted while connecting to " + path);
            }
        }
    }

    private void open() throws ControlException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "cannot connect to " + path + ": " + e.getMessage());
        }
        ControlConnection c = new ControlConnection(ch, codec, handler, workers, role, name,
                "control-" + role + "-client-" + connectionCount.incrementAndGet());
        c.start();
        try {
            c.hello(ControlConnection.DEFAULT_TIMEOUT);
        } catch (ControlException e) {
            c.close();
            throw e;
        }
        c.onClose(this::lost);
        if (!c.isOpen()) {
            throw new ControlException(ErrorCode.DISCONNECTED, "control connection to " + path + " closed during hello");
        }
        current = c;
        handler.onConnected(c);
        log.debug("Connected to {} ({} {})", path, c.remoteRole(), c.remoteName());
    }

    private void lost() {
        if (closed) {
            return;
        }
        log.info("Control connection to {} lost; reconnecting", path);
        scheduleReconnect(50);
    }

    private void scheduleReconnect(long delayMs) {
        if (closed) {
            return;
        }
        try {
            reconnector.schedule(() -> {
                if (closed) {
                    return;
                }
                try {
                    open();
                    log.info("Control connection to {} re-established", path);
                } catch (ControlException e) {
                    scheduleReconnect(Math.min(1000, delayMs * 2));
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("reconnect not scheduled: client closed");
        }
    }

    /** The current connection, or null while disconnected. */
    public ControlConnection connection() {
        ControlConnection c = current;
        return c != null && c.isOpen() ? c : null;
    }

    public boolean isConnected() {
        return connection() != null;
    }

    public CompletableFuture<ControlMessage> request(ControlMessage request, Duration timeout) {
        ControlConnection c = connection();
        if (c == null) {
            return CompletableFuture.failedFuture(new ControlException(ErrorCode.DISCONNECTED, "not connected to " + path));
        }
        return c.request(request, timeout);
    }

    public ControlMessage call(ControlMessage request, Duration timeout) throws ControlException {
        ControlConnection c = connection();
        if (c == null) {
            throw new ControlException(ErrorCode.DISCONNECTED, "not connected to " + path);
        }
        return c.call(request, timeout);
    }

    public ControlMessage call(ControlMessage request) throws ControlException {
        return call(request, ControlConnection.DEFAULT_TIMEOUT);
    }

    public void sendEvent(ControlMessage event) throws ControlException {
        ControlConnection c = connection();
        if (c == null) {
            throw new ControlException(ErrorCode.DISCONNECTED, "not connected to " + path);
        }
        c.sendEvent(event);
    }

    public Path path() {
        return path;
    }

    /** Closes the connection and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        reconnector.shutdownNow();
        ControlConnection c = current;
        if (c != null) {
            c.close();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
