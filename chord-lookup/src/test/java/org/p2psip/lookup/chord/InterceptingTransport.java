package org.p2psip.lookup.chord;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.wire.RequestHandler;
import org.p2psip.lookup.wire.RpcFailure;
import org.p2psip.lookup.wire.TcpTransport;
import org.p2psip.lookup.wire.Transport;

/**
 * A real {@link TcpTransport} whose outgoing requests a test can count, delay, or fail (as an
 * unanswered request or as a refusal) by destination and message type.
 */
final class InterceptingTransport implements Transport {
    /** What happens to one outgoing request. */
    enum Action { PASS, TIME_OUT, REFUSE }

    interface Rule {
        Action decide(Address to, int type);
    }

    private final TcpTransport inner = new TcpTransport("test-node", Duration.ofSeconds(10));
    private final Map<Integer, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sentTo = new ConcurrentHashMap<>();
    private final AtomicLong replicatedRecords = new AtomicLong();
    volatile Rule rule = (to, type) -> Action.PASS;
    /** Added before every request of this type is sent (-1: none). */
    volatile int delayType = -1;
    volatile long delayMillis;
    /** Every request to this node is delayed by {@link #slowMillis} (a congested link to it; null: none). */
    volatile Address slowNode;
    volatile long slowMillis;

    /** Requests of {@code type} sent so far (including failed ones). */
    long sent(int type) {
        AtomicLong n = sent.get(type);
        return n == null ? 0 : n.get();
    }

    /** Records sent in REPLICATE requests so far. */
    long replicatedRecords() {
        return replicatedRecords.get();
    }

    /** Requests of {@code type} sent to {@code to} so far. */
    long sent(Address to, int type) {
        AtomicLong n = sentTo.get(to + "/" + type);
        return n == null ? 0 : n.get();
    }

    void resetCounts() {
        sent.clear();
        sentTo.clear();
        replicatedRecords.set(0);
    }

    @Override
    public Address start(Address listen, RequestHandler handler) throws IOException {
        return inner.start(listen, handler);
    }

    private LookupException fault(Address to, int type, byte[] payload) {
        sent.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
        sentTo.computeIfAbsent(to + "/" + type, k -> new AtomicLong()).incrementAndGet();
        if (type == WireMessages.REPLICATE && payload.length >= 4) {
            replicatedRecords.addAndGet(java.nio.ByteBuffer.wrap(payload).getInt() & 0xffffffffL);
        }
        switch (rule.decide(to, type)) {
            case TIME_OUT:
                return new RpcFailure(Reason.TIMEOUT, "node " + to + " did not answer (test)");
            case REFUSE:
                return new LookupException(Reason.NOT_JOINED, "node " + to + " refused (test)");
            default:
                return null;
        }
    }

    @Override
    public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
        LookupException e = fault(to, type, payload);
        if (e != null) {
            throw e;
        }
        long wait = (type == delayType ? delayMillis : 0) + (to.equals(slowNode) ? slowMillis : 0);
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new LookupException(Reason.CLOSED, "interrupted");
            }
        }
        return inner.call(to, type, payload, timeout);
    }

    @Override
    public CompletableFuture<byte[]> callAsync(Address to, int type, byte[] payload, Duration timeout) {
        LookupException e = fault(to, type, payload);
        if (e != null) {
            return CompletableFuture.failedFuture(e);
        }
        long wait = (type == delayType ? delayMillis : 0) + (to.equals(slowNode) ? slowMillis : 0);
        if (wait > 0) {
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> inner.callAsync(to, type, payload, timeout));
        }
        return inner.callAsync(to, type, payload, timeout);
    }

    @Override
    public void close() {
        inner.close();
    }
}
