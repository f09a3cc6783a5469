package org.p2psip.enrollment;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS between the overlay's nodes: a TLS 1.3 context presenting a node's certificate and
 * trusting only the overlay CA (so a certificate from any other CA, or none, fails the handshake),
 * and the Node-ID of the node at the other end of a session.
 */
public final class OverlayTls {
    public static final String PROTOCOL = "TLSv1.3";

    private OverlayTls() {
    }

    /** A context that presents {@code chain} (leaf first, key {@code key}) and trusts {@code ca} alone. */
    public static SSLContext context(PrivateKey key, X509Certificate[] chain, X509Certificate ca) {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", key, pw, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("overlay-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new EnrollmentException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** Key managers presenting {@code chain} (leaf first, key {@code key}): for TLS stacks that take managers, not a context (Jetty). */
    public static javax.net.ssl.KeyManager[] keyManagers(PrivateKey key, X509Certificate[] chain) {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", key, pw, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new EnrollmentException("cannot load the node's key for TLS: " + e.getMessage(), e);
        }
    }

    /** Trust managers that trust {@code ca} alone (PKIX). */
    public static javax.net.ssl.TrustManager[] trustManagers(X509Certificate ca) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("overlay-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new EnrollmentException("cannot trust the overlay CA for TLS: " + e.getMessage(), e);
        }
    }

    /** The Node-ID in the certificate the other end presented; empty when it presented none or no node's. */
    public static Optional<String> peerNodeId(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
                return Optional.empty();
            }
            return OverlayNames.nodeIdOf((X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
