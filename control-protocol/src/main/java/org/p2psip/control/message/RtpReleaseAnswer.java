package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** The answer to {@code rtp.release}: {@code session}, {@code released} ({@code true}: the ports are already free). */
public record RtpReleaseAnswer(String session, boolean released) {
    public RtpReleaseAnswer {
        Wire.nonEmpty(session, "session");
    }

    public ControlMessage answer(ControlMessage request) {
        return ControlMessage.responseTo(request).with(Fields.SESSION, session).with(Fields.RELEASED, released);
    }

    public static RtpReleaseAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_RELEASE);
        String session = Wire.require(m, Fields.SESSION);
        if (m.get(Fields.RELEASED) == null) {
            throw Wire.missing(m, Fields.RELEASED);
        }
        return new RtpReleaseAnswer(session, Wire.optionalBoolean(m, Fields.RELEASED, false));
    }
}
