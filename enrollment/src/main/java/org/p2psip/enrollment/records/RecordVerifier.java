package org.p2psip.enrollment.records;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.p2psip.enrollment.OverlayTrust;
import org.p2psip.enrollment.Pem;
import org.p2psip.enrollment.Signatures;

/**
 * Checks a signed value as every storing node and every reader does: well-formed, the writer's
 * certificate the overlay CA's and valid, the signature the writer's over the key and the value,
 * the writer allowed to write the key ({@link AccessRules}), a put not expired, and a storage time
 * not ahead of this node's clock by more than the allowed skew (so nobody plants a far-future
 * deletion marker). Decoded certificates are kept (at most {@value #MAX_CACHED}), and the values whose
 * signature and access rule passed (at most {@value #MAX_CHECKED}: readers see the same values often).
 */
public final class RecordVerifier {
    /** How far a storage time may be ahead of this node's clock. */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    static final int MAX_CACHED = 256;
    /** Values whose signature is remembered as checked (about 1 kB each). */
    static final int MAX_CHECKED = 1024;

    private final OverlayTrust trust;
    private final long skewMillis;
    /** Key and value whose signature and access rule were checked already (readers see the same values often). */
    private final Map<String, Boolean> checked = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_CHECKED;
        }
    };
    private final Map<String, X509Certificate> certificates = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
            return size() > MAX_CACHED;
        }
    };

    public RecordVerifier(OverlayTrust trust, Duration skew) {
        this.trust = trust;
        this.skewMillis = skew.toMillis();
    }

    /**
     * @param removal whether {@code value} is to remove (a deletion marker) rather than to put
     * @return the value, checked
     * @throws RecordRefused saying what is wrong
     */
    public SignedValue verify(String key, String value, boolean removal, long now) throws RecordRefused {
        SignedValue v;
        try {
            v = SignedValue.parse(value);
        } catch (IllegalArgumentException e) {
            throw new RecordRefused("unsigned or malformed value under " + key + ": " + e.getMessage());
        }
        if ((v.op() == SignedValue.REMOVE) != removal) {
            throw new RecordRefused("a signed " + (v.op() == SignedValue.REMOVE ? "removal" : "put") + " used as a "
                    + (removal ? "removal" : "put") + " under " + key);
        }
        if (v.storageTime() > now + skewMillis) {
            throw new RecordRefused("storage time of the value under " + key + " is " + (v.storageTime() - now)
                    + " ms ahead of this node's clock (at most " + skewMillis + " ms allowed)");
        }
        if (!removal && v.storageTime() + v.ttlSeconds() * 1000L <= now) {
            throw new RecordRefused("the value under " + key + " expired at " + (v.storageTime() + v.ttlSeconds() * 1000L));
        }
        X509Certificate writer = certificate(v.certificate(), key, now); // checked for validity at every use
        String seen = key + "\n" + value;
        synchronized (checked) {
            if (checked.get(seen) != null) {
                return v;
            }
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(v.signature());
        } catch (IllegalArgumentException e) {
            throw new RecordRefused("bad base64 in the signature of the value under " + key);
        }
        if (!Signatures.verify(writer.getPublicKey(), v.signedBytes(key), sig)) {
            throw new RecordRefused("the signature of the value under " + key + " is not its writer's (forged or altered)");
        }
        Optional<String> why = AccessRules.refusal(key, writer, v.payload());
        if (why.isPresent()) {
            throw new RecordRefused(why.get());
        }
        synchronized (checked) {
            checked.put(seen, Boolean.TRUE);
        }
        return v;
    }

    private X509Certificate certificate(String b64, String key, long now) throws RecordRefused {
        X509Certificate c;
        synchronized (certificates) {
            c = certificates.get(b64);
        }
        try {
            if (c == null) {
                c = trust.check(Pem.certificate(Base64.getDecoder().decode(b64)), now);
                synchronized (certificates) {
                    certificates.put(b64, c);
                }
            } else {
                c.checkValidity(new java.util.Date(now));
            }
            return c;
        } catch (CertificateException | IllegalArgumentException e) {
            throw new RecordRefused("the writer's certificate of the value under " + key + " is refused: " + e.getMessage());
        }
    }
}
