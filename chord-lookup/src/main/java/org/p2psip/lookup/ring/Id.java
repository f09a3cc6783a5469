package org.p2psip.lookup.ring;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A point on Chord's 160-bit identifier circle (SHA-1 space). Node ids are SHA-1 of the node's
 * advertised address {@code host:port} ({@code NodeRef.idOf}); key ids are SHA-1 of the key's UTF-8 bytes.
 * Immutable; ordered as unsigned 160-bit integers.
 */
public final class Id implements Comparable<Id> {
    public static final int BITS = 160;
    public static final int BYTES = 20;
    private static final BigInteger RING = BigInteger.ONE.shiftLeft(BITS);

    private final BigInteger value;
    // the same 160 bits as three unsigned words, most significant first: ids are compared and hashed
    // in ordered maps of every stored key, and this needs no indirection to the BigInteger's array
    private final long high;
    private final long middle;
    private final int low;

    private Id(BigInteger value) {
        this.value = value;
        this.high = value.shiftRight(96).longValue();
        this.middle = value.shiftRight(32).longValue();
        this.low = value.intValue();
    }

    /** SHA-1 of the UTF-8 bytes of {@code s}. */
    public static Id hash(String s) {
        return fromBytes(sha1().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** From 20 big-endian bytes. */
    public static Id fromBytes(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("an id has " + BYTES + " bytes, not " + b.length);
        }
        return new Id(new BigInteger(1, b));
    }

    /** From 40 hex digits. */
    public static Id fromHex(String hex) {
        if (hex.length() != 2 * BYTES) {
            throw new IllegalArgumentException("an id has " + (2 * BYTES) + " hex digits: " + hex);
        }
        return new Id(new BigInteger(hex, 16));
    }

    public static Id of(BigInteger v) {
        return new Id(v.mod(RING));
    }

    /** This id plus 2^i, modulo 2^160 (the start of finger i). */
    public Id plusPowerOfTwo(int i) {
        return new Id(value.add(BigInteger.ONE.shiftLeft(i)).mod(RING));
    }

    /** Clockwise distance from this id to {@code other} (0 .. 2^160-1). */
    public BigInteger distanceTo(Id other) {
        return other.value.subtract(value).mod(RING);
    }

    /** True when this id lies in the circular interval (a, b]; (a, a] is the whole circle. */
    public boolean inHalfOpen(Id a, Id b) {
        int ab = a.compareTo(b);
        if (ab == 0) {
            return true;
        }
        if (ab < 0) {
            return compareTo(a) > 0 && compareTo(b) <= 0;
        }
        return compareTo(a) > 0 || compareTo(b) <= 0;
    }

    /** True when this id lies in the open circular interval (a, b); (a, a) is the circle without a. */
    public boolean inOpen(Id a, Id b) {
        int ab = a.compareTo(b);
        if (ab == 0) {
            return !equals(a);
        }
        if (ab < 0) {
            return compareTo(a) > 0 && compareTo(b) < 0;
        }
        return compareTo(a) > 0 || compareTo(b) < 0;
    }

    public byte[] toBytes() {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[BYTES];
        int n = Math.min(raw.length, BYTES);
        System.arraycopy(raw, raw.length - n, out, BYTES - n, n);
        return out;
    }

    public BigInteger toBigInteger() {
        return value;
    }

    /** 40 lower-case hex digits. */
    public String toHex() {
        String h = value.toString(16);
        if (h.length() < 2 * BYTES) {
            char[] pad = new char[2 * BYTES - h.length()];
            Arrays.fill(pad, '0');
            h = new String(pad) + h;
        }
        return h;
    }

    /** The first 8 hex digits, for logs. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }

    @Override
    public int compareTo(Id o) {
        int c = Long.compareUnsigned(high, o.high);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(middle, o.middle);
        return c != 0 ? c : Integer.compareUnsigned(low, o.low);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Id)) {
            return false;
        }
        Id i = (Id) o;
        return high == i.high && middle == i.middle && low == i.low;
    }

    @Override
    public int hashCode() {
        // SHA-1 bits are uniform: the lowest ones make a good hash
        return low ^ (int) middle;
    }

    @Override
    public String toString() {
        return toHex();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
