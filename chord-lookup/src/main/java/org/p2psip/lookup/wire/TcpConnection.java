package org.p2psip.lookup.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound connection of {@link TcpTransport} to a remote node: carries any number of concurrent
 * requests, matched to their answers by request id by the connection's reader thread. When the
 * connection ends, every request still waiting fails with an {@link RpcFailure} (UNREACHABLE) and the
 * transport forgets the connection (the next request connects again).
 */
final class TcpConnection {
    // the transport's log category covers all of its parts
    private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

    private final String name;
    private final Address to;
    private final Socket socket;
    private final OutputStream out;
    private final BooleanSupplier transportOpen;
    private final Consumer<TcpConnection> forget;
    private final Map<Integer, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextRequestId = new AtomicInteger();
    private volatile boolean dead;
    /** When the last frame arrived (System.nanoTime). */
    private volatile long lastFrameNanos = System.nanoTime();

    /**
     * @param transportOpen whether the transport is still open (the reader stops when it is not)
     * @param forget        called when the connection ends, to drop it from the transport's pool
     */
    TcpConnection(String name, Address to, Socket socket, BooleanSupplier transportOpen, Consumer<TcpConnection> forget)
            throws IOException {
        this.name = name;
        this.to = to;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.transportOpen = transportOpen;
        this.forget = forget;
    }

    boolean dead() {
        return dead;
    }

    /** A request sent on this connection, waiting for its answer. */
    record Pending(TcpConnection connection, int id, CompletableFuture<Frame> answer, long sentNanos) {
        /** Stops waiting (interrupted, or failed): a late answer is dropped. */
        void abandon() {
            connection.pending.remove(id);
        }

        /**
         * Stops waiting after a timeout. If nothing at all arrived on the connection since the request
         * went out, the path is silent (a network partition, a cut cable): the connection is closed, so
         * that the next request opens a new one instead of queueing behind data TCP keeps
         * retransmitting with ever longer back-off (seen in the lab: rings took 30 s to merge).
         */
        void abandonTimedOut() {
            abandon();
            if (connection.lastFrameNanos - sentNanos < 0) {
                connection.shutdown();
            }
        }
    }

    /**
     * Sends one request frame.
     *
     * @throws RpcFailure (UNREACHABLE) when it cannot be written; the connection is closed then
     */
    Pending send(int type, byte[] payload) {
        int id = nextRequestId.incrementAndGet();
        byte[] frame = FrameCodec.encode(new Frame(type, false, id, payload));
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (out) {
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            shutdown();
            throw new RpcFailure(Reason.UNREACHABLE, "cannot send to " + to + ": " + e.getMessage());
        }
        return new Pending(this, id, answer, System.nanoTime());
    }

    /** The reader: completes the pending requests with their answers until the connection ends. */
    void readLoop() {
        String why = "connection closed";
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Frame f;
            while ((f = FrameCodec.next(in, () -> !dead && transportOpen.getAsBoolean())) != null) {
                if (!f.response()) {
                    throw new MalformedFrameException("unexpected request frame on a client connection");
                }
                lastFrameNanos = System.nanoTime();
                CompletableFuture<Frame> w = pending.remove(f.requestId());
                if (w != null) {
                    w.complete(f);
                } else if (f.requestId() == 0) {
                    // an unsolicited error (version mismatch) before the server closes
                    why = "closed by " + to + ": " + Responses.describe(f);
                }
            }
        } catch (MalformedFrameException e) {
            log.warn("{}: closing connection to {}: {}", name, to, e.getMessage());
            why = "protocol error: " + e.getMessage();
        } catch (IOException e) {
            why = e.getMessage();
        } finally {
            dead = true;
            forget.accept(this);
            TcpServer.closeQuietly(socket);
            RpcFailure failure = new RpcFailure(Reason.UNREACHABLE, "connection to " + to + " lost: " + why);
            for (CompletableFuture<Frame> w : pending.values()) {
                w.completeExceptionally(failure);
            }
            pending.clear();
        }
    }

    /** Closes the connection; the reader then fails what is still pending. */
    void shutdown() {
        dead = true;
        forget.accept(this);
        TcpServer.closeQuietly(socket);
    }
}
