package org.p2psip.phone;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** What the phone reads from SIP messages, and the tags it makes up. */
final class SipMessages {

    private SipMessages() {
    }

    /** {@code 404 Not Found}: status code and reason phrase, for humans. */
    static String status(Response r) {
        return r.getStatusCode() + " " + (r.getReasonPhrase() == null ? "" : r.getReasonPhrase()).trim();
    }

    /** The body as text (the SDP), or null without one. */
    static String body(Message m) {
        byte[] raw = m.getRawContent();
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    /** The Call-ID, or {@code ""} without one. */
    static String callId(Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }

    /** The user part of the From URI ({@code bob}), else the whole URI, else {@code ?}. */
    static String fromUser(Request r) {
        FromHeader f = (FromHeader) r.getHeader(FromHeader.NAME);
        if (f != null && f.getAddress().getURI() instanceof SipURI u && u.getUser() != null) {
            return u.getUser();
        }
        return f == null ? "?" : f.getAddress().getURI().toString();
    }

    /** A random From or To tag. */
    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
