package org.p2psip.sip.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.lookup.LookupService;

/**
 * A lookup service in one JVM's memory (TTL store, no network): used only by the benchmark to show the
 * P2PSIP-Port's own capacity apart from the DHT's. Every test uses the real Chord ring.
 */
public final class InMemoryLookup implements LookupService {
    private final Map<String, Map<String, Long>> store = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
        store.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(value, System.currentTimeMillis() + ttlSeconds * 1000L);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<String>> get(String key) {
        List<String> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        Map<String, Long> m = store.get(key);
        if (m != null) {
            m.forEach((v, exp) -> {
                if (exp > now) {
                    out.add(v);
                }
            });
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Void> remove(String key, String value) {
        Map<String, Long> m = store.get(key);
        if (m != null) {
            m.remove(value);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        store.clear();
    }
}
