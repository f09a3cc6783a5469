package org.p2psip.sip.proxy;

import java.text.ParseException;
import java.util.Iterator;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.transport.SipParserFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 Sec. 16.3, request validation: a single-value header given twice (400), SIP version (505), Request-URI scheme (416), Max-Forwards
 * (483; an OPTIONS to the proxy itself gets 200), Proxy-Require (420 with Unsupported), loop
 * detection (482). Syntax and the CSeq method are the JAIN-SIP parser's.
 */
final class RequestValidation {
    private static final Logger log = LoggerFactory.getLogger(RequestValidation.class);

    private final Interfaces ifs;
    private final LoopDetector loops;
    private final HeaderFactory headers;
    private final Replies replies;

    RequestValidation(Interfaces ifs, LoopDetector loops, HeaderFactory headers, Replies replies) {
        this.ifs = ifs;
        this.loops = loops;
        this.headers = headers;
        this.replies = replies;
    }

    /** Answers an invalid request itself and returns null; a valid one gives its loop-detection hash. */
    String validate(ServerTransaction st, Request req) {
        String method = req.getMethod();
        String twice = req instanceof gov.nist.javax.sip.message.SIPMessage m ? SipParserFactory.duplicateHeader(m) : null;
        if (twice != null) {
            replies.respond(st, req, Response.BAD_REQUEST, "Bad Request (more than one " + twice + " header)");
            return null;
        }
        // the RI's parser reads any start-line version as 2.0, but keeps the sender's version in its Via
        ViaHeader sender = (ViaHeader) req.getHeader(ViaHeader.NAME);
        String version = sender instanceof gov.nist.javax.sip.header.Via
                && ((gov.nist.javax.sip.header.Via) sender).getSentProtocol() != null
                ? ((gov.nist.javax.sip.header.Via) sender).getSentProtocol().getProtocolVersion() : "2.0";
        if (version != null && !"2.0".equals(version.trim())) {
            replies.respond(st, req, Response.VERSION_NOT_SUPPORTED, null);
            return null;
        }
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI)) {
            replies.respond(st, req, Response.UNSUPPORTED_URI_SCHEME, null);
            return null;
        }
        MaxForwardsHeader mf = (MaxForwardsHeader) req.getHeader(MaxForwardsHeader.NAME);
        if (mf != null && mf.getMaxForwards() <= 0) {
            if (Request.OPTIONS.equals(method) && ((SipURI) ruri).getUser() == null && ifs.isOwn((SipURI) ruri)) {
                replies.respond(st, req, Response.OK, null);
            } else {
                replies.respond(st, req, Response.TOO_MANY_HOPS, null);
            }
            return null;
        }
        Iterator<?> pr = req.getHeaders(ProxyRequireHeader.NAME);
        if (pr.hasNext()) {
            Response r = replies.response(req, Response.BAD_EXTENSION, null);
            while (pr.hasNext()) {
                try {
                    UnsupportedHeader u = headers.createUnsupportedHeader(((ProxyRequireHeader) pr.next()).getOptionTag());
                    r.addHeader(u);
                } catch (ParseException e) {
                    log.debug("bad Proxy-Require: {}", e.getMessage());
                }
            }
            Replies.send(st, r);
            return null;
        }
        String hash = loops.hash(req);
        if (loops.isLoop(req, hash, ifs)) {
            log.info("loop detected for {} {}", method, ruri);
            replies.respond(st, req, Response.LOOP_DETECTED, null);
            return null;
        }
        return hash;
    }
}
