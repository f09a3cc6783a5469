package org.p2psip.sip.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import javax.sip.InvalidArgumentException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ViaHeader;
import org.p2psip.common.HostPort;

/**
 * The P2PSIP-Port's own addresses: the UA-facing listening point (UDP and TCP on one port) and the
 * overlay-facing one (TCP, or TLS in a secured overlay). Builds its Via and Record-Route values and recognises its own URIs in
 * Route headers and Vias.
 */
public final class Interfaces {
    private final String host;
    private final InetAddress address;
    private final int uaPort;
    private final int overlayPort;
    private final SipProvider uaProvider;
    private final SipProvider overlayProvider;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    /** Where other peers reach the overlay side if not at host:overlayPort (a TCP relay allocation); null otherwise. */
    private String relayedHost;
    private int relayedPort = -1;
    /** The overlay side's transport: {@code tcp}, or {@code tls} in a secured overlay. */
    private String overlayTransport = "tcp";
    private final LadderFeed trace = new LadderFeed(this);
    /**
     * The Record-Route values built so far, by side and transport, copied for each request: building one
     * parses a SIP URI, and the RI's parser throws (and catches) an exception at the end of a bare
     * {@code sip:host}, four times per call. At most {@link #MAX_RECORD_ROUTES}; emptied when an address changes.
     */
    private final java.util.Map<String, RecordRouteHeader> recordRoutes = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_RECORD_ROUTES = 16;

    public Interfaces(String host, int uaPort, int overlayPort, SipProvider uaProvider, SipProvider overlayProvider,
                      HeaderFactory headers, AddressFactory addresses) {
        this.host = host;
        this.address = resolve(host);
        this.uaPort = uaPort;
        this.overlayPort = overlayPort;
        this.uaProvider = uaProvider;
        this.overlayProvider = overlayProvider;
        this.headers = headers;
        this.addresses = addresses;
    }

    /**
     * Sets the address other peers reach the overlay side at when it is not the bound one (a peer
     * behind a NAT, reached through a TCP relay): the overlay Record-Route carries it, and Route
     * values naming it are recognised as this port's own.
     */
    public Interfaces withOverlayAdvertised(String hostPort) {
        if (hostPort != null) {
            HostPort relayed = HostPort.parse(hostPort);
            relayedHost = relayed.uriHost();
            relayedPort = relayed.port();
            recordRoutes.clear();
        }
        return this;
    }

    /** The overlay side's transport: {@code tcp} (the default) or {@code tls} (a secured overlay). */
    public Interfaces withOverlayTransport(String transport) {
        if (!"tcp".equals(transport) && !"tls".equals(transport)) {
            throw new IllegalArgumentException("the overlay side runs tcp or tls, not " + transport);
        }
        overlayTransport = transport;
        recordRoutes.clear();
        return this;
    }

    /** The overlay side's transport, lower case: {@code tcp} or {@code tls}. */
    public String overlayTransport() {
        return overlayTransport;
    }

    /** The SIP messages of calls, for the peer's web view (told only while somebody watches). */
    public LadderFeed ladder() {
        return trace;
    }

    /** HOST:PORT of the overlay side as other peers reach it. */
    public String overlayAdvertised() {
        return relayedHost != null ? relayedHost + ":" + relayedPort : host + ":" + overlayPort;
    }

    private static InetAddress resolve(String h) {
        try {
            return InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve own address " + h);
        }
    }

    public String host() {
        return host;
    }

    public int uaPort() {
        return uaPort;
    }

    public int overlayPort() {
        return overlayPort;
    }

    public SipProvider provider(Side side) {
        return side == Side.OVERLAY ? overlayProvider : uaProvider;
    }

    public Side sideOf(SipProvider p) {
        return p == overlayProvider ? Side.OVERLAY : Side.UA;
    }

    /** Whether host:port (port -1: default 5060) is one of this port's listening points. */
    public boolean isOwn(String h, int port) {
        int p = port < 0 ? 5060 : port;
        if (relayedHost != null && p == relayedPort && h != null && h.equalsIgnoreCase(relayedHost)) {
            return true;
        }
        if (p != uaPort && p != overlayPort) {
            return false;
        }
        if (h == null) {
            return false;
        }
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (bare.equalsIgnoreCase(host)) {
            return true;
        }
        if (!Character.isDigit(bare.charAt(0)) && bare.indexOf(':') < 0) {
            return false; // a name: never resolved on the signalling path
        }
        try {
            return InetAddress.getByName(bare).equals(address);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether {@code uri} addresses this port. The overlay side listens on TCP (or TLS) only, so a
     * URI that is not {@code transport=tcp} ({@code tls}) names it only through the UA port: a UA on
     * the same host whose UDP port number happens to equal the overlay's TCP port is not this proxy.
     */
    public boolean isOwn(SipURI uri) {
        int p = uri.getPort() < 0 ? 5060 : uri.getPort();
        if (p != uaPort && !overlayTransport.equalsIgnoreCase(uri.getTransportParam())) {
            return false;
        }
        return isOwn(uri.getHost(), uri.getPort());
    }

    /** Which side an own URI denotes. */
    public Side sideOf(SipURI own) {
        if (relayedHost != null && own.getPort() == relayedPort && relayedHost.equalsIgnoreCase(own.getHost())) {
            return Side.OVERLAY;
        }
        return own.getPort() == overlayPort && overlayPort != uaPort ? Side.OVERLAY : Side.UA;
    }

    /** A Via for a request leaving on {@code side} over {@code transport}. */
    public ViaHeader via(Side side, String transport, String branch) {
        try {
            return headers.createViaHeader(host, side == Side.OVERLAY ? overlayPort : uaPort, transport, branch);
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("cannot build own Via: " + e.getMessage(), e);
        }
    }

    /** A Record-Route for {@code side} (a copy of its own); {@code transport} goes into the URI unless it is UDP. */
    public RecordRouteHeader recordRoute(Side side, String transport) {
        String key = side == Side.OVERLAY ? "overlay" : side + "/" + transport.toLowerCase(java.util.Locale.ROOT);
        RecordRouteHeader rr = recordRoutes.get(key);
        if (rr == null) {
            rr = buildRecordRoute(side, transport);
            if (recordRoutes.size() < MAX_RECORD_ROUTES) {
                recordRoutes.put(key, rr);
            }
        }
        return (RecordRouteHeader) rr.clone();
    }

    private RecordRouteHeader buildRecordRoute(Side side, String transport) {
        try {
            boolean relayed = side == Side.OVERLAY && relayedHost != null;
            SipURI uri = addresses.createSipURI(null, relayed ? relayedHost : host);
            uri.setPort(relayed ? relayedPort : side == Side.OVERLAY ? overlayPort : uaPort);
            if (side == Side.OVERLAY || !"udp".equalsIgnoreCase(transport)) {
                uri.setTransportParam(side == Side.OVERLAY ? overlayTransport : transport.toLowerCase());
            }
            uri.setLrParam();
            Address a = addresses.createAddress(uri);
            return headers.createRecordRouteHeader(a);
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build own Record-Route: " + e.getMessage(), e);
        }
    }
}
