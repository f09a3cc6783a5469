package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * Event {@code rtp.leg.failed} (RTP-Port -> OM): leg {@code leg} of {@code session} failed;
 * {@code reason} (TCP connect failed or timed out, connection closed or broken, ended inside an
 * RFC 4571 frame). A passive TCP leg goes back to waiting; an active one stays failed until
 * {@code rtp.update}.
 */
public record RtpLegFailed(String session, String leg, String reason) {
    public RtpLegFailed {
        Wire.nonEmpty(session, "session");
        Wire.nonEmpty(leg, "leg");
        Wire.requireArg(reason != null, "reason must not be null");
    }

    public ControlMessage toMessage() {
        return ControlMessage.event(MessageTypes.RTP_LEG_FAILED).with(Fields.SESSION, session).with(Fields.LEG, leg)
                .with(Fields.REASON, reason);
    }

    public static RtpLegFailed from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_LEG_FAILED);
        return new RtpLegFailed(Wire.require(m, Fields.SESSION), Wire.require(m, Fields.LEG), Wire.present(m, Fields.REASON));
    }
}
