package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** Event {@code rtp.session.released} (RTP-Port -> OM): the port released {@code session} itself; {@code reason} (e.g. {@code idle: no packets for 60 s}). */
public record RtpSessionReleased(String session, String reason) {
    public RtpSessionReleased {
        Wire.nonEmpty(session, "session");
        Wire.requireArg(reason != null, "reason must not be null");
    }

    public ControlMessage toMessage() {
        return ControlMessage.event(MessageTypes.RTP_SESSION_RELEASED).with(Fields.SESSION, session).with(Fields.REASON, reason);
    }

    public static RtpSessionReleased from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_SESSION_RELEASED);
        return new RtpSessionReleased(Wire.require(m, Fields.SESSION), Wire.present(m, Fields.REASON));
    }
}
