package org.p2psip.lookup;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The SATO lookup service (interface 3 of the paper's Figure 1/2): a distributed hash table with
 * Bamboo/OpenDHT semantics. Keys are strings; every key holds a set of string values, each with
 * its own time to live.
 *
 * <ul>
 *   <li>{@link #put}: adds {@code value} under {@code key} for {@code ttlSeconds}; putting the same
 *       value again refreshes its TTL.</li>
 *   <li>{@link #get}: every live (unexpired, not removed) value under {@code key}, in no particular
 *       order; an empty list when there is none.</li>
 *   <li>{@link #remove}: removes one value from the key.</li>
 * </ul>
 *
 * <p>Limits ({@link Limits}): keys and values are UTF-8 strings of at most 1024 bytes (keys not
 * empty), TTLs from 1 second to one week. A violation fails the returned future at once with a
 * {@link LookupException} whose {@link LookupException.Reason} says what was wrong. Network
 * trouble fails the future with a {@link LookupException} too (reason {@code UNREACHABLE} or
 * {@code TIMEOUT}). Futures never complete on the caller's thread of a blocking network call.
 */
public interface LookupService extends AutoCloseable {

    /** Stores {@code value} under {@code key} for {@code ttlSeconds} (1 .. 604800). */
    CompletableFuture<Void> put(String key, String value, int ttlSeconds);

    /** Every live value stored under {@code key}. */
    CompletableFuture<List<String>> get(String key);

    /** Removes {@code value} from {@code key}; removing a value that is not there succeeds. */
    CompletableFuture<Void> remove(String key, String value);

    /** Releases the service's threads and sockets (a ring node leaves abruptly; see ChordNode#leave). */
    @Override
    void close();
}
