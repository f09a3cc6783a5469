package org.p2psip.lookup;

import java.nio.charset.StandardCharsets;

/** The store's limits (Bamboo/OpenDHT style) and their checks. */
public final class Limits {
    private Limits() {
    }

    /** Largest value, in UTF-8 bytes. */
    public static final int MAX_VALUE_BYTES = 1024;
    /** Largest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** Longest TTL: one week. */
    public static final int MAX_TTL_SECONDS = 7 * 24 * 3600;

    public static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new LookupException(LookupException.Reason.BAD_KEY, "key must not be empty");
        }
        int n = key.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_KEY_BYTES) {
            throw new LookupException(LookupException.Reason.BAD_KEY,
                    "key is " + n + " bytes; at most " + MAX_KEY_BYTES + " bytes (UTF-8) are allowed");
        }
    }

    public static void checkValue(String value) {
        if (value == null) {
            throw new LookupException(LookupException.Reason.VALUE_TOO_LARGE, "value must not be null");
        }
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_VALUE_BYTES) {
            throw new LookupException(LookupException.Reason.VALUE_TOO_LARGE,
                    "value is " + n + " bytes; at most " + MAX_VALUE_BYTES + " bytes (UTF-8) are allowed");
        }
    }

    public static void checkTtl(long ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new LookupException(LookupException.Reason.BAD_TTL,
                    "TTL " + ttlSeconds + " s is out of range; it must be 1 .. " + MAX_TTL_SECONDS + " s (one week)");
        }
    }
}
