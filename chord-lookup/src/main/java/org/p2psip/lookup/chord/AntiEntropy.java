package org.p2psip.lookup.chord;

import java.util.List;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.ValueStore;

/**
 * The anti-entropy sweep of {@link ReplicaRepair} (in the spirit of Bamboo's and Dynamo's periodic
 * replica synchronisation; the Chord paper leaves replica maintenance to the application, "Failures and Replication"):
 * every repair round treats the next slice of the store, in ring order, as changed, so that what the
 * targeted pushes cannot see (a node restarted at the same address before anyone noticed, a copy
 * lost in a race) is repaired without a burst. The slice is sized so that the sweep covers the whole
 * store once every {@link #SWEEP_ROUNDS} rounds, and not faster than once per
 * {@link #SWEEP_MIN_MILLIS}. Used under the repair lock only.
 */
final class AntiEntropy {
    /** The anti-entropy sweep covers the whole store once every this many rounds ... */
    static final int SWEEP_ROUNDS = 10;
    /** ... but not faster than once in this time. */
    static final long SWEEP_MIN_MILLIS = 30_000;

    private final ValueStore store;
    private Id sweepCursor;

    AntiEntropy(ValueStore store) {
        this.store = store;
    }

    /**
     * The next keys of the sweep: the share of the store that {@code elapsed} ms (the time since the
     * last round) is of the sweep period, at least one key; none in the first round.
     */
    List<Id> nextSlice(long elapsed) {
        int keys = store.keyCount();
        if (keys == 0 || elapsed == 0) {
            return List.of();
        }
        long period = Math.max(SWEEP_MIN_MILLIS, SWEEP_ROUNDS * elapsed);
        int n = (int) Math.min(keys, Math.max(1, (long) Math.ceil(keys * (double) elapsed / period)));
        List<Id> slice = store.keysAfter(sweepCursor, n);
        if (!slice.isEmpty()) {
            sweepCursor = slice.get(slice.size() - 1);
        }
        return slice;
    }
}
