package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.DefaultRouter;
import java.util.ListIterator;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;

/**
 * The JAIN-SIP router of the P2PSIP-Port (stack property {@code javax.sip.ROUTER_PATH}): the only
 * routing change against a standard proxy. A request the proxy has routed carries its {@link NextHop}
 * as application data (the overlay address of a signalling SATO, or the flow of a UA behind a NAT);
 * anything else is routed by the RI's RFC 3261 {@link DefaultRouter}.
 */
public final class NextHopRouter implements Router {
    private final DefaultRouter standard;

    /** The constructor the RI calls reflectively. */
    public NextHopRouter(SipStack stack, String outboundProxy) {
        this.standard = new DefaultRouter(stack, outboundProxy);
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        if (request instanceof SIPMessage) {
            Object data = ((SIPMessage) request).getApplicationData();
            if (data instanceof NextHop) {
                return (NextHop) data;
            }
        }
        return standard.getNextHop(request);
    }

    @Override
    public Hop getOutboundProxy() {
        return standard.getOutboundProxy();
    }

    @Override
    @Deprecated
    @SuppressWarnings({"rawtypes", "deprecation"})
    public ListIterator getNextHops(Request request) {
        return standard.getNextHops(request);
    }
}
