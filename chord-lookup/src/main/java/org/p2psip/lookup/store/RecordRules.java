package org.p2psip.lookup.store;

import org.p2psip.lookup.LookupException;

/**
 * What a node's store admits, in a secured overlay: every value that arrives (a put or removal
 * accepted here, or a record another node replicates or hands over) is checked, and its storage time
 * and expiry are the writer's signed ones rather than the sender's say. {@link #NONE}: everything is
 * admitted as it comes (an unsecured overlay).
 */
public interface RecordRules {
    /** The times a checked value carries: its storage time (the record's stamp) and the latest expiry. */
    record Admission(long storageTime, long expiresAt) {
    }

    /**
     * Checks {@code value} under {@code key}.
     *
     * @param removal whether it removes (a deletion marker)
     * @throws LookupException FORBIDDEN saying why it is refused
     */
    Admission admit(String key, String value, boolean removal, long now);

    /**
     * What makes two values "the same value" for replacement and removal: the value itself, or for a
     * signed value its payload (every write of it is signed anew).
     */
    String identity(String value);

    /** The most records (values and deletion markers) {@code key} may hold by its kind; the store's own limit applies too. */
    default int maxValuesPerKey(String key) {
        return Integer.MAX_VALUE;
    }

    /** Admits everything: the node stamps values itself. */
    RecordRules NONE = new RecordRules() {
        @Override
        public Admission admit(String key, String value, boolean removal, long now) {
            return null;
        }

        @Override
        public String identity(String value) {
            return value;
        }
    };
}
