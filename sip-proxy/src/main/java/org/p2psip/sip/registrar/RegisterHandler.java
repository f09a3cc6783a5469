package org.p2psip.sip.registrar;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.MessageChannel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Iterator;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.message.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's "save" verb on the P2PSIP-Port's SIP interface (RFC 3261 Sec. 10.3): takes a REGISTER
 * apart, lets the {@link Registrar} apply it (local bindings plus the user record in the lookup
 * service) and answers: 200 with every current Contact and its expiry, 423 with Min-Expires, 4xx for
 * a bad request, 503 when the lookup service did not store the record. Over UDP the answer is stateless
 * (the proxy's {@code StatelessTransaction}): a retransmitted REGISTER is applied again, and
 * {@link BindingUpdate} answers it as the first time.
 */
public final class RegisterHandler {
    private static final Logger log = LoggerFactory.getLogger(RegisterHandler.class);
    /** Retry-After of a 503 (the lookup service or the OM is not available). */
    static final int RETRY_AFTER_SECONDS = 5;

    private final Registrar registrar;
    private final MessageFactory messages;
    private final HeaderFactory headers;

    public RegisterHandler(Registrar registrar, MessageFactory messages, HeaderFactory headers) {
        this.registrar = registrar;
        this.messages = messages;
        this.headers = headers;
    }

    /** Answers {@code req} on {@code st} once the registrar applied it (asynchronously, after the lookup service stored the record). */
    public void register(ServerTransaction st, Request req) {
        ToHeader to = (ToHeader) req.getHeader(ToHeader.NAME);
        URI aor = to.getAddress().getURI();
        if (!(aor instanceof SipURI) || ((SipURI) aor).getUser() == null || ((SipURI) aor).getUser().isEmpty()) {
            send(st, Responses.response(messages, req, Response.NOT_FOUND,
                    "Not Found (the address-of-record in To needs a user part)"));
            return;
        }
        String user = ((SipURI) aor).getUser();
        List<ContactHeader> contacts = new ArrayList<>();
        boolean wildcard = false;
        for (Iterator<?> it = req.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            ContactHeader c = (ContactHeader) it.next();
            if (c.getAddress() == null || c.getAddress().isWildcard()) {
                wildcard = true;
            }
            contacts.add(c);
        }
        ExpiresHeader eh = (ExpiresHeader) req.getHeader(ExpiresHeader.NAME);
        int expires = eh == null ? -1 : eh.getExpires();
        CSeqHeader cseq = (CSeqHeader) req.getHeader(CSeqHeader.NAME);
        String callId = ((CallIdHeader) req.getHeader(CallIdHeader.NAME)).getCallId();
        ViaHeader via = (ViaHeader) req.getHeader(ViaHeader.NAME);
        Flow flow = flow(req, via);
        boolean natted = natted(via, flow);
        BindingUpdate.Request update = new BindingUpdate.Request(contacts, wildcard, expires, callId,
                cseq.getSeqNumber(), flow, natted, via.getBranch());
        registrar.register(user, update).whenComplete((r, e) -> {
            if (e != null) {
                log.error("REGISTER of {} failed", user, e);
                send(st, Responses.response(messages, req, Response.SERVER_INTERNAL_ERROR, null));
                return;
            }
            send(st, answer(req, r));
        });
    }

    private Response answer(Request req, BindingUpdate.Result r) {
        Response resp = Responses.response(messages, req, r.status(), r.isOk() ? null : r.reason());
        try {
            if (r.status() == Response.INTERVAL_TOO_BRIEF) {
                resp.addHeader(headers.createMinExpiresHeader(r.minExpires()));
            }
            if (r.status() == Response.SERVICE_UNAVAILABLE) {
                resp.addHeader(headers.createRetryAfterHeader(RETRY_AFTER_SECONDS));
            }
            if (r.isOk()) {
                long now = System.currentTimeMillis();
                for (Binding b : r.bindings()) {
                    ContactHeader c = headers.createContactHeader((javax.sip.address.Address) b.contact().clone());
                    c.setExpires(b.remainingSeconds(now));
                    if (b.q() >= 0) {
                        c.setQValue(b.q());
                    }
                    resp.addHeader(c);
                }
                resp.addHeader(headers.createDateHeader(Calendar.getInstance(java.util.TimeZone.getTimeZone("GMT"))));
            }
        } catch (InvalidArgumentException e) {
            log.debug("REGISTER answer header: {}", e.getMessage());
        }
        return resp;
    }

    /** The transport and real source of the request (what RFC 3581 calls received/rport). */
    static Flow flow(Request req, ViaHeader via) {
        SIPMessage m = (SIPMessage) req;
        String transport = via.getTransport().toLowerCase();
        Object channel = req instanceof gov.nist.javax.sip.message.SIPRequest
                ? ((gov.nist.javax.sip.message.SIPRequest) req).getMessageChannel() : null;
        if (channel instanceof MessageChannel) {
            transport = ((MessageChannel) channel).getTransport().toLowerCase();
        }
        InetAddress src = m.getPeerPacketSourceAddress() != null ? m.getPeerPacketSourceAddress() : m.getRemoteAddress();
        int port = m.getPeerPacketSourcePort() > 0 ? m.getPeerPacketSourcePort() : m.getRemotePort();
        if (src == null) {
            return new Flow(transport, via.getHost(), via.getPort() > 0 ? via.getPort() : 5060);
        }
        return new Flow(transport, src.getHostAddress(), port);
    }

    /** The UA's own idea of its address (Via sent-by) is not where its packets come from: it is behind a NAT. */
    static boolean natted(ViaHeader via, Flow flow) {
        int viaPort = via.getPort() > 0 ? via.getPort() : 5060;
        if (viaPort != flow.port()) {
            return true;
        }
        String host = via.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || !(Character.isDigit(host.charAt(0)) || host.indexOf(':') >= 0)) {
            return true; // a host name: never resolved on the signalling path; trust the packets' source
        }
        try {
            return !InetAddress.getByName(host).getHostAddress().equals(
                    InetAddress.getByName(flow.host()).getHostAddress());
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    private static void send(ServerTransaction st, Response r) {
        try {
            st.sendResponse(r);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            log.debug("could not answer REGISTER: {}", e.getMessage());
        }
    }
}
