package org.p2psip.lookup.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire protocol over TCP. One outbound connection per remote node carries any number of
 * concurrent requests (matched by request id); inbound requests are served on a worker pool, so a
 * slow request never blocks the connection. A malformed, truncated or oversized frame closes that
 * connection (logged as a warning); the server keeps accepting.
 *
 * <p>Threads (all daemon, all stopped by {@link #close()}): one accept thread, one reader per
 * connection, and the worker pool.
 */
public final class TcpTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    private volatile String name;
    private final DaemonThreads workerThreads;
    private final Duration frameReadTimeout;
    private final DaemonThreads threads;
    private final ExecutorService workers;
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private final Map<Address, Outbound> outbound = new ConcurrentHashMap<>();
    private final Map<Address, Object> connectLocks = new ConcurrentHashMap<>();
    private final AtomicInteger nextRequestId = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * @param name             prefix of thread names (e.g. "chord-4000")
     * @param frameReadTimeout how long a peer may stall inside a frame before its connection is closed
     */
    public TcpTransport(String name, Duration frameReadTimeout) {
        this.name = name;
        this.frameReadTimeout = frameReadTimeout;
        this.threads = new DaemonThreads(name);
        this.workerThreads = new DaemonThreads(name + "-worker");
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), workerThreads);
    }

    @Override
    public Address start(Address listen, RequestHandler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(listen.host(), listen.port()), 128);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        server = s;
        name = name + "-" + s.getLocalPort();
        threads.rename(name);
        workerThreads.rename(name + "-worker");
        threads.newThread(() -> acceptLoop(s, handler)).start();
        return new Address(listen.host(), s.getLocalPort());
    }

    private void acceptLoop(ServerSocket s, RequestHandler handler) {
        while (!closed) {
            Socket c;
            try {
                c = s.accept();
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
                threads.newThread(() -> serve(c, handler)).start();
            } catch (IOException | RuntimeException e) {
                log.warn("{}: cannot serve connection from {}: {}", name, c.getRemoteSocketAddress(), e.toString());
                inbound.remove(c);
                closeQuietly(c);
            }
        }
    }

    private void serve(Socket c, RequestHandler handler) {
        String peer = String.valueOf(c.getRemoteSocketAddress());
        try {
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = new BufferedOutputStream(c.getOutputStream());
            while (!closed) {
                Frame f;
                try {
                    f = FrameCodec.read(in);
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                if (f == null) {
                    break;
                }
                if (f.response()) {
                    throw new MalformedFrameException("unexpected response frame (type " + f.type() + ") on a server connection");
                }
                Frame req = f;
                try {
                    workers.execute(() -> respond(c, out, peer, req, handler));
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
                            error(ErrorCodes.VERSION_MISMATCH, e.getMessage()))));
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

    private void respond(Socket c, OutputStream out, String peer, Frame req, RequestHandler handler) {
        byte[] body;
        try {
            byte[] ok = handler.handle(req.type(), req.payload());
            body = new byte[ok.length + 1];
            System.arraycopy(ok, 0, body, 1, ok.length);
        } catch (MalformedFrameException e) {
            log.warn("{}: closing connection from {}: malformed request (type {}): {}", name, peer, req.type(), e.getMessage());
            inbound.remove(c);
            closeQuietly(c);
            return;
        } catch (LookupException e) {
            body = error(ErrorCodes.of(e.reason()), e.getMessage());
        } catch (UnknownTypeException e) {
            body = error(ErrorCodes.UNKNOWN_TYPE, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: internal error serving request type {} from {}", name, req.type(), peer, e);
            body = error(ErrorCodes.INTERNAL, "internal error: " + e);
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

    static byte[] error(int code, String message) {
        String m = message == null ? "" : message;
        if (m.length() > 2000) {
            m = m.substring(0, 2000);
        }
        return new PayloadWriter().u8(code).string(m).toBytes();
    }

    @Override
    public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
        if (closed) {
            throw new LookupException(Reason.CLOSED, "transport is closed");
        }
        Outbound c = connection(to, timeout);
        int id = nextRequestId.incrementAndGet();
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        c.pending.put(id, answer);
        try {
            c.send(FrameCodec.encode(new Frame(type, false, id, payload)));
        } catch (IOException e) {
            c.pending.remove(id);
            c.shutdown();
            throw new RpcFailure(Reason.UNREACHABLE, "cannot send to " + to + ": " + e.getMessage());
        }
        Frame resp;
        try {
            resp = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            c.pending.remove(id);
            throw new RpcFailure(Reason.TIMEOUT, "node " + to + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LookupException) {
                throw (LookupException) cause;
            }
            throw new RpcFailure(Reason.UNREACHABLE, "request to " + to + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.pending.remove(id);
            throw new LookupException(Reason.CLOSED, "interrupted while waiting for " + to);
        }
        return unwrapResponse(to, resp.payload());
    }

    @Override
    public CompletableFuture<byte[]> callAsync(Address to, int type, byte[] payload, Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(new LookupException(Reason.CLOSED, "transport is closed"));
        }
        Outbound c;
        try {
            // connecting (only when there is no connection yet) blocks, for at most the timeout
            c = connection(to, timeout);
        } catch (LookupException e) {
            return CompletableFuture.failedFuture(e);
        }
        int id = nextRequestId.incrementAndGet();
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        c.pending.put(id, answer);
        try {
            c.send(FrameCodec.encode(new Frame(type, false, id, payload)));
        } catch (IOException e) {
            c.pending.remove(id);
            c.shutdown();
            return CompletableFuture.failedFuture(new RpcFailure(Reason.UNREACHABLE, "cannot send to " + to + ": " + e.getMessage()));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((resp, e) -> {
            if (e == null) {
                try {
                    result.complete(unwrapResponse(to, resp.payload()));
                } catch (LookupException le) {
                    result.completeExceptionally(le);
                }
                return;
            }
            c.pending.remove(id);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                result.completeExceptionally(new RpcFailure(Reason.TIMEOUT,
                        "node " + to + " did not answer within " + timeout.toMillis() + " ms"));
            } else if (cause instanceof LookupException) {
                result.completeExceptionally(cause);
            } else {
                result.completeExceptionally(new RpcFailure(Reason.UNREACHABLE, "request to " + to + " failed: " + cause));
            }
        });
        return result;
    }

    /** The body of an OK response, or the error it carries as a LookupException. */
    static byte[] unwrapResponse(Address from, byte[] payload) {
        if (payload.length == 0) {
            throw new RpcFailure(Reason.PROTOCOL, "empty response from " + from);
        }
        int status = payload[0] & 0xff;
        if (status == ErrorCodes.OK) {
            byte[] body = new byte[payload.length - 1];
            System.arraycopy(payload, 1, body, 0, body.length);
            return body;
        }
        String msg;
        try {
            msg = new PayloadReader(payload, 1).string();
        } catch (MalformedFrameException e) {
            throw new RpcFailure(Reason.PROTOCOL, "malformed error response from " + from);
        }
        if (status == ErrorCodes.VERSION_MISMATCH) {
            throw new RpcFailure(Reason.PROTOCOL, "node " + from + ": " + msg);
        }
        throw new LookupException(ErrorCodes.reason(status), "node " + from + ": " + msg);
    }

    private Outbound connection(Address to, Duration timeout) {
        Outbound c = outbound.get(to);
        if (c != null && !c.dead) {
            return c;
        }
        synchronized (connectLocks.computeIfAbsent(to, k -> new Object())) {
            c = outbound.get(to);
            if (c != null && !c.dead) {
                return c;
            }
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                InetSocketAddress sa = new InetSocketAddress(to.host(), to.port());
                if (sa.isUnresolved()) {
                    throw new UnknownHostException("unknown host " + to.host());
                }
                s.connect(sa, (int) Math.max(1, timeout.toMillis()));
                s.setSoTimeout((int) frameReadTimeout.toMillis());
                c = new Outbound(to, s);
            } catch (SocketTimeoutException e) {
                closeQuietly(s);
                throw new RpcFailure(Reason.TIMEOUT, "cannot connect to " + to + ": timed out after " + timeout.toMillis() + " ms");
            } catch (IOException e) {
                closeQuietly(s);
                throw new RpcFailure(Reason.UNREACHABLE, "cannot connect to " + to + ": " + e.getMessage());
            }
            outbound.put(to, c);
            if (closed) {
                c.shutdown();
                throw new LookupException(Reason.CLOSED, "transport is closed");
            }
            Outbound started = c;
            threads.newThread(started::readLoop).start();
            return c;
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket s = server;
        if (s != null) {
            closeQuietly(s);
        }
        for (Socket c : inbound) {
            closeQuietly(c);
        }
        inbound.clear();
        for (Outbound o : outbound.values()) {
            o.shutdown();
        }
        outbound.clear();
        workers.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }

    /** One outbound connection and its reader. */
    private final class Outbound {
        final Address to;
        final Socket socket;
        final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
        final OutputStream out;
        volatile boolean dead;

        Outbound(Address to, Socket socket) throws IOException {
            this.to = to;
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream());
        }

        void send(byte[] frame) throws IOException {
            synchronized (out) {
                out.write(frame);
                out.flush();
            }
        }

        void readLoop() {
            String why = "connection closed";
            try {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                while (!dead && !closed) {
                    Frame f;
                    try {
                        f = FrameCodec.read(in);
                    } catch (SocketTimeoutException idle) {
                        continue;
                    }
                    if (f == null) {
                        break;
                    }
                    if (!f.response()) {
                        throw new MalformedFrameException("unexpected request frame on a client connection");
                    }
                    CompletableFuture<Frame> w = pending.remove(f.requestId());
                    if (w != null) {
                        w.complete(f);
                    } else if (f.requestId() == 0) {
                        // an unsolicited error (version mismatch) before the server closes
                        why = "closed by " + to + ": " + describe(f);
                    }
                }
            } catch (MalformedFrameException e) {
                log.warn("{}: closing connection to {}: {}", name, to, e.getMessage());
                why = "protocol error: " + e.getMessage();
            } catch (IOException e) {
                why = e.getMessage();
            } finally {
                dead = true;
                outbound.remove(to, this);
                closeQuietly(socket);
                RpcFailure failure = new RpcFailure(Reason.UNREACHABLE, "connection to " + to + " lost: " + why);
                for (CompletableFuture<Frame> w : pending.values()) {
                    w.completeExceptionally(failure);
                }
                pending.clear();
            }
        }

        void shutdown() {
            dead = true;
            outbound.remove(to, this);
            closeQuietly(socket);
        }
    }

    private static String describe(Frame f) {
        try {
            unwrapResponse(new Address("peer", 0), f.payload());
            return "unexpected answer";
        } catch (LookupException e) {
            return e.getMessage();
        }
    }
}
