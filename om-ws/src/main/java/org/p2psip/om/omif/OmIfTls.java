package org.p2psip.om.omif;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.configuration.jsse.TLSServerParameters;
import org.apache.cxf.configuration.security.ClientAuthentication;

/**
 * The OM IF of a secured overlay: HTTPS with client certificates (mutual TLS 1.3). Both ends present
 * a node certificate of the overlay CA and trust that CA alone, so a client without a certificate or
 * with another CA's fails the handshake before any SOAP is read; the caller's Node-ID is the one in
 * its certificate ({@link #nodeIdOf}), whatever its requests claim. Built by the peer from its
 * enrollment ({@code PeerSecurity}); the OM IF is plain HTTP without one (an unsecured overlay,
 * legacy gSOAP peers).
 */
public final class OmIfTls {
    /** TLS 1.3 only, as on the lookup service wire. */
    public static final String PROTOCOL = "TLSv1.3";

    private final KeyManager[] keyManagers;
    private final TrustManager[] trustManagers;
    private final Function<X509Certificate, Optional<String>> nodeIdOf;
    private volatile SSLContext context;

    /**
     * @param keyManagers   present this node's certificate
     * @param trustManagers trust the overlay CA alone
     * @param nodeIdOf      the Node-ID a certificate carries (empty when it names no node)
     */
    public OmIfTls(KeyManager[] keyManagers, TrustManager[] trustManagers, Function<X509Certificate, Optional<String>> nodeIdOf) {
        this.keyManagers = Objects.requireNonNull(keyManagers).clone();
        this.trustManagers = Objects.requireNonNull(trustManagers).clone();
        this.nodeIdOf = Objects.requireNonNull(nodeIdOf);
    }

    /** The Node-ID of the certificate chain the other end presented (leaf first); empty if none or no node's. */
    public Optional<String> nodeIdOf(Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            return Optional.empty();
        }
        return nodeIdOf.apply((X509Certificate) chain[0]);
    }

    /** The client's TLS context (this node's certificate, the overlay CA). */
    public SSLContext context() {
        SSLContext c = context;
        if (c == null) {
            try {
                c = SSLContext.getInstance(PROTOCOL);
                c.init(keyManagers, trustManagers, new SecureRandom());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build the OM IF's TLS context: " + e.getMessage(), e);
            }
            context = c;
        }
        return c;
    }

    /** The endpoint's (Jetty's) TLS parameters: this node's certificate, a client certificate of the overlay CA required. */
    public TLSServerParameters serverParameters() {
        TLSServerParameters p = new TLSServerParameters();
        p.setKeyManagers(keyManagers);
        p.setTrustManagers(trustManagers);
        p.setSecureSocketProtocol(PROTOCOL);
        p.setIncludeProtocols(List.of(PROTOCOL));
        ClientAuthentication auth = new ClientAuthentication();
        auth.setRequired(true);
        auth.setWant(true);
        p.setClientAuthentication(auth);
        // peers are reached by address (often an IP, or a tunnel's local end): no SNI host check
        p.setSniHostCheck(false);
        return p;
    }

    /**
     * The client conduit's TLS parameters. The server is authenticated by the overlay CA, not by
     * host name: node certificates carry Node-IDs, and a detour reaches a far OM through a local
     * tunnel address (the answers' node ids are checked where it matters, e.g. NegotiateTransport).
     */
    public TLSClientParameters clientParameters() {
        return clientParameters(id -> { });
    }

    /**
     * As {@link #clientParameters()}, telling {@code serverNodeId} the Node-ID in the certificate the
     * server presented at each new connection (empty string: none), so that the caller can check the
     * node ids the server claims in its answers against it.
     */
    public TLSClientParameters clientParameters(java.util.function.Consumer<String> serverNodeId) {
        TLSClientParameters p = new TLSClientParameters();
        p.setHostnameVerifier((host, session) -> {
            String id;
            try {
                id = nodeIdOf(session.getPeerCertificates()).orElse("");
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                id = "";
            }
            serverNodeId.accept(id);
            return true; // the overlay CA vouched for the node; which node it is, the answers are checked against
        });
        p.setSslContext(context()); // the java.net.http conduit
        p.setSSLSocketFactory(context().getSocketFactory()); // the URLConnection conduit
        p.setSecureSocketProtocol(PROTOCOL);
        p.setDisableCNCheck(true);
        return p;
    }
}
