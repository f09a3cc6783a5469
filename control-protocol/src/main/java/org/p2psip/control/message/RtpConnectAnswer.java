package org.p2psip.control.message;

import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code rtp.connect} and {@code rtp.update}: {@code session}, {@code leg}, then the
 * leg's fields unprefixed ({@code transport}, {@code mode}, {@code state}, {@code remote}, local
 * port(s), counters), without those of the received RTP stream ({@code rtp_*}, {@code jitter*},
 * {@code clock_rate}), which {@code rtp.stats} gives.
 */
public record RtpConnectAnswer(String session, RtpLeg leg) {
    public RtpConnectAnswer {
        Wire.nonEmpty(session, "session");
        Wire.requireArg(leg != null, "leg must not be null");
    }

    /** The answer for a leg whose full fields (as {@code rtp.stats} has them) are {@code fields}. */
    public static RtpConnectAnswer of(String session, String leg, Map<String, String> fields) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String k = f.getKey();
            if (!k.startsWith(Fields.RTP_STREAM_PREFIX) && !k.startsWith(Fields.JITTER_PREFIX) && !k.startsWith(Fields.CLOCK_PREFIX)) {
                kept.put(k, f.getValue());
            }
        }
        return new RtpConnectAnswer(session, new RtpLeg(leg, kept));
    }

    public String state() {
        return leg.state();
    }

    public String remote() {
        return leg.remote();
    }

    public ControlMessage answer(ControlMessage request) {
        return Wire.withAll(ControlMessage.responseTo(request).with(Fields.SESSION, session).with(Fields.LEG, leg.name()),
                "", leg.fields());
    }

    public static RtpConnectAnswer from(ControlMessage m) throws ControlException {
        if (!m.type().equals(MessageTypes.RTP_CONNECT) && !m.type().equals(MessageTypes.RTP_UPDATE)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "expected an rtp.connect or rtp.update answer, not " + m.type());
        }
        String session = Wire.require(m, Fields.SESSION);
        String leg = Wire.require(m, Fields.LEG);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : m.fields()) {
            if (!f.getKey().equals(Fields.SESSION) && !f.getKey().equals(Fields.LEG)) {
                fields.putIfAbsent(f.getKey(), f.getValue());
            }
        }
        return new RtpConnectAnswer(session, new RtpLeg(leg, fields));
    }
}
