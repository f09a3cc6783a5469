package org.p2psip.phone;

import java.text.ParseException;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.stack.SipStacks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone's SIP side that every part shares: its JAIN-SIP stack and UDP listening point, its
 * address of record and Contact, the out-of-dialog requests it builds (pre-loaded loose Route to the
 * proxy), the responses it sends, its step lines, and whether it is closed.
 */
final class SipEndpoint {

    private static final Logger log = LoggerFactory.getLogger(SipEndpoint.class);

    static final String USER_AGENT = "p2psip-phone/0.1";
    private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS";

    private final PhoneConfig cfg;
    private final SipStack stack;
    private final SipProvider provider;
    private final String host;
    private final int port;
    private final AddressFactory af;
    private final HeaderFactory hf;
    private final MessageFactory mf;
    private final Address aor;
    private final Address contact;
    private volatile boolean closed;

    SipEndpoint(PhoneConfig cfg, SipStack stack, SipProvider provider, ListeningPoint lp) throws ParseException {
        this.cfg = cfg;
        this.stack = stack;
        this.provider = provider;
        this.host = lp.getIPAddress();
        this.port = lp.getPort();
        SipStacks.Factories f = SipStacks.factories();
        this.af = f.address();
        this.hf = f.header();
        this.mf = f.message();
        this.aor = af.createAddress(af.createSipURI(cfg.user(), cfg.domain()));
        SipURI c = af.createSipURI(cfg.user(), host);
        c.setPort(port);
        this.contact = af.createAddress(c);
    }

    PhoneConfig cfg() {
        return cfg;
    }

    SipProvider provider() {
        return provider;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    Address aor() {
        return aor;
    }

    /** {@code sip:USER@HOST:PORT}. */
    SipURI contactUri() {
        return (SipURI) contact.getURI();
    }

    /** {@code sip:USER@DOMAIN}. */
    SipURI sipUri(String user) throws ParseException {
        return af.createSipURI(user, cfg.domain());
    }

    Address address(SipURI uri) {
        return af.createAddress(uri);
    }

    HeaderFactory headers() {
        return hf;
    }

    ContentTypeHeader sdpContentType() throws ParseException {
        return hf.createContentTypeHeader("application", "sdp");
    }

    /**
     * An out-of-dialog request from the AoR with Via (rport), Contact, Max-Forwards 70, User-Agent
     * and the pre-loaded Route {@code <sip:PROXY;lr>}.
     */
    Request newRequest(String method, SipURI requestUri, Address to, CallIdHeader callId, long cseq,
            String fromTag) throws ParseException, InvalidArgumentException {
        FromHeader from = hf.createFromHeader(aor, fromTag);
        ToHeader toH = hf.createToHeader(to, null);
        ViaHeader via = hf.createViaHeader(host, port, ListeningPoint.UDP, null);
        via.setRPort();
        Request r = mf.createRequest(requestUri, method, callId, hf.createCSeqHeader(cseq, method), from, toH,
                List.of(via), hf.createMaxForwardsHeader(70));
        r.addHeader(hf.createContactHeader(contact));
        SipURI proxyUri = af.createSipURI(null, PhoneConfig.hostString(cfg.proxy()));
        proxyUri.setPort(cfg.proxy().getPort());
        proxyUri.setLrParam();
        r.addHeader(hf.createRouteHeader(af.createAddress(proxyUri)));
        r.addHeader(hf.createUserAgentHeader(List.of(USER_AGENT)));
        return r;
    }

    /** A response that opens the callee's side of a dialog: To tag and Contact (180 Ringing, 200 OK). */
    Response dialogResponse(int code, Request req, String toTag) throws ParseException {
        Response r = mf.createResponse(code, req);
        ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
        r.addHeader(hf.createContactHeader(contact));
        return r;
    }

    /** Sends a response, on {@code st} if there is one, else statelessly; failures are only logged. */
    void respond(ServerTransaction st, Request req, int code, String toTag) {
        try {
            Response r = mf.createResponse(code, req);
            if (toTag != null) {
                ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
            }
            if (code == Response.METHOD_NOT_ALLOWED) {
                r.addHeader(hf.createAllowHeader(ALLOW));
            }
            if (st != null) {
                st.sendResponse(r);
            } else {
                provider.sendResponse(r);
            }
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            log.debug("could not send {} to {}: {}", code, req.getMethod(), e.toString());
        }
    }

    /** The request's server transaction, created if need be; null for a retransmission. */
    ServerTransaction serverTransaction(RequestEvent e) {
        ServerTransaction st = e.getServerTransaction();
        if (st != null) {
            return st;
        }
        try {
            return provider.getNewServerTransaction(e.getRequest());
        } catch (SipException | RuntimeException ex) {
            log.debug("no server transaction for {}: {}", e.getRequest().getMethod(), ex.toString());
            return null; // retransmission (already handled) or stateless answer
        }
    }

    String proxyString() {
        return PhoneConfig.hostString(cfg.proxy()) + ":" + cfg.proxy().getPort();
    }

    /** Reports one step to {@link PhoneConfig#steps()}. */
    void step(String line) {
        try {
            cfg.steps().accept(line);
        } catch (RuntimeException e) {
            log.debug("step listener failed: {}", e.toString());
        }
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() throws PhoneException {
        if (closed) {
            throw new PhoneException("phone " + cfg.user() + " is closed");
        }
    }

    /** From now on the phone is closed: public calls fail, nothing new is scheduled or accepted. */
    void markClosed() {
        closed = true;
    }

    /** Stops the SIP stack (the last thing {@link Phone#close()} does). */
    void stopStack() {
        SipStacks.shutdown(stack, provider);
    }
}
