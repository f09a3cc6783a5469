package org.p2psip.sip.proxy;

import java.text.ParseException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.InvalidArgumentException;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.stack.SipStacks;

/** Small builders for the responses and headers the proxy makes itself. */
final class SipProxyHeaders {
    private SipProxyHeaders() {
    }

    static MaxForwardsHeader maxForwards(int n) throws InvalidArgumentException {
        return SipStacks.factories().header().createMaxForwardsHeader(n);
    }

    /** A response to {@code req}; a final one gets a To tag if the request had none (RFC 3261 8.2.6.2). */
    static Response response(MessageFactory messages, Request req, int code, String reason) {
        try {
            Response r = messages.createResponse(code, req);
            if (reason != null) {
                r.setReasonPhrase(reason.replaceAll("[\\r\\n]+", " "));
            }
            if (code >= 200) {
                ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
                if (to != null && to.getTag() == null) {
                    to.setTag(tag());
                }
            }
            return r;
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build response " + code + ": " + e.getMessage(), e);
        }
    }

    static String tag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
    }
}
