package org.p2psip.lookup.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.p2psip.common.ListenerBounds;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;

/**
 * The wire protocol over TCP: a {@link TcpServer} for the requests that arrive, once
 * {@link #start}ed, and a pool of {@link TcpConnection}s, one per remote node, for the requests this
 * node sends; each carries any number of concurrent requests (matched by request id). A malformed,
 * truncated or oversized frame closes that connection (logged as a warning, under this class's
 * name); the server keeps accepting.
 *
 * <p>Threads (all daemon, all stopped by {@link #close()}): one accept thread, one reader per
 * connection, and the server's worker pool.
 */
public final class TcpTransport implements Transport {
    private volatile String name;
    private final Duration frameReadTimeout;
    private final ListenerBounds bounds;
    private final DaemonThreads threads;
    private final Map<Address, TcpConnection> outbound = new ConcurrentHashMap<>();
    private final Map<Address, Object> connectLocks = new ConcurrentHashMap<>();
    private volatile TcpServer server;
    private volatile boolean closed;
    /** Mutual TLS in a secured overlay; null on an unsecured wire. */
    private final LinkSecurity security;

    /**
     * @param name             prefix of thread names (e.g. "chord-4000")
     * @param frameReadTimeout how long a peer may stall inside a frame before its connection is closed
     */
    public TcpTransport(String name, Duration frameReadTimeout) {
        this(name, frameReadTimeout, (LinkSecurity) null, defaultBounds(frameReadTimeout));
    }

    /**
     * A transport over mutual TLS ({@code security}; null: plain TCP): every connection, both ways,
     * starts with a handshake, and requests that arrive carry the Node-ID of the node that sent them.
     */
    public TcpTransport(String name, Duration frameReadTimeout, LinkSecurity security) {
        this(name, frameReadTimeout, security, defaultBounds(frameReadTimeout));
    }

    /**
     * @param bounds the bounds of its listener (connections, requests in flight, deadlines, frame size)
     */
    public TcpTransport(String name, Duration frameReadTimeout, ListenerBounds bounds) {
        this(name, frameReadTimeout, (LinkSecurity) null, bounds);
    }

    /** Mutual TLS ({@code security}, null: plain TCP) and the bounds of its listener. */
    public TcpTransport(String name, Duration frameReadTimeout, LinkSecurity security, ListenerBounds bounds) {
        this.security = security;
        this.name = name;
        this.frameReadTimeout = frameReadTimeout;
        this.bounds = bounds;
        this.threads = new DaemonThreads(name);
    }

    /**
     * The default bounds of a lookup node's listener: {@link ListenerBounds#defaults} with frames up to
     * {@link FrameCodec#MAX_PAYLOAD} and {@code frameReadTimeout} as the whole-frame read deadline.
     */
    public static ListenerBounds defaultBounds(Duration frameReadTimeout) {
        return ListenerBounds.defaults(FrameCodec.MAX_PAYLOAD).withReadDeadline(frameReadTimeout);
    }

    @Override
    public Address start(Address listen, RequestHandler handler) throws IOException {
        ServerSocket s = security == null ? new ServerSocket() : security.newServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(listen.host(), listen.port()), 128);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        name = name + "-" + s.getLocalPort();
        threads.rename(name);
        TcpServer started = new TcpServer(name, s, handler, frameReadTimeout, threads, security, bounds);
        server = started;
        started.start();
        return new Address(listen.host(), s.getLocalPort());
    }

    /** Inbound connections its listener serves now (0 before start). */
    int connections() {
        TcpServer s = server;
        return s == null ? 0 : s.connections();
    }

    @Override
    public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
        if (closed) {
            throw new LookupException(Reason.CLOSED, "transport is closed");
        }
        TcpConnection.Pending p = connection(to, timeout).send(type, payload);
        Frame resp;
        try {
            resp = p.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.abandonTimedOut();
            throw failure(to, e, timeout);
        } catch (ExecutionException e) {
            p.abandon();
            throw failure(to, e.getCause(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.abandon();
            throw new LookupException(Reason.CLOSED, "interrupted while waiting for " + to);
        }
        return Responses.unwrap(to, resp.payload());
    }

    @Override
    public CompletableFuture<byte[]> callAsync(Address to, int type, byte[] payload, Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(new LookupException(Reason.CLOSED, "transport is closed"));
        }
        TcpConnection.Pending p;
        try {
            // connecting (only when there is no connection yet) blocks, for at most the timeout
            p = connection(to, timeout).send(type, payload);
        } catch (LookupException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        p.answer().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((resp, e) -> {
            if (e == null) {
                try {
                    result.complete(Responses.unwrap(to, resp.payload()));
                } catch (LookupException le) {
                    result.completeExceptionally(le);
                }
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                p.abandonTimedOut();
            } else {
                p.abandon();
            }
            result.completeExceptionally(failure(to, cause, timeout));
        });
        return result;
    }

    /** What a request that got no answer fails with: TIMEOUT, the connection's own failure, or UNREACHABLE. */
    private static LookupException failure(Address to, Throwable cause, Duration timeout) {
        if (cause instanceof TimeoutException) {
            return new RpcFailure(Reason.TIMEOUT, "node " + to + " did not answer within " + timeout.toMillis() + " ms");
        }
        if (cause instanceof LookupException) {
            return (LookupException) cause;
        }
        return new RpcFailure(Reason.UNREACHABLE, "request to " + to + " failed: " + cause);
    }

    /** The open connection to {@code to}, connecting (at most {@code timeout}) when there is none. */
    private TcpConnection connection(Address to, Duration timeout) {
        TcpConnection c = outbound.get(to);
        if (c != null && !c.dead()) {
            return c;
        }
        synchronized (connectLocks.computeIfAbsent(to, k -> new Object())) {
            c = outbound.get(to);
            if (c != null && !c.dead()) {
                return c;
            }
            Socket s;
            try {
                s = security == null ? new Socket() : security.newSocket();
            } catch (IOException e) {
                throw new RpcFailure(Reason.UNREACHABLE, "cannot open a socket to " + to + ": " + e.getMessage());
            }
            try {
                s.setTcpNoDelay(true);
                InetSocketAddress sa = new InetSocketAddress(to.host(), to.port());
                if (sa.isUnresolved()) {
                    throw new UnknownHostException("unknown host " + to.host());
                }
                s.connect(sa, (int) Math.max(1, timeout.toMillis()));
                if (security != null) {
                    s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                    try {
                        security.handshake(s);
                    } catch (IOException e) {
                        throw new IOException("TLS with " + to + " failed: " + e.getMessage(), e);
                    }
                }
                s.setSoTimeout((int) frameReadTimeout.toMillis());
                c = new TcpConnection(name, to, s, () -> !closed, dead -> outbound.remove(to, dead));
            } catch (SocketTimeoutException e) {
                TcpServer.closeQuietly(s);
                throw new RpcFailure(Reason.TIMEOUT, "cannot connect to " + to + ": timed out after " + timeout.toMillis() + " ms");
            } catch (IOException e) {
                TcpServer.closeQuietly(s);
                throw new RpcFailure(Reason.UNREACHABLE, "cannot connect to " + to + ": " + e.getMessage());
            }
            outbound.put(to, c);
            if (closed) {
                c.shutdown();
                throw new LookupException(Reason.CLOSED, "transport is closed");
            }
            threads.newThread(c::readLoop).start();
            return c;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (TcpConnection o : outbound.values()) {
            o.shutdown();
        }
        outbound.clear();
        TcpServer s = server;
        if (s != null) {
            s.close(); // last: its workers may be waiting for answers on the connections above
        }
    }
}
