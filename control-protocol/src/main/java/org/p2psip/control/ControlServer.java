package org.p2psip.control;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.common.AcceptBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of the control protocol: a SATO-Port listens on its socket file and the
 * Overlay Manager connects (docs/control-protocol.md). The socket file gets mode 0600; a stale
 * file left by a crashed process is replaced; a path a live process serves is refused with
 * {@link SocketInUseException}; the file is removed on {@link #close()}. Bounds ({@link ControlBounds},
 * by default): at most 64 connections (one more is closed at once), frames up to the codec's
 * maximum (64 KiB, checked before allocating), 64 workers and 1,024 waiting requests (beyond:
 * RESOURCE_EXHAUSTED, the reader keeps reading); accept survives running out of file descriptors
 * (back-off and retry).
 */
public final class ControlServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private final ControlBounds bounds;

    private final Path path;
    private final String role;
    private final String name;
    private final ControlHandler handler;
    private final FrameCodec codec;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Set<ControlConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile boolean closed;

    private ControlServer(Path path, String role, String name, ControlHandler handler, int maxFrame) throws IOException {
        this.path = path;
        this.role = role;
        this.name = name;
        this.handler = handler;
        this.codec = new FrameCodec(maxFrame);
        this.bounds = ControlBounds.current(); // before binding: a bad setting leaves no socket behind
        this.server = bind(path);
        this.workers = Workers.pool("control-" + role, bounds.workers(), bounds.queued());
        this.acceptor = new Thread(this::acceptLoop, "control-" + role + "-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code path} as {@code role} (for example {@code rtp-port}). */
    public static ControlServer listen(Path path, String role, String name, ControlHandler handler) throws IOException {
        return listen(path, role, name, handler, FrameCodec.DEFAULT_MAX_FRAME);
    }

    public static ControlServer listen(Path path, String role, String name, ControlHandler handler, int maxFrame)
            throws IOException {
        ControlServer s = new ControlServer(path, role, name, handler, maxFrame);
        s.acceptor.start();
        log.info("{} listening for control connections on {}", role, path);
        return s;
    }

    private static ServerSocketChannel bind(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException("control socket path " + path + " exists and is not a socket; refusing to replace it");
            }
            if (isLive(path)) {
                throw new SocketInUseException(path);
            }
            log.info("Replacing stale control socket {} left by a process that is gone", path);
            Files.delete(path);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on control socket " + path + ": " + e.getMessage(), e);
        }
        return ch;
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        AcceptBackoff backoff = new AcceptBackoff();
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
                backoff.succeeded();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                // e.g. "Too many open files": wait and try again, the socket serves once descriptors are free
                if (backoff.failures() % 100 == 0) {
                    log.warn("accept on {} failed ({} so far): {}; retrying in {} ms", path, backoff.failures() + 1,
                            e.getMessage(), backoff.nextPause().toMillis());
                }
                if (!backoff.pause()) {
                    break;
                }
                continue;
            }
            if (connections.size() >= bounds.connections()) {
                log.warn("Refusing control connection on {}: {} connections already", path, bounds.connections());
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // refused anyway
                }
                continue;
            }
            ControlConnection c = new ControlConnection(ch, codec, handler, workers, role, name,
                    "control-" + role + "-conn-" + connectionCount.incrementAndGet());
            connections.add(c);
            c.onClose(() -> connections.remove(c));
            if (closed) {
                c.close();
                break;
            }
            c.start();
        }
    }

    public Path path() {
        return path;
    }

    /** The connections currently open. */
    public List<ControlConnection> connections() {
        return List.copyOf(connections);
    }

    /** Sends {@code event} on every open connection; failures close only the failing connection. */
    public void broadcast(ControlMessage event) {
        for (ControlConnection c : connections) {
            try {
                c.sendEvent(event);
            } catch (ControlException e) {
                log.debug("broadcast to {} failed: {}", c, e.getMessage());
            }
        }
    }

    /** Stops listening, closes every connection, stops the workers and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("close {}: {}", path, e.getMessage());
        }
        connections.forEach(ControlConnection::close);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Could not remove control socket {}: {}", path, e.getMessage());
        }
        log.info("{} stopped listening on {}", role, path);
    }
}
