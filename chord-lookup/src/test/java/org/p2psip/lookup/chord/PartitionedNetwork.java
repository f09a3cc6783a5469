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
 * Real TCP transports on loopback whose nodes belong to sites ("A", "B", ...): while the network is
 * {@link #split()}, a request to a node of another site is dropped (the caller waits its whole timeout
 * and gets TIMEOUT, as behind a dead link); {@link #heal()} lets everything through again. One node
 * can be made slow: every request to it waits {@code slowMillis} before it is sent (a request that
 * would wait longer than its timeout times out instead).
 */
final class PartitionedNetwork {
    private final Map<Address, String> siteOf = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean split;
    private volatile Address slowNode;
    private volatile long slowMillis;

    /** A transport for a node at {@code site}. */
    Transport transport(String site) {
        return new Link(site);
    }

    void split() {
        split = true;
    }

    void heal() {
        split = false;
    }

    /** Every request to {@code node} waits {@code millis} (null: none slow). */
    void slow(Address node, long millis) {
        slowMillis = millis;
        slowNode = node;
    }

    long dropped() {
        return dropped.get();
    }

    String siteOf(Address a) {
        return siteOf.get(a);
    }

    private final class Link implements Transport {
        private final String site;
        private final TcpTransport inner = new TcpTransport("test-node", Duration.ofSeconds(10));

        Link(String site) {
            this.site = site;
        }

        @Override
        public Address start(Address listen, RequestHandler handler) throws IOException {
            Address a = inner.start(listen, handler);
            siteOf.put(a, site);
            return a;
        }

        private boolean blocked(Address to) {
            String other = siteOf.get(to);
            return split && other != null && !other.equals(site);
        }

        /** How long a request to {@code to} waits before it is sent (Long.MAX_VALUE: never answered). */
        private long wait(Address to, Duration timeout) {
            if (blocked(to)) {
                dropped.incrementAndGet();
                return Long.MAX_VALUE;
            }
            if (to.equals(slowNode)) {
                return slowMillis >= timeout.toMillis() ? Long.MAX_VALUE : slowMillis;
            }
            return 0;
        }

        @Override
        public byte[] call(Address to, int type, byte[] payload, Duration timeout) {
            long wait = wait(to, timeout);
            long sleep = wait == Long.MAX_VALUE ? timeout.toMillis() : wait;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LookupException(Reason.CLOSED, "interrupted");
                }
            }
            if (wait == Long.MAX_VALUE) {
                throw new RpcFailure(Reason.TIMEOUT, "node " + to + " did not answer within " + timeout.toMillis()
                        + " ms (test network)");
            }
            return inner.call(to, type, payload, timeout.minusMillis(wait));
        }

        @Override
        public CompletableFuture<byte[]> callAsync(Address to, int type, byte[] payload, Duration timeout) {
            long wait = wait(to, timeout);
            if (wait == Long.MAX_VALUE) {
                return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                        .thenApply(v -> {
                            throw new RpcFailure(Reason.TIMEOUT, "node " + to + " did not answer (test network)");
                        });
            }
            if (wait > 0) {
                return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                        .thenCompose(v -> inner.callAsync(to, type, payload, timeout.minusMillis(wait)));
            }
            return inner.callAsync(to, type, payload, timeout);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
