package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 Sec. 16.11, what this proxy forwards statelessly: an ACK for a 2xx (its own transaction,
 * along its Route set) and a response without a client transaction (a retransmitted 2xx, by its
 * Via). SDP in either is rewritten by the call's side when it crosses the overlay boundary.
 */
final class StatelessForwarding {
    private static final Logger log = LoggerFactory.getLogger(StatelessForwarding.class);

    private final Interfaces ifs;
    private final RouteProcessing routes;
    private final SdpCrossing sdp;
    private final ForwardingPolicy overlayPeers;

    /** {@code overlayPeers}: {@code HOST:PORT} of the other P2PSIP-Ports seen (responses for them leave on the overlay side). */
    StatelessForwarding(Interfaces ifs, RouteProcessing routes, SdpCrossing sdp, ForwardingPolicy overlayPeers) {
        this.ifs = ifs;
        this.routes = routes;
        this.sdp = sdp;
        this.overlayPeers = overlayPeers;
    }

    /** An ACK for a 2xx: forwarded along its Route set, or to its Request-URI. */
    void forwardAck(Request req, Side in) {
        Request r = (Request) req.clone();
        Side popped = routes.preprocess(r);
        Side out = popped == null ? Side.UA : popped;
        NextHop hop;
        RouteHeader route = (RouteHeader) r.getHeader(RouteHeader.NAME);
        if (route != null && route.getAddress().getURI() instanceof SipURI) {
            hop = routes.routeHop((SipURI) route.getAddress().getURI(), popped);
        } else if (r.getRequestURI() instanceof SipURI && !ifs.isOwn((SipURI) r.getRequestURI())) {
            hop = routes.contactHop((SipURI) r.getRequestURI(), popped);
        } else {
            log.debug("ACK for this proxy itself dropped");
            return;
        }
        javax.sip.header.CallIdHeader id = (javax.sip.header.CallIdHeader) r.getHeader(javax.sip.header.CallIdHeader.NAME);
        String refusal = overlayPeers.refusal(hop, id == null ? null : id.getCallId());
        if (refusal != null) {
            log.info("ACK not forwarded: {}", refusal);
            return;
        }
        try {
            MaxForwardsHeader mf = (MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME);
            if (mf != null && mf.getMaxForwards() <= 0) {
                log.debug("ACK with Max-Forwards 0 dropped");
                return;
            }
            BranchForwarding.decrementMaxForwards(r);
            ViaHeader v = (ViaHeader) req.getHeader(ViaHeader.NAME);
            r.addFirst(ifs.via(out, hop.transport(), LoopDetector.PREFIX + "a" + Long.toHexString(
                    (v.getBranch() + v.getHost() + v.getPort()).hashCode() & 0xffffffffL)));
        } catch (SipException | InvalidArgumentException e) {
            log.info("ACK not forwarded: {}", e.getMessage());
            return;
        }
        ((SIPMessage) r).setApplicationData(hop);
        sdp.rewriteThenSend(r, in, out, () -> {
            try {
                ifs.provider(out).sendRequest(r);
                ifs.ladder().sent(r, out);
            } catch (SipException e) {
                log.info("ACK to {} failed: {}", hop, e.getMessage());
            }
        });
    }

    /** A response without a client transaction: forwarded by its next Via, if its top Via is this proxy's. */
    void forwardStray(Response resp, Side arrived) {
        ViaHeader top = (ViaHeader) resp.getHeader(ViaHeader.NAME);
        if (top == null || !ifs.isOwn(top.getHost(), top.getPort())) {
            log.debug("dropping stray response {} not via this proxy", resp.getStatusCode());
            return;
        }
        Response out = (Response) resp.clone();
        out.removeFirst(ViaHeader.NAME);
        ViaHeader next = (ViaHeader) out.getHeader(ViaHeader.NAME);
        if (next == null) {
            return;
        }
        Side to = arrived == Side.OVERLAY ? Side.UA
                : overlayPeers.isOverlayPeer(next.getHost(), next.getPort()) ? Side.OVERLAY : Side.UA;
        sdp.rewriteThenSend(out, arrived, to, () -> {
            try {
                ResponseByVia.send(ifs.provider(to), out);
                ifs.ladder().sent(out, to);
            } catch (SipException e) {
                log.info("stray {} for {} not forwarded: {}", resp.getStatusCode(),
                        ((CallIdHeader) out.getHeader(CallIdHeader.NAME)).getCallId(), e.getMessage());
            }
        });
    }
}
