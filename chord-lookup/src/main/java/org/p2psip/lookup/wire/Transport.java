package org.p2psip.lookup.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Address;

/**
 * How a node exchanges requests with other nodes: {@link TcpTransport} (the real thing) or
 * {@link InProcessNetwork} (many nodes in one JVM for the benchmark, same node code).
 */
public interface Transport extends AutoCloseable {

    /** Starts serving {@code handler} at {@code listen}; returns the bound address (port 0 resolved). */
    Address start(Address listen, RequestHandler handler) throws IOException;

    /**
     * Sends one request and waits for its answer. Returns the body of an OK response; an error
     * response throws a {@link org.p2psip.lookup.LookupException} with the remote reason, and a
     * failure to get any answer throws an {@link RpcFailure}.
     */
    byte[] call(Address to, int type, byte[] payload, Duration timeout);

    /**
     * Sends one request without waiting for its answer: the future completes with the body of an OK
     * response, or exceptionally with the {@link org.p2psip.lookup.LookupException} that
     * {@link #call} would throw, within about {@code timeout}. Several requests to several nodes can
     * so be in flight from one thread. This default runs {@link #call} on the caller's thread.
     */
    default CompletableFuture<byte[]> callAsync(Address to, int type, byte[] payload, Duration timeout) {
        try {
            return CompletableFuture.completedFuture(call(to, type, payload, timeout));
        } catch (LookupException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Closes the server and every connection at once. */
    @Override
    void close();
}
