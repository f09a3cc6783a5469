package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code rtp.stats} (OM -> RTP-Port): the statistics of {@code session} (answered by
 * {@link RtpStatsAnswer}), or with no session of every session, a page at a time in id order,
 * starting after {@code after} (answered by {@link RtpStatsPage}). Null: absent.
 */
public record RtpStats(String session, String after) {
    public RtpStats {
        Wire.requireArg(session == null || after == null, "after pages the all-sessions form only");
    }

    public static RtpStats of(String session) {
        return new RtpStats(Wire.nonEmpty(session, "session"), null);
    }

    /** Every session, the first page. */
    public static RtpStats all() {
        return new RtpStats(null, null);
    }

    /** Every session whose id sorts after {@code after} (the previous page's {@link RtpStatsPage#nextAfter()}). */
    public static RtpStats allAfter(String after) {
        return new RtpStats(null, after);
    }

    /** Whether this asks for one session. */
    public boolean oneSession() {
        return session != null && !session.isEmpty();
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(Wire.withOptional(ControlMessage.request(MessageTypes.RTP_STATS), Fields.SESSION, session),
                Fields.AFTER, after);
    }

    public static RtpStats from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_STATS);
        String session = m.get(Fields.SESSION);
        String after = m.get(Fields.AFTER);
        if (session != null && !session.isEmpty()) {
            return new RtpStats(session, null);
        }
        return new RtpStats(null, after == null || after.isEmpty() ? null : after);
    }
}
