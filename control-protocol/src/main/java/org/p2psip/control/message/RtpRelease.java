package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code rtp.release} (OM -> RTP-Port): release {@code session} and free its ports at once; answered by {@link RtpReleaseAnswer}. */
public record RtpRelease(String session) {
    public RtpRelease {
        Wire.nonEmpty(session, "session");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.RTP_RELEASE).with(Fields.SESSION, session);
    }

    public static RtpRelease from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_RELEASE);
        return new RtpRelease(Wire.require(m, Fields.SESSION));
    }
}
