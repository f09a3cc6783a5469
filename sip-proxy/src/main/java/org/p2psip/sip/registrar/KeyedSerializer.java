package org.p2psip.sip.registrar;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after the other per key (one user's REGISTERs, expiries and
 * lookup-service updates never overtake each other) while different keys run in parallel.
 */
final class KeyedSerializer {
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    /** Starts {@code op} once every earlier operation on {@code key} has finished. */
    <T> CompletableFuture<T> submit(String key, Supplier<CompletableFuture<T>> op) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (tails) {
            previous = tails.put(key, gate);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> f;
            try {
                f = op.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, e) -> {
                synchronized (tails) {
                    tails.remove(key, gate);
                }
                gate.complete(null);
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
        };
        if (previous == null) {
            start.run();
        } else {
            previous.whenComplete((v, e) -> start.run());
        }
        return result;
    }

    int pending() {
        synchronized (tails) {
            return tails.size();
        }
    }
}
