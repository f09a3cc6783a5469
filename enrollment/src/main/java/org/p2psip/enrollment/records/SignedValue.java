package org.p2psip.enrollment.records;

import java.nio.charset.StandardCharsets;

/**
 * A value as a secured overlay stores it: the writer's value (the payload) with the operation
 * ({@code p} put, {@code r} removal), its storage time (ms since the epoch, increasing per writer),
 * its lifetime, the writer's certificate and the writer's signature over all of that and the key:
 *
 * <pre>
 *   s1;OP;STORAGE_TIME;TTL_SECONDS;CERTIFICATE(base64 DER);SIGNATURE(base64);PAYLOAD
 * </pre>
 *
 * The payload comes last, so it may hold any character; the key is signed but not carried, so a value
 * cannot be moved to another key.
 */
public record SignedValue(char op, long storageTime, int ttlSeconds, String certificate, String signature, String payload) {
    public static final String MAGIC = "s1;";
    public static final char PUT = 'p';
    public static final char REMOVE = 'r';

    public SignedValue {
        if (op != PUT && op != REMOVE) {
            throw new IllegalArgumentException("operation must be p (put) or r (removal), not " + op);
        }
    }

    /** True when {@code value} is in this form (it may still be forged). */
    public static boolean looksSigned(String value) {
        return value != null && value.startsWith(MAGIC);
    }

    /** The bytes the writer signs. */
    public static byte[] signedBytes(String key, char op, long storageTime, int ttlSeconds, String payload) {
        return (key + "\n" + op + ";" + storageTime + ";" + ttlSeconds + ";" + payload).getBytes(StandardCharsets.UTF_8);
    }

    public byte[] signedBytes(String key) {
        return signedBytes(key, op, storageTime, ttlSeconds, payload);
    }

    public String encode() {
        return MAGIC + op + ";" + storageTime + ";" + ttlSeconds + ";" + certificate + ";" + signature + ";" + payload;
    }

    /** @throws IllegalArgumentException saying which part is malformed */
    public static SignedValue parse(String value) {
        if (!looksSigned(value)) {
            throw new IllegalArgumentException("not a signed value (no " + MAGIC + " prefix)");
        }
        String[] p = value.substring(MAGIC.length()).split(";", 6);
        if (p.length != 6) {
            throw new IllegalArgumentException("a signed value has 7 parts separated by ';'");
        }
        if (p[0].length() != 1) {
            throw new IllegalArgumentException("bad operation '" + p[0] + "'");
        }
        long time;
        int ttl;
        try {
            time = Long.parseLong(p[1]);
            ttl = Integer.parseInt(p[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad storage time or TTL: " + p[1] + ", " + p[2]);
        }
        if (time < 0 || ttl < 0) {
            throw new IllegalArgumentException("negative storage time or TTL");
        }
        return new SignedValue(p[0].charAt(0), time, ttl, p[3], p[4], p[5]);
    }
}
