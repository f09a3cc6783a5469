package org.p2psip.lookup.store;

/**
 * How much one node's {@link ValueStore} holds at most: records (values and tombstones) under one key,
 * records in all, and their bytes in all (key and value characters plus {@value #RECORD_OVERHEAD}
 * bytes each), and values put here by one writer ({@code maxValuesPerWriter}: the node that sent the
 * put, by its certificate's Node-ID on a secured wire, else by its address). The defaults keep a
 * node's store within about a tenth of a 256 MiB heap and a get answer within one lookup frame (256
 * values of at most 1 KiB), and no one writer can take more than a fifth of a node's store.
 */
public record StoreLimits(int maxRecordsPerKey, int maxRecords, long maxBytes, int maxValuesPerWriter) {
    /** Bytes counted per record besides its key and value. */
    public static final int RECORD_OVERHEAD = 64;
    /** Default values one writer may have put on one node. */
    public static final int DEFAULT_MAX_VALUES_PER_WRITER = 10_000;
    /** 256 records per key, 50,000 records, 24 MiB, 10,000 values per writer per node. */
    public static final StoreLimits DEFAULT = new StoreLimits(256, 50_000, 24L * 1024 * 1024, DEFAULT_MAX_VALUES_PER_WRITER);

    public StoreLimits {
        if (maxRecordsPerKey < 1 || maxRecords < 1 || maxBytes < 1 || maxValuesPerWriter < 1) {
            throw new IllegalArgumentException("store limits must be positive: " + maxRecordsPerKey + " per key, "
                    + maxRecords + " records, " + maxBytes + " bytes, " + maxValuesPerWriter + " per writer");
        }
    }

    /** Limits with the default per-writer bound ({@value #DEFAULT_MAX_VALUES_PER_WRITER}, at most {@code maxRecords}). */
    public StoreLimits(int maxRecordsPerKey, int maxRecords, long maxBytes) {
        this(maxRecordsPerKey, maxRecords, maxBytes, Math.min(DEFAULT_MAX_VALUES_PER_WRITER, maxRecords));
    }

    static long size(StoredRecord r) {
        return (long) r.key().length() + r.value().length() + RECORD_OVERHEAD;
    }
}
