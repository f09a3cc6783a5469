package org.p2psip.sip.proxy;

import org.p2psip.common.HostPort;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import org.p2psip.sip.registrar.Binding;
import org.p2psip.sip.registrar.Registrar;

/**
 * RFC 3261 Sec. 16.4, route information pre-processing: the strict-router fix-up, then every Route
 * value that is this proxy is removed; the side of the last one removed (UA or overlay: RFC 5658
 * double Record-Route) is where the request leaves. Also the next hop of a request that is routed
 * already (a Route set, or an in-dialog Request-URI), for stateful and stateless forwarding alike.
 */
final class RouteProcessing {
    private final Interfaces ifs;
    private final Registrar registrar;
    private final OverlayDetours detours;

    RouteProcessing(Interfaces ifs, Registrar registrar, OverlayDetours detours) {
        this.ifs = ifs;
        this.registrar = registrar;
        this.detours = detours;
    }

    /** Pre-processes the Route set of {@code r} in place; returns the side of the last own Route value removed, or null. */
    Side preprocess(Request r) {
        URI ruri = r.getRequestURI();
        if (ruri instanceof SipURI && ifs.isOwn((SipURI) ruri) && ((SipURI) ruri).getUser() == null
                && r.getHeader(RouteHeader.NAME) != null) {
            // a strict router upstream put our Record-Route value in the Request-URI
            List<RouteHeader> routes = new ArrayList<>();
            for (Iterator<?> it = r.getHeaders(RouteHeader.NAME); it.hasNext(); ) {
                routes.add((RouteHeader) it.next());
            }
            RouteHeader last = routes.get(routes.size() - 1);
            r.setRequestURI(last.getAddress().getURI());
            r.removeHeader(RouteHeader.NAME);
            for (int i = 0; i < routes.size() - 1; i++) {
                r.addHeader(routes.get(i));
            }
        }
        Side side = null;
        while (true) {
            RouteHeader rh = (RouteHeader) r.getHeader(RouteHeader.NAME);
            if (rh == null) {
                break;
            }
            URI u = rh.getAddress().getURI();
            if (!(u instanceof SipURI) || !ifs.isOwn((SipURI) u)) {
                break;
            }
            side = ifs.sideOf((SipURI) u);
            r.removeFirst(RouteHeader.NAME);
        }
        return side;
    }

    /**
     * The next hop for a Route URI; over the overlay always the overlay side's transport (TCP, or TLS
     * in a secured overlay), and through the far port's detour when its signalling SATO took one
     * ({@link OverlayDetours}).
     */
    NextHop routeHop(SipURI uri, Side popped) {
        NextHop h = uriHop(uri);
        if (popped != Side.OVERLAY) {
            return h;
        }
        String overlay = ifs.overlayTransport();
        HostPort via = detours.via(new HostPort(h.host(), h.port()));
        if (via != null) {
            return new NextHop(via.host(), via.port(), overlay);
        }
        return overlay.equalsIgnoreCase(h.transport()) ? h : new NextHop(h.host(), h.port(), overlay);
    }

    /** The next hop for a UA's URI (an in-dialog Request-URI): its NAT flow if it registered from behind one, else the URI itself. */
    NextHop contactHop(SipURI uri, Side popped) {
        if (popped != Side.OVERLAY) {
            Binding b = registrar.findByContact(uri);
            if (b != null && b.natted()) {
                return flowHop(b);
            }
        }
        return routeHop(uri, popped);
    }

    /** The next hop for a contact registered here: its NAT flow, or its URI. */
    static NextHop bindingHop(Binding b) {
        return b.natted() ? flowHop(b) : uriHop((SipURI) b.uri());
    }

    private static NextHop flowHop(Binding b) {
        return new NextHop(b.flow().host(), b.flow().port(), b.flow().transport());
    }

    static NextHop uriHop(SipURI uri) {
        String host = uri.getMAddrParam() != null ? uri.getMAddrParam() : uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String transport = uri.getTransportParam();
        if (transport == null) {
            transport = uri.isSecure() ? "tcp" : "udp";
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (uri.isSecure() ? 5061 : 5060);
        return new NextHop(host, port, transport.toLowerCase());
    }
}
