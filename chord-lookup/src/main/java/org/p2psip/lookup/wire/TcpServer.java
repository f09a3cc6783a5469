package org.p2psip.lookup.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.net.SocketTimeoutException;
import org.p2psip.common.AcceptBackoff;
import org.p2psip.common.ConnectionGate;
import org.p2psip.common.ListenerBounds;
import org.p2psip.common.SocketDeadlines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving half of {@link TcpTransport}: accepts connections and reads request frames from each,
 * serving every request on a worker pool so that a slow request never blocks its connection. A
 * malformed, truncated or oversized frame closes that connection (logged as a warning); the server
 * keeps accepting. Within its {@link ListenerBounds}: connections beyond them get an OVERLOADED error
 * frame and are closed, a frame must arrive whole within the read deadline, an answer be taken within
 * the write timeout, idle connections are closed, and accept survives running out of descriptors.
 * Threads: one accept thread and one reader per connection (at most {@code maxConnections}, from the
 * transport's factory), at most {@value #MAX_WORKERS} workers and one deadline timer; all stopped by
 * {@link #close()}.
 */
final class TcpServer {
    // the transport's log category covers both of its halves
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    /** Requests served at once by one node, over all its connections; beyond them: OVERLOADED. */
    static final int MAX_WORKERS = 256;

    private final String name;
    private final ServerSocket server;
    private final RequestHandler handler;
    private final Duration frameReadTimeout;
    private final DaemonThreads threads;
    private final ExecutorService workers;
    /** Mutual TLS; null on an unsecured wire. */
    private final LinkSecurity security;
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private final ListenerBounds bounds;
    private final ConnectionGate gate;
    private final SocketDeadlines deadlines;
    private volatile boolean closed;

    /** Will serve {@code handler} on the bound {@code server} socket, once {@link #start()}ed. */
    TcpServer(String name, ServerSocket server, RequestHandler handler, Duration frameReadTimeout, DaemonThreads threads,
            LinkSecurity security, ListenerBounds bounds) {
        this.security = security;
        this.name = name;
        this.server = server;
        this.handler = handler;
        this.frameReadTimeout = frameReadTimeout;
        this.threads = threads;
        this.bounds = bounds;
        this.gate = new ConnectionGate(bounds);
        this.deadlines = new SocketDeadlines(name);
        this.workers = new DaemonThreads(name + "-worker").boundedPool(MAX_WORKERS);
    }

    void start() {
        threads.newThread(this::acceptLoop).start();
    }

    private void acceptLoop() {
        AcceptBackoff backoff = new AcceptBackoff();
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
                backoff.succeeded();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // e.g. "Too many open files": keep the listener, try again once descriptors are free
                if (backoff.failures() % 100 == 0) {
                    log.warn("{}: accept failed ({} so far): {}; retrying in {} ms", name, backoff.failures() + 1,
                            e.getMessage(), backoff.nextPause().toMillis());
                }
                if (!backoff.pause()) {
                    return;
                }
                continue;
            }
            String refused = gate.admit(c.getInetAddress());
            if (refused != null) {
                shed(c, refused);
                continue;
            }
            try {
                c.setTcpNoDelay(true);
                c.setSoTimeout((int) frameReadTimeout.toMillis());
                inbound.add(c);
                if (closed) {
                    release(c);
                    return;
                }
                threads.newThread(() -> serve(c)).start();
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // OutOfMemoryError here is "unable to create native thread": shed, keep accepting
                log.warn("{}: cannot serve connection from {}: {}", name, c.getRemoteSocketAddress(), e.toString());
                release(c);
            }
        }
    }

    /** Refuses a connection beyond the bounds with an error frame (request id 0), then closes it. */
    private void shed(Socket c, String why) {
        long n = gate.refused();
        if (n == 1 || n % 1000 == 0) {
            log.warn("{}: refusing connection from {}: {} ({} refused so far)", name, c.getRemoteSocketAddress(), why, n);
        }
        try {
            c.setSoLinger(true, 0);
            // a fresh connection's send buffer is empty: this small write does not block
            c.getOutputStream().write(FrameCodec.encode(new Frame(1, true, 0, Responses.error(ErrorCodes.OVERLOADED, why))));
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(c);
    }

    private void release(Socket c) {
        if (inbound.remove(c)) {
            gate.release(c.getInetAddress());
        }
        closeQuietly(c);
    }

    /**
     * The reader of one connection: a whole frame must arrive within the read deadline once its first
     * byte has; a connection silent for the idle timeout is closed; at most
     * {@code maxInFlightPerConnection} of its requests are served at once: the reader stops reading
     * until one is done (a client pipelining requests it never reads the answers of is then cut by
     * the write timeout), and a request that waited the write timeout for its turn gets OVERLOADED.
     */
    private void serve(Socket c) {
        String peer = String.valueOf(c.getRemoteSocketAddress());
        org.p2psip.lookup.ring.Id caller = null;
        if (security != null) {
            try {
                caller = security.handshake(c); // bounded by the frame read timeout
                peer = peer + " (node " + caller.shortHex() + ")";
            } catch (IOException e) {
                log.warn("{}: refused connection from {}: TLS: {}", name, peer, e.getMessage());
                release(c);
                closeQuietly(c);
                return;
            }
        }
        org.p2psip.lookup.ring.Id from = caller;
        String who = peer;
        Semaphore inFlight = new Semaphore(bounds.maxInFlightPerConnection());
        try {
            BufferedInputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = new BufferedOutputStream(c.getOutputStream());
            long lastFrame = System.nanoTime();
            while (!closed) {
                Frame f;
                try {
                    f = readWithinDeadline(c, in, peer);
                } catch (SocketTimeoutException idle) {
                    if (System.nanoTime() - lastFrame > bounds.idleTimeout().toNanos()) {
                        log.debug("{}: closing connection from {}: idle for {} s", name, peer, bounds.idleTimeout().toSeconds());
                        break;
                    }
                    continue;
                }
                if (f == null) {
                    break;
                }
                lastFrame = System.nanoTime();
                if (f.response()) {
                    throw new MalformedFrameException("unexpected response frame (type " + f.type() + ") on a server connection");
                }
                Frame req = f;
                if (!inFlight.tryAcquire(bounds.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    send(c, out, peer, req, Responses.error(ErrorCodes.OVERLOADED, "more than "
                            + bounds.maxInFlightPerConnection() + " requests in flight on this connection"));
                    continue;
                }
                try {
                    workers.execute(() -> {
                        try {
                            respond(c, out, who, req, from);
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.release();
                    if (closed) {
                        break;
                    }
                    send(c, out, peer, req, Responses.error(ErrorCodes.OVERLOADED, "all workers busy"));
                }
            }
        } catch (MalformedFrameException e) {
            log.warn("{}: closing connection from {}: {}", name, peer, e.getMessage());
            if (e.versionMismatch()) {
                try {
                    OutputStream out = c.getOutputStream();
                    out.write(FrameCodec.encode(new Frame(1, true, 0,
                            Responses.error(ErrorCodes.VERSION_MISMATCH, e.getMessage()))));
                    out.flush();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("{}: connection from {} ended: {}", name, peer, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(c);
        }
    }

    /** The next frame, or null at the end of the stream; SocketTimeoutException while idle. */
    private Frame readWithinDeadline(Socket c, BufferedInputStream in, String peer) throws IOException, MalformedFrameException {
        in.mark(1);
        if (in.read() < 0) {
            return null;
        }
        in.reset();
        SocketDeadlines.Deadline d = deadlines.start(c, bounds.readDeadline(), () -> log.warn(
                "{}: closing connection from {}: peer stalled, no whole frame within {} ms", name, peer, bounds.readDeadline().toMillis()));
        try {
            return FrameCodec.read(in);
        } finally {
            d.cancel();
        }
    }

    private void respond(Socket c, OutputStream out, String peer, Frame req, org.p2psip.lookup.ring.Id caller) {
        byte[] body;
        try {
            body = Responses.answer(handler, req.type(), req.payload(), caller, c.getInetAddress());
        } catch (MalformedFrameException e) {
            log.warn("{}: closing connection from {}: malformed request (type {}): {}", name, peer, req.type(), e.getMessage());
            closeQuietly(c); // its reader then ends and releases it
            return;
        } catch (RuntimeException e) {
            log.warn("{}: internal error serving request type {} from {}", name, req.type(), peer, e);
            body = Responses.error(ErrorCodes.INTERNAL, "internal error: " + e);
        }
        send(c, out, peer, req, body);
    }

    /** Writes the answer to {@code req}; a write that takes longer than the write timeout closes the connection. */
    private void send(Socket c, OutputStream out, String peer, Frame req, byte[] body) {
        byte[] frame;
        try {
            frame = FrameCodec.encode(new Frame(req.type(), true, req.requestId(), body));
        } catch (IllegalArgumentException tooLarge) {
            // never leave a request unanswered: the caller gets an error instead of a timeout
            log.warn("{}: answer to request type {} from {} is too large for one frame: {}", name, req.type(), peer,
                    tooLarge.getMessage());
            frame = FrameCodec.encode(new Frame(req.type(), true, req.requestId(),
                    Responses.error(ErrorCodes.VALUE_TOO_LARGE, "answer too large for one frame: " + tooLarge.getMessage())));
        }
        synchronized (out) {
            SocketDeadlines.Deadline d = deadlines.start(c, bounds.writeTimeout(), () -> log.warn(
                    "{}: closing connection from {}: it took no answer for {} ms", name, peer, bounds.writeTimeout().toMillis()));
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                log.debug("{}: cannot answer {}: {}", name, peer, e.toString());
                closeQuietly(c);
            } finally {
                d.cancel();
            }
        }
    }

    /** Closes the server socket and every inbound connection; stops the workers. */
    void close() {
        closed = true;
        closeQuietly(server);
        for (Socket c : inbound) {
            closeQuietly(c);
        }
        inbound.clear();
        workers.shutdownNow();
        deadlines.close();
    }

    /** Connections served now. */
    int connections() {
        return gate.open();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
