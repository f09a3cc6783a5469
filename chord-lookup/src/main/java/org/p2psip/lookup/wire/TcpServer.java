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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving half of {@link TcpTransport}: accepts connections and reads request frames from each,
 * serving every request on a worker pool so that a slow request never blocks its connection. A
 * malformed, truncated or oversized frame closes that connection (logged as a warning); the server
 * keeps accepting. Threads: one accept thread and one reader per connection (from the transport's
 * factory), and the worker pool; all stopped by {@link #close()}.
 */
final class TcpServer {
    // the transport's log category covers both of its halves
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    private final String name;
    private final ServerSocket server;
    private final RequestHandler handler;
    private final Duration frameReadTimeout;
    private final DaemonThreads threads;
    private final ExecutorService workers;
    /** Mutual TLS; null on an unsecured wire. */
    private final LinkSecurity security;
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Will serve {@code handler} on the bound {@code server} socket, once {@link #start()}ed. */
    TcpServer(String name, ServerSocket server, RequestHandler handler, Duration frameReadTimeout, DaemonThreads threads,
            LinkSecurity security) {
        this.security = security;
        this.name = name;
        this.server = server;
        this.handler = handler;
        this.frameReadTimeout = frameReadTimeout;
        this.threads = threads;
        this.workers = new DaemonThreads(name + "-worker").cachedPool();
    }

    void start() {
        threads.newThread(this::acceptLoop).start();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("{}: accept failed: {}", name, e.getMessage());
                }
                return;
            }
            try {
                c.setTcpNoDelay(true);
                c.setSoTimeout((int) frameReadTimeout.toMillis());
                inbound.add(c);
                if (closed) {
                    closeQuietly(c);
                    return;
                }
                threads.newThread(() -> serve(c)).start();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: cannot serve connection from {}: {}", name, c.getRemoteSocketAddress(), e.toString());
                inbound.remove(c);
                closeQuietly(c);
            }
        }
    }

    private void serve(Socket c) {
        String peer = String.valueOf(c.getRemoteSocketAddress());
        org.p2psip.lookup.ring.Id caller = null;
        if (security != null) {
            try {
                caller = security.handshake(c); // bounded by the frame read timeout
                peer = peer + " (node " + caller.shortHex() + ")";
            } catch (IOException e) {
                log.warn("{}: refused connection from {}: TLS: {}", name, peer, e.getMessage());
                inbound.remove(c);
                closeQuietly(c);
                return;
            }
        }
        org.p2psip.lookup.ring.Id from = caller;
        String who = peer;
        try {
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = new BufferedOutputStream(c.getOutputStream());
            Frame f;
            while ((f = FrameCodec.next(in, () -> !closed)) != null) {
                if (f.response()) {
                    throw new MalformedFrameException("unexpected response frame (type " + f.type() + ") on a server connection");
                }
                Frame req = f;
                try {
                    workers.execute(() -> respond(c, out, who, req, from));
                } catch (RejectedExecutionException e) {
                    break;
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
        } finally {
            inbound.remove(c);
            closeQuietly(c);
        }
    }

    private void respond(Socket c, OutputStream out, String peer, Frame req, org.p2psip.lookup.ring.Id caller) {
        byte[] body;
        try {
            body = Responses.answer(handler, req.type(), req.payload(), caller);
        } catch (MalformedFrameException e) {
            log.warn("{}: closing connection from {}: malformed request (type {}): {}", name, peer, req.type(), e.getMessage());
            inbound.remove(c);
            closeQuietly(c);
            return;
        } catch (RuntimeException e) {
            log.warn("{}: internal error serving request type {} from {}", name, req.type(), peer, e);
            body = Responses.error(ErrorCodes.INTERNAL, "internal error: " + e);
        }
        byte[] frame = FrameCodec.encode(new Frame(req.type(), true, req.requestId(), body));
        synchronized (out) {
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                log.debug("{}: cannot answer {}: {}", name, peer, e.toString());
                closeQuietly(c);
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
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
