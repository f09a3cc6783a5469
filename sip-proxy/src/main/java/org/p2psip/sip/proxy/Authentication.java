package org.p2psip.sip.proxy;

import java.text.ParseException;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.auth.DigestAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication step of the P2PSIP-Port, between RFC 3261 16.3 validation and the forwarding
 * policy, for requests from the UA side when a users file is given: a REGISTER must carry the
 * credentials of the user it registers (To), else 401 and nothing is stored; an initial INVITE those
 * of its caller (From), else 407. Other requests (in-dialog, CANCEL, ACK, OPTIONS ...) pass.
 */
final class Authentication {
    private static final Logger log = LoggerFactory.getLogger(Authentication.class);

    private final DigestAuthenticator auth;
    private final Replies replies;
    private final HeaderFactory headers;

    Authentication(DigestAuthenticator auth, Replies replies, HeaderFactory headers) {
        this.auth = auth;
        this.replies = replies;
        this.headers = headers;
    }

    /** True if {@code req} may go on; otherwise it was answered 401/407 here. */
    boolean admits(ServerTransaction st, Request req) {
        boolean register = Request.REGISTER.equals(req.getMethod());
        boolean initialInvite = Request.INVITE.equals(req.getMethod())
                && ((ToHeader) req.getHeader(ToHeader.NAME)).getTag() == null;
        if (!register && !initialInvite) {
            return true;
        }
        URI aor = register ? ((ToHeader) req.getHeader(ToHeader.NAME)).getAddress().getURI()
                : ((FromHeader) req.getHeader(FromHeader.NAME)).getAddress().getURI();
        String user = aor instanceof SipURI s ? s.getUser() : null;
        DigestAuthenticator.Verdict v = auth.check(req, user);
        if (v.admitted()) {
            return true;
        }
        int code = register ? Response.UNAUTHORIZED : Response.PROXY_AUTHENTICATION_REQUIRED;
        boolean firstTry = "no credentials".equals(v.why());
        if (firstTry || v.stale()) {
            log.debug("{} of {}: challenged ({})", req.getMethod(), user, v.why());
        } else {
            log.info("{} of {} refused: {}", req.getMethod(), user, v.why());
        }
        Response r = replies.response(req, code, register ? "Unauthorized" : "Proxy Authentication Required");
        try {
            auth.challenge(r, headers, v.stale());
        } catch (ParseException e) {
            throw new IllegalStateException("cannot make a digest challenge: " + e.getMessage(), e);
        }
        replies.countIfRejected(firstTry || v.stale() ? 0 : code);
        Replies.send(st, r);
        return false;
    }
}
