package org.p2psip.sip.proxy;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.p2psip.enrollment.EnrollmentException;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.OverlayNames;
import org.p2psip.enrollment.OverlayTls;

/**
 * The TLS context of the overlay side of a secured P2PSIP-Port: presents the peer's certificate,
 * trusts only the overlay CA, and accepts at the other end only a certificate that names a node
 * ({@code p2psip:node:...}): the P2PSIP-Ports of the overlay's peers, not a user's certificate
 * (which the CA issues for signing records and which would pass a CA-only check).
 */
final class OverlaySipTls {

    private OverlaySipTls() {
    }

    /** TLS 1.3 as {@link OverlayTls#context}, with the other end required to be a node of the overlay. */
    static SSLContext context(NodeIdentity id) {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", id.key(), pw, new X509Certificate[] {id.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("overlay-ca", id.trust().caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            X509ExtendedTrustManager base = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    base = x;
                }
            }
            if (base == null) {
                throw new EnrollmentException("no X.509 trust manager for the overlay CA");
            }
            SSLContext ctx = SSLContext.getInstance(OverlayTls.PROTOCOL);
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {new NodesOnly(base)}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new EnrollmentException("cannot build the SIP TLS context: " + e.getMessage(), e);
        }
    }

    /** The overlay CA's trust, and the certificate must name a node. */
    static final class NodesOnly extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager base;

        NodesOnly(X509ExtendedTrustManager base) {
            this.base = base;
        }

        private static void requireNode(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0 || OverlayNames.nodeIdOf(chain[0]).isEmpty()) {
                throw new CertificateException("the certificate of " + (chain == null || chain.length == 0 ? "nobody"
                        : chain[0].getSubjectX500Principal().getName()) + " names no node: only the overlay's peers talk SIP"
                        + " on the overlay side");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkClientTrusted(chain, authType);
            requireNode(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkServerTrusted(chain, authType);
            requireNode(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            base.checkClientTrusted(chain, authType, socket);
            requireNode(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            base.checkServerTrusted(chain, authType, socket);
            requireNode(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            base.checkClientTrusted(chain, authType, engine);
            requireNode(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            base.checkServerTrusted(chain, authType, engine);
            requireNode(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return base.getAcceptedIssuers();
        }
    }
}
