package org.p2psip.enrollment;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A user's certificate ({@code p2psip:user:NAME}) and key, held by her home peer: the peer writes
 * her records in the lookup service with it (phones stay unmodified).
 */
public record UserCredential(String name, PrivateKey key, X509Certificate certificate) {
    public byte[] sign(byte[] data) {
        return Signatures.sign(key, data);
    }
}
