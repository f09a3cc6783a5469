package org.p2psip.lookup.store;

/**
 * How much one node's {@link ValueStore} holds at most: records (values and tombstones) under one key,
 * records in all, and their bytes in all (key and value characters plus {@value #RECORD_OVERHEAD}
 * bytes each). The defaults keep a node's store within about a tenth of a 256 MiB heap and a get
 * answer within one lookup frame (256 values of at most 1 KiB).
 */
public record StoreLimits(int maxRecordsPerKey, int maxRecords, long maxBytes) {
    /** Bytes counted per record besides its key and value. */
    public static final int RECORD_OVERHEAD = 64;
    /** 256 records per key, 50,000 records, 24 MiB per node. */
    public static final StoreLimits DEFAULT = new StoreLimits(256, 50_000, 24L * 1024 * 1024);

    public StoreLimits {
        if (maxRecordsPerKey < 1 || maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("store limits must be positive: " + maxRecordsPerKey + " per key, "
                    + maxRecords + " records, " + maxBytes + " bytes");
        }
    }

    static long size(StoredRecord r) {
        return (long) r.key().length() + r.value().length() + RECORD_OVERHEAD;
    }
}
