package org.p2psip.sip.message;

import java.text.ParseException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** The responses the P2PSIP-Port makes itself (proxy and registrar alike). */
public final class Responses {
    private Responses() {
    }

    /** A response to {@code req}; a final one gets a To tag if the request had none (RFC 3261 8.2.6.2). */
    public static Response response(MessageFactory messages, Request req, int code, String reason) {
        try {
            Response r = messages.createResponse(code, req);
            if (reason != null) {
                r.setReasonPhrase(oneLine(reason));
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

    /** A random To tag: 48 bits in hex. */
    public static String tag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
    }

    /** An error text fit for a reason phrase: one line, at most 120 characters. */
    public static String reason(String s) {
        String t = s == null ? "unknown error" : oneLine(s);
        return t.length() > 120 ? t.substring(0, 120) : t;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }
}
