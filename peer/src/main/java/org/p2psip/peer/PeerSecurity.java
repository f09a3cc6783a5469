package org.p2psip.peer;

import org.p2psip.enrollment.NodeIdentity;
import java.security.cert.X509Certificate;
import org.p2psip.enrollment.OverlayNames;
import org.p2psip.enrollment.OverlayTls;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.enrollment.records.RecordVerifier;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.store.RecordRules;
import org.p2psip.lookup.wire.LinkSecurity;
import org.p2psip.tcprelay.RelaySecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How secured a peer runs ({@code --security DIR | off}): loads its certificates (its Node-ID, the
 * overlay CA, the users it is home to) and hands the parts their security: mutual TLS on the lookup
 * service wire. An unsecured peer is announced loudly in the log and in its node status.
 */
final class PeerSecurity {
    private static final Logger log = LoggerFactory.getLogger(PeerSecurity.class);
    /** What the node status says about an unsecured peer. */
    static final String OFF = "OFF: unsecured overlay (--security off): no certificates, no TLS; any node may join"
            + " the ring and put or remove any record";

    private PeerSecurity() {
    }

    /**
     * The peer's identity from {@code --security DIR}, or null with {@code --security off} (logged as a warning).
     *
     * @throws org.p2psip.enrollment.EnrollmentException naming the missing or bad file and the enrollment command
     */
    static NodeIdentity load(PeerConfig config) {
        if (!config.secured()) {
            log.warn("{}: SECURITY OFF: {}", config.name(), OFF);
            return null;
        }
        NodeIdentity id = NodeIdentity.load(config.securityDir());
        log.info("{}: secured: Node-ID {} (from the overlay CA {}), home peer of {}", config.name(), id.nodeId(),
                id.trust().caCertificate().getSubjectX500Principal().getName(),
                id.users().isEmpty() ? "no users" : String.join(", ", id.users().keySet()));
        return id;
    }

    /** Mutual TLS on the lookup service wire for {@code id}; null (plain TCP) without one. */
    static LinkSecurity wire(NodeIdentity id) {
        return id == null ? null : new LinkSecurity(id.tlsContext(), OverlayTls::peerNodeId);
    }

    /**
     * Mutual TLS on the TCP relay's control, data and dial connections for {@code id}, allocations
     * bound to the Node-ID in the certificate; null (plain TCP, no owners) without one.
     */
    static RelaySecurity relay(NodeIdentity id) {
        return id == null ? null : new RelaySecurity(id.tlsContext(), OverlayTls::peerNodeId);
    }

    /**
     * HTTPS with client certificates on the OM IF for {@code id} (this peer's certificate, the overlay
     * CA alone, the caller's Node-ID from its certificate); null (plain HTTP) without one.
     */
    static OmIfTls omIf(NodeIdentity id) {
        return id == null ? null : new OmIfTls(OverlayTls.keyManagers(id.key(), new X509Certificate[] {id.certificate()}),
                OverlayTls.trustManagers(id.trust().caCertificate()), OverlayNames::nodeIdOf);
    }

    /** What this peer's lookup node stores: signed values by the access rules; everything when unsecured. */
    static RecordRules storeRules(NodeIdentity id) {
        return id == null ? RecordRules.NONE : new SignedRecordRules(verifier(id));
    }

    /** The lookup service as the OM uses it: values signed and checked ({@link SignedLookup}); {@code ring} itself when unsecured. */
    static LookupService records(LookupService ring, NodeIdentity id) {
        return id == null ? ring : new SignedLookup(ring, id, verifier(id));
    }

    private static RecordVerifier verifier(NodeIdentity id) {
        return new RecordVerifier(id.trust(), RecordVerifier.DEFAULT_SKEW);
    }

    /** The node status line: how this peer is secured. */
    static String describe(NodeIdentity id) {
        return id == null ? OFF : "secured: lookup service wire, OM IF (HTTPS with client certificates), TCP relay and SIP between"
                + " P2PSIP-Ports over mutual TLS (overlay CA "
                + id.trust().caCertificate().getSubjectX500Principal().getName() + "), Node-ID from the certificate, records signed"
                + " and checked (user:NAME only with user NAME's certificate, relay:* only by the node named)";
    }
}
