package org.p2psip.enrollment.records;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.p2psip.enrollment.EnrollmentException;
import org.p2psip.enrollment.Signatures;

/**
 * One writer of records (a node, or a user through her home peer): signs its puts and removals with
 * storage times that increase with every value it writes, so that a newer write of the same value
 * always replaces an older one, and a replayed older one never does.
 */
public final class RecordSigner {
    private final PrivateKey key;
    private final String certificate;
    private long lastTime;

    public RecordSigner(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        try {
            this.certificate = Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new EnrollmentException("cannot encode the writer's certificate: " + e.getMessage(), e);
        }
    }

    /** The signed form of a put of {@code payload} under {@code key} for {@code ttlSeconds}. */
    public String put(String key, String payload, int ttlSeconds) {
        return sign(key, SignedValue.PUT, payload, ttlSeconds);
    }

    /** The signed form of the removal of {@code payload} from {@code key}. */
    public String remove(String key, String payload) {
        return sign(key, SignedValue.REMOVE, payload, 0);
    }

    private String sign(String recordKey, char op, String payload, int ttl) {
        long t = nextTime();
        byte[] sig = Signatures.sign(key, SignedValue.signedBytes(recordKey, op, t, ttl, payload));
        return new SignedValue(op, t, ttl, certificate, Base64.getEncoder().encodeToString(sig), payload).encode();
    }

    private synchronized long nextTime() {
        lastTime = Math.max(System.currentTimeMillis(), lastTime + 1);
        return lastTime;
    }
}
