package org.p2psip.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The nonces of the P2PSIP-Port's digest challenges: stateless, so their number is bounded by
 * nothing the port stores: a nonce is its issue time and an HMAC-SHA-256 of it under a key made at
 * start-up ({@code base64url(time || mac)}). One the port did not issue is {@link State#INVALID}; one
 * older than the lifetime is {@link State#STALE} (the phone gets a fresh challenge with
 * {@code stale=true} and retries without asking its user). Thread-safe.
 */
public final class Nonces {
    /** What a nonce in an Authorization header is. */
    public enum State { VALID, STALE, INVALID }

    private final SecretKeySpec key;
    private final long lifetimeMillis;
    private final LongSupplier clock;

    public Nonces(long lifetimeMillis) {
        this(lifetimeMillis, System::currentTimeMillis);
    }

    Nonces(long lifetimeMillis, LongSupplier clock) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.lifetimeMillis = lifetimeMillis;
        this.clock = clock;
    }

    /** A fresh nonce. */
    public String issue() {
        long now = clock.getAsLong();
        ByteBuffer b = ByteBuffer.allocate(8 + 16);
        b.putLong(now).put(mac(now));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** Whether {@code nonce} is one of ours and still young enough. */
    public State check(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return State.INVALID;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return State.INVALID;
        }
        if (raw.length != 24) {
            return State.INVALID;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long issued = b.getLong();
        byte[] mac = new byte[16];
        b.get(mac);
        if (!MessageDigest.isEqual(mac, mac(issued))) {
            return State.INVALID;
        }
        long age = clock.getAsLong() - issued;
        return age < 0 || age > lifetimeMillis ? State.STALE : State.VALID;
    }

    private byte[] mac(long time) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            byte[] full = m.doFinal(Long.toString(time).getBytes(StandardCharsets.US_ASCII));
            byte[] cut = new byte[16];
            System.arraycopy(full, 0, cut, 0, 16);
            return cut;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 not available", e);
        }
    }
}
