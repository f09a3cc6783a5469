package org.p2psip.peer;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import org.p2psip.common.HostPort;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the lookup node of an existing peer from whatever address of that peer a user gave as
 * {@code --bootstrap}: the lookup node itself ({@code HOST:PORT}, the peer's {@code --dht-port}),
 * the peer's Overlay Manager ({@code HOST:PORT} of its OM IF, its {@code --om-port}) or its OM IF
 * URL ({@code http://HOST:PORT/...}). An OM is asked for its node status, whose ring part names
 * its lookup node ({@code lookupAddress}). A HOST:PORT is tried as a lookup node first, then as an
 * OM. When neither answers, the error says what was found there and what to give instead.
 */
public final class BootstrapLookup {
    private static final Logger log = LoggerFactory.getLogger(BootstrapLookup.class);
    /** As long as joining waits for the bootstrap node: a lookup node on a loaded machine may be slow to answer. */
    private static final Duration LOOKUP_TIMEOUT = RemoteLookupClient.DEFAULT_TIMEOUT;
    private static final Duration OM_TIMEOUT = Duration.ofSeconds(5);
    /** What to give instead, the end of every error. */
    static final String WHAT_TO_GIVE = "give --bootstrap the lookup address a running peer prints at start"
            + " (\"use --bootstrap HOST:PORT to join\", its --dht-port), its OM IF HOST:PORT (--om-port) or its OM IF URL";

    private BootstrapLookup() {
    }

    /** The HOST:PORT of the lookup node that {@code given} (the {@code --bootstrap} value) leads to. */
    public static String resolve(String given) throws IOException {
        return resolve(given, null);
    }

    /**
     * As {@link #resolve(String)}, with {@code wire} the lookup-service wire's security of a secured
     * peer (mutual TLS: a secured lookup node answers nothing else), or null for an unsecured overlay.
     */
    public static String resolve(String given, org.p2psip.lookup.wire.LinkSecurity wire) throws IOException {
        return resolve(given, wire, null);
    }

    /**
     * As {@link #resolve(String, org.p2psip.lookup.wire.LinkSecurity)}, with {@code omIf} the OM IF's
     * HTTPS with this peer's certificate (a secured peer's OM answers nothing else), or null.
     */
    public static String resolve(String given, org.p2psip.lookup.wire.LinkSecurity wire, OmIfTls omIf) throws IOException {
        if (given.contains("://")) {
            Address om = omOfUrl(given);
            return fromOm(given, om, null, omIf);
        }
        HostPort hp;
        try {
            hp = HostPort.parseRemote(given);
        } catch (IllegalArgumentException e) {
            throw new IOException("--bootstrap '" + given + "' is neither HOST:PORT nor a URL; " + WHAT_TO_GIVE);
        }
        String asLookup = lookupNodeProblem(hp, wire);
        if (asLookup == null) {
            return hp.toString();
        }
        return fromOm(given, new Address(hp.host(), hp.port()), asLookup, omIf);
    }

    /** Null if a lookup node answers at {@code hp}, else what happened. */
    private static String lookupNodeProblem(HostPort hp, org.p2psip.lookup.wire.LinkSecurity wire) {
        org.p2psip.lookup.ring.Address a = org.p2psip.lookup.ring.Address.parse(hp.toString());
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(a), LOOKUP_TIMEOUT, wire)) {
            c.status(a);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static String fromOm(String given, Address om, String asLookup, OmIfTls omIf) throws IOException {
        GetNodeStatusResponse st;
        try (SoapOmIfClient client = new SoapOmIfClient(null, ConduitChoice.URL_CONNECTION, OM_TIMEOUT, OM_TIMEOUT, omIf)) {
            st = new RemoteOverlayManager(client, () -> null, () -> null).status(om);
        } catch (OmException | RuntimeException e) {
            throw new IOException("--bootstrap " + given + ": nothing there answers as a peer's lookup node"
                    + (asLookup == null ? "" : " (" + asLookup + ")") + " or as its Overlay Manager (GetNodeStatus: "
                    + e.getMessage() + "); " + WHAT_TO_GIVE);
        }
        String lookup = st.getRing() == null ? null : st.getRing().getLookupAddress();
        if (lookup == null || lookup.isBlank()) {
            throw new IOException("--bootstrap " + given + ": an Overlay Manager answers there (node " + st.getNodeId()
                    + ") but it names no lookup node: it is not a ring member (behind a NAT, or a legacy peer);"
                    + " give --bootstrap the lookup address or OM of a public peer of the overlay");
        }
        log.info("--bootstrap {} is the Overlay Manager of node {}; its lookup node is {}", given, st.getNodeId(), lookup);
        return lookup;
    }

    /**
     * The OM of an OM IF URL. Both schemes name the same OM: a secured peer speaks HTTPS with its
     * certificate to it whichever the URL says (a secured OM answers nothing else), an unsecured one HTTP.
     */
    private static Address omOfUrl(String url) throws IOException {
        try {
            URI u = new URI(url);
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
                throw new IOException("--bootstrap " + url + ": the OM IF is served over http:// (https:// in a secured"
                        + " overlay), not " + u.getScheme() + "://; " + WHAT_TO_GIVE);
            }
            if (u.getHost() == null) {
                throw new IOException("--bootstrap " + url + " names no host; " + WHAT_TO_GIVE);
            }
            return new Address(u.getHost(), u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80);
        } catch (URISyntaxException e) {
            throw new IOException("--bootstrap " + url + " is not a URL (" + e.getReason() + "); " + WHAT_TO_GIVE);
        }
    }
}
