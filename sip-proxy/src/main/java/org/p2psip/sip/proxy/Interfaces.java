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

/**
 * The P2PSIP-Port's own addresses: the UA-facing listening point (UDP and TCP on one port) and the
 * overlay-facing one (TCP). Builds its Via and Record-Route values and recognises its own URIs in
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

    public boolean isOwn(SipURI uri) {
        return isOwn(uri.getHost(), uri.getPort());
    }

    /** Which side an own URI denotes. */
    public Side sideOf(SipURI own) {
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

    /** A Record-Route for {@code side}; {@code transport} goes into the URI unless it is UDP. */
    public RecordRouteHeader recordRoute(Side side, String transport) {
        try {
            SipURI uri = addresses.createSipURI(null, host);
            uri.setPort(side == Side.OVERLAY ? overlayPort : uaPort);
            if (side == Side.OVERLAY || !"udp".equalsIgnoreCase(transport)) {
                uri.setTransportParam(side == Side.OVERLAY ? "tcp" : transport.toLowerCase());
            }
            uri.setLrParam();
            Address a = addresses.createAddress(uri);
            return headers.createRecordRouteHeader(a);
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build own Record-Route: " + e.getMessage(), e);
        }
    }
}
