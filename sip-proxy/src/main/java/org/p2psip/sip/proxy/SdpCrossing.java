package org.p2psip.sip.proxy;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Message;
import org.p2psip.sip.call.CallTable;
import org.p2psip.sip.call.PortCall;
import org.p2psip.sip.sdp.MediaSession.Direction;

/**
 * Whether an SDP body crosses between this port's UA side and its overlay side (then the call's
 * side, {@code CallerSide} or {@code CalleeSide}, rewrites it), and the body helpers for that.
 */
final class SdpCrossing {
    private final boolean rewrite;
    private final CallTable calls;

    SdpCrossing(boolean rewrite, CallTable calls) {
        this.rewrite = rewrite;
        this.calls = calls;
    }

    /** The direction of a message going from side {@code from} to side {@code to}; null if its SDP stays as it is. */
    Direction direction(Side from, Side to) {
        if (!rewrite || from == to) {
            return null;
        }
        return to == Side.OVERLAY ? Direction.TO_OVERLAY : Direction.TO_UA;
    }

    /**
     * For messages forwarded statelessly: rewrites the SDP of {@code m} if it crosses and its call is
     * known here, then runs {@code send} (also when the rewrite failed: the body then stays).
     */
    void rewriteThenSend(Message m, Side from, Side to, Runnable send) {
        Direction dir = direction(from, to);
        PortCall call = calls.get(((CallIdHeader) m.getHeader(CallIdHeader.NAME)).getCallId());
        if (dir != null && call != null && isSdp(m)) {
            call.sdp(dir, body(m)).whenComplete((s, e) -> {
                if (s != null) {
                    setBody(m, s);
                }
                send.run();
            });
        } else {
            send.run();
        }
    }

    static boolean isSdp(Message m) {
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        return ct != null && "application".equalsIgnoreCase(ct.getContentType())
                && "sdp".equalsIgnoreCase(ct.getContentSubType()) && m.getRawContent() != null
                && m.getRawContent().length > 0;
    }

    static String body(Message m) {
        return new String(m.getRawContent(), StandardCharsets.UTF_8);
    }

    static void setBody(Message m, String sdp) {
        try {
            m.setContent(sdp.getBytes(StandardCharsets.UTF_8), (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME));
        } catch (ParseException e) {
            throw new IllegalStateException("cannot set SDP body: " + e.getMessage(), e);
        }
    }
}
