package org.p2psip.lookup;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Skeleton of a {@link LookupService} whose operations are blocking calls: {@link #put}, {@link #get}
 * and {@link #remove} run {@link #putSync}, {@link #getValues} and {@link #removeSync} on the
 * implementation's worker pool, so that a future never completes on the caller's thread. Once
 * {@link #isClosed()} (or the pool refuses work) a call fails at once with
 * {@link LookupException.Reason#CLOSED}. Extended by the ring node ({@code chord.ChordNode}) and the
 * client that uses the ring without joining it ({@code client.RemoteLookupClient}).
 */
public abstract class AbstractLookupService implements LookupService {
    private final ExecutorService workers;
    private final String what;

    /**
     * @param workers the pool the operations run on (the implementation shuts it down on close)
     * @param what    what the service is, for the error message ("lookup node is closed")
     */
    protected AbstractLookupService(ExecutorService workers, String what) {
        this.workers = workers;
        this.what = what;
    }

    /** Stores a value, blocking; returns the routing hops it took. */
    protected abstract int putSync(String key, String value, int ttlSeconds);

    /** Every live value of {@code key}, blocking. */
    protected abstract List<String> getValues(String key);

    /** Removes a value, blocking; returns the routing hops it took. */
    protected abstract int removeSync(String key, String value);

    /** Whether the service is closed: calls fail at once. */
    protected abstract boolean isClosed();

    @Override
    public final CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
        return async(() -> {
            putSync(key, value, ttlSeconds);
            return null;
        });
    }

    @Override
    public final CompletableFuture<List<String>> get(String key) {
        return async(() -> getValues(key));
    }

    @Override
    public final CompletableFuture<Void> remove(String key, String value) {
        return async(() -> {
            removeSync(key, value);
            return null;
        });
    }

    /** Runs {@code op} on the worker pool. */
    protected final <T> CompletableFuture<T> async(Supplier<T> op) {
        if (isClosed()) {
            return CompletableFuture.failedFuture(new LookupException(LookupException.Reason.CLOSED, what + " is closed"));
        }
        try {
            return CompletableFuture.supplyAsync(op, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new LookupException(LookupException.Reason.CLOSED, what + " is closed"));
        }
    }

    /** The worker pool, e.g. for work a request starts in the background. */
    protected final ExecutorService workers() {
        return workers;
    }
}
