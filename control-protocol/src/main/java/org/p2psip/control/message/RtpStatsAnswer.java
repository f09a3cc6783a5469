package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code rtp.stats} of one session: {@code session}, then its {@link RtpSessionStats}
 * fields unprefixed ({@code role}, {@code age_ms}, {@code idle_ms}, {@code leg} repeated,
 * {@code <leg>.<counter>}).
 */
public record RtpStatsAnswer(RtpSessionStats stats) {
    public RtpStatsAnswer {
        Wire.requireArg(stats != null, "stats must not be null");
    }

    public String session() {
        return stats.id();
    }

    /** The leg called {@code name}, or null. */
    public RtpLeg leg(String name) {
        return stats.leg(name);
    }

    public ControlMessage answer(ControlMessage request) {
        return stats.addTo(ControlMessage.responseTo(request).with(Fields.SESSION, stats.id()), "");
    }

    public static RtpStatsAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_STATS);
        String id = Wire.require(m, Fields.SESSION);
        return new RtpStatsAnswer(RtpSessionStats.from(m, id, ""));
    }
}
