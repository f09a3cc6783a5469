package org.p2psip.sip.proxy;

import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.control.ErrorCode;
import org.p2psip.sip.message.Responses;
import org.p2psip.sip.overlay.OverlayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The responses the proxy makes itself, and the count of requests it rejected. */
final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    /** Retry-After of a 503 for overload: long enough for a burst to pass, short for a phone's user. */
    static final int OVERLOAD_RETRY_AFTER_SECONDS = 2;

    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final LadderFeed trace;

    Replies(MessageFactory messages, HeaderFactory headers, LadderFeed trace) {
        this.messages = messages;
        this.headers = headers;
        this.trace = trace;
    }

    /**
     * The 503 with Retry-After (RFC 3261 21.5.4) that refuses a new call at once because of {@code load}
     * (overload control, {@link StatelessRefusals}); counted as shed and rejected.
     */
    Response overloadResponse(Request req, String load) {
        shed.incrementAndGet();
        countIfRejected(Response.SERVICE_UNAVAILABLE);
        return response(req, Response.SERVICE_UNAVAILABLE, "Service Unavailable (overloaded: " + load + ")");
    }

    /** New calls refused by overload control so far. */
    long shed() {
        return shed.get();
    }

    /**
     * A response of this proxy's own. Its 503s all stand for something that passes (overload, the OM, the
     * lookup service or a relay out of resources): each says when to try again, {@value #OVERLOAD_RETRY_AFTER_SECONDS}
     * s (RFC 3261 21.5.4), so that a phone retries later instead of at once or never.
     */
    Response response(Request req, int code, String reason) {
        Response r = Responses.response(messages, req, code, reason);
        if (code == Response.SERVICE_UNAVAILABLE) {
            try {
                r.setHeader(headers.createRetryAfterHeader(OVERLOAD_RETRY_AFTER_SECONDS));
            } catch (InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
        }
        return r;
    }

    /** Answers {@code req} without a transaction (one the stack would not create); counted as rejected. */
    void statelessly(javax.sip.SipProvider provider, Request req, int code, String reason) {
        countIfRejected(code);
        if (Request.ACK.equals(req.getMethod())) {
            return;
        }
        try {
            provider.sendResponse(response(req, code, reason));
        } catch (javax.sip.SipException | RuntimeException e) {
            log.debug("could not send {} statelessly: {}", code, e.getMessage());
        }
    }

    /** Answers {@code req} on {@code st}; an error counts as a rejected request. */
    void respond(ServerTransaction st, Request req, int code, String reason) {
        countIfRejected(code);
        Response r = response(req, code, reason);
        send(st, r);
        trace.sent(st, r);
    }

    void countIfRejected(int code) {
        if (code >= 300) {
            rejected.incrementAndGet();
        }
    }

    long rejected() {
        return rejected.get();
    }

    static void send(ServerTransaction st, Response r) {
        try {
            st.sendResponse(r);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            log.debug("could not send {}: {}", r.getStatusCode(), e.getMessage());
        }
    }

    /** The Overlay Manager's failure behind a failed future. */
    static OverlayException overlayFailure(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof OverlayException) {
            return (OverlayException) t;
        }
        return new OverlayException(ErrorCode.INTERNAL, String.valueOf(t));
    }

    /** The message of the failure behind a failed future. */
    static String cause(Throwable e) {
        Throwable t = unwrap(e);
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
