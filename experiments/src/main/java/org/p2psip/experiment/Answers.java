package org.p2psip.experiment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small helpers for agent answers and for driving two agents at the same time. */
public final class Answers {

    private Answers() {
    }

    /** Field {@code i} (0-based) of an answer line. */
    public static String field(String answer, int i) {
        return answer.split(" ")[i];
    }

    public static int intField(String answer, int i) {
        return Integer.parseInt(field(answer, i));
    }

    /** Runs both at once (as two peers would punch at once) and returns both answers. */
    public static String[] both(Supplier<String> a, Supplier<String> b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<String> fa = CompletableFuture.supplyAsync(a, pool);
            CompletableFuture<String> fb = CompletableFuture.supplyAsync(b, pool);
            return new String[] {fa.get(120, TimeUnit.SECONDS), fb.get(120, TimeUnit.SECONDS)};
        } finally {
            pool.shutdownNow();
        }
    }
}
