package org.p2psip.peer.operator;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.p2psip.lookup.LookupService;

/**
 * The lookup service as this peer's Overlay Manager uses it (interface 3), with every operation
 * ({@code put}, {@code get}, {@code remove}) timed from call to completion into the histogram
 * {@code p2psip_lookup_operation_seconds}, labelled by operation and outcome ({@code ok},
 * {@code error}). Everything else passes through unchanged.
 */
public final class TimedLookupService implements LookupService {
    private final LookupService delegate;
    private final Histogram latency;

    public TimedLookupService(LookupService delegate, Histogram latency) {
        this.delegate = delegate;
        this.latency = latency;
    }

    /** The histogram this class fills: lookup-service operations by operation and outcome, in seconds. */
    public static Histogram histogram() {
        return Histogram.builder()
                .name("p2psip_lookup_operation_seconds")
                .help("Lookup-service operations (put, get, remove) of this peer's Overlay Manager, from call to answer, by outcome")
                .labelNames("operation", "outcome")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .build();
    }

    @Override
    public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
        return timed("put", delegate.put(key, value, ttlSeconds));
    }

    @Override
    public CompletableFuture<List<String>> get(String key) {
        return timed("get", delegate.get(key));
    }

    @Override
    public CompletableFuture<Void> remove(String key, String value) {
        return timed("remove", delegate.remove(key, value));
    }

    private <T> CompletableFuture<T> timed(String operation, CompletableFuture<T> f) {
        long t0 = System.nanoTime();
        f.whenComplete((v, e) -> latency.labelValues(operation, e == null ? "ok" : "error").observe((System.nanoTime() - t0) / 1e9));
        return f;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
