package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import java.io.IOException;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TransactionState;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A request answered by a stateless UAS (RFC 3261 Sec. 8.2.7), behind the {@link ServerTransaction}
 * face the proxy's request handling answers through: the final response goes back where the request
 * came from and nothing is kept. The P2PSIP-Port's registrar answers REGISTERs over UDP so, as
 * Kamailio's registrar does with {@code sl_send_reply}: a server transaction would keep the request
 * and its response for Timer J (32 s over UDP), 100,000 of them at 3,000 REGISTER/s, more than a peer's
 * heap. What the transaction did, absorbing a retransmission, the registrar does itself: a REGISTER
 * is answered the same way however often it comes ({@code BindingUpdate}). No provisional response
 * is sent (8.2.7).
 */
final class StatelessTransaction implements ServerTransaction {
    private static final long serialVersionUID = 1L;

    private final transient SipProvider provider;
    private final transient Request request;
    private transient volatile Object applicationData;
    private volatile boolean answered;

    StatelessTransaction(SipProvider provider, Request request) {
        this.provider = provider;
        this.request = request;
    }

    /** Whether {@code req} came over a datagram transport (UDP): only there does a transaction outlive its answer. */
    static boolean overDatagram(Request req) {
        return req instanceof SIPRequest r && r.getMessageChannel() instanceof MessageChannel ch && !ch.isReliable();
    }

    @Override
    public void sendResponse(Response response) throws SipException {
        if (response.getStatusCode() < 200) {
            return; // a stateless UAS sends no provisional response
        }
        try {
            sendBack(provider, request, response);
        } catch (IOException e) {
            throw new SipException("cannot send " + response.getStatusCode() + ": " + e.getMessage(), e);
        }
        answered = true;
    }

    /**
     * Sends {@code r} back where {@code req} came from (RFC 3261 18.2.2 and RFC 3581): on its own TCP or
     * TLS connection, or over UDP to the datagram's source, at the rport (the source port) or else the
     * sent-by port; the stack's stateless send would follow the Via and open a new connection to the
     * sent-by port.
     */
    static void sendBack(SipProvider provider, Request req, Response r) throws SipException, IOException {
        if (!(req instanceof SIPRequest sip && sip.getMessageChannel() instanceof MessageChannel ch)) {
            provider.sendResponse(r);
            return;
        }
        if (ch.isReliable()) {
            ch.sendMessage((SIPResponse) r);
            return;
        }
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        java.net.InetAddress to = sip.getPeerPacketSourceAddress();
        if (to == null) {
            provider.sendResponse(r);
            return;
        }
        int port = via.getRPort() > 0 ? via.getRPort() : via.getPort() > 0 ? via.getPort() : 5060;
        ch.sendMessage((SIPResponse) r, to, port);
    }

    @Override
    public void enableRetransmissionAlerts() throws SipException {
        throw new SipException("a stateless answer has no retransmissions to alert");
    }

    @Override
    public Dialog getDialog() {
        return null;
    }

    @Override
    public TransactionState getState() {
        return answered ? TransactionState.TERMINATED : TransactionState.TRYING;
    }

    @Override
    public int getRetransmitTimer() {
        throw new UnsupportedOperationException("a stateless answer has no retransmit timer");
    }

    @Override
    public void setRetransmitTimer(int retransmitTimer) {
        throw new UnsupportedOperationException("a stateless answer has no retransmit timer");
    }

    @Override
    public String getBranchId() {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? null : via.getBranch();
    }

    @Override
    public Request getRequest() {
        return request;
    }

    @Override
    public void setApplicationData(Object applicationData) {
        this.applicationData = applicationData;
    }

    @Override
    public Object getApplicationData() {
        return applicationData;
    }

    @Override
    public void terminate() {
        answered = true;
    }
}
