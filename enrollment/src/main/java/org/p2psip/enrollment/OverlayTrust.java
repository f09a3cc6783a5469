package org.p2psip.enrollment;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Objects;

/**
 * What a node trusts: certificates issued by its overlay's CA, and nothing else. Checks a
 * certificate someone presents (signed by the CA, valid now) before its names are believed.
 */
public final class OverlayTrust {
    private final X509Certificate ca;

    public OverlayTrust(X509Certificate ca) {
        this.ca = Objects.requireNonNull(ca);
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /**
     * @return {@code c}, once checked
     * @throws CertificateException saying why when {@code c} is not the overlay CA's or not valid at {@code nowMillis}
     */
    public X509Certificate check(X509Certificate c, long nowMillis) throws CertificateException {
        if (!c.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new CertificateException("certificate of " + c.getSubjectX500Principal().getName()
                    + " is issued by " + c.getIssuerX500Principal().getName() + ", not by this overlay's CA");
        }
        try {
            c.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate of " + c.getSubjectX500Principal().getName()
                    + " is not signed by this overlay's CA (" + e.getMessage() + ")");
        }
        c.checkValidity(new Date(nowMillis));
        return c;
    }
}
