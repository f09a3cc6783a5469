package org.p2psip.sip.proxy;

import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.ViaHeader;
import javax.sip.message.Response;

/**
 * A response sent statelessly by its top Via (a proxy's 2xx without a server transaction, RFC 3261
 * 16.7 item 5, or a stray one): the stack sends it on the connection from the Via's {@code received}
 * address and {@code rport}, the request's own. When that connection is gone, the stack would open a
 * new connection to the {@code rport}, the far side's ephemeral source port, where nothing listens:
 * over TCP and TLS RFC 3261 18.2.2 asks for a new connection to {@code received} at the sent-by port
 * instead (RFC 3581 applies {@code rport} to unreliable transports only). So a response over a reliable
 * transport that cannot go to its {@code rport} is sent again without it, which sends it to the
 * sent-by port: an upstream peer whose connection closed still gets its 200 OK.
 */
final class ResponseByVia {
    private ResponseByVia() {
    }

    static void send(SipProvider provider, Response r) throws SipException {
        try {
            provider.sendResponse(r);
        } catch (SipException e) {
            Response toSentBy = withoutRport(r);
            if (toSentBy == null) {
                throw e;
            }
            provider.sendResponse(toSentBy);
        }
    }

    /** A copy of {@code r} whose top Via has no {@code rport}, if it names a reliable transport and one; else null. */
    static Response withoutRport(Response r) {
        ViaHeader top = (ViaHeader) r.getHeader(ViaHeader.NAME);
        if (top == null || top.getRPort() <= 0 || !reliable(top.getTransport())) {
            return null;
        }
        Response copy = (Response) r.clone();
        ((ViaHeader) copy.getHeader(ViaHeader.NAME)).removeParameter("rport");
        return copy;
    }

    private static boolean reliable(String transport) {
        return "TCP".equalsIgnoreCase(transport) || "TLS".equalsIgnoreCase(transport) || "SCTP".equalsIgnoreCase(transport)
                || "TLS-SCTP".equalsIgnoreCase(transport);
    }
}
