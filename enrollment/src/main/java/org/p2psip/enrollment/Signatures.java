package org.p2psip.enrollment;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Signing and checking bytes with the overlay's keys: ECDSA on P-256 with SHA-256. */
public final class Signatures {
    public static final String ALGORITHM = "SHA256withECDSA";

    private Signatures() {
    }

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new EnrollmentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** True when {@code signature} is {@code key}'s over {@code data}; false for any other signature or garbage. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
