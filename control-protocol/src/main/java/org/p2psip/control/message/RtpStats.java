package org.p2psip.control.message;

import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code rtp.stats} (OM -> RTP-Port): the statistics of {@code session} (answered by
 * {@link RtpStatsAnswer}), or with no session of every session, a page at a time in id order,
 * starting after {@code after} (answered by {@link RtpStatsPage}). Null: absent. With
 * {@code counters} ({@code packets_in,rtp_lost}, ...) each leg carries only those of its fields: the
 * media watch reads four counters of every session 40 times a second, not the thirty of a full
 * answer.
 */
public record RtpStats(String session, String after, List<String> counters) {
    /** Counter names one request may ask for at most (a leg has about thirty fields). */
    public static final int MAX_COUNTERS = 64;

    public RtpStats {
        Wire.requireArg(session == null || after == null, "after pages the all-sessions form only");
        counters = counters == null ? null : List.copyOf(counters);
        if (counters != null) {
            Wire.requireArg(counters.size() <= MAX_COUNTERS, "at most " + MAX_COUNTERS + " counters, not " + counters.size());
            for (String c : counters) {
                Wire.requireArg(!c.isEmpty() && c.indexOf(',') < 0, "a counter name is not empty and has no comma: '" + c + "'");
            }
        }
    }

    public RtpStats(String session, String after) {
        this(session, after, null);
    }

    /** The same request for only {@code names} of each leg's fields. */
    public RtpStats onlyCounters(List<String> names) {
        return new RtpStats(session, after, names);
    }

    /** Whether a leg's field {@code name} is asked for. */
    public boolean wants(String name) {
        return counters == null || counters.contains(name);
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
        ControlMessage m = Wire.withOptional(Wire.withOptional(ControlMessage.request(MessageTypes.RTP_STATS), Fields.SESSION, session),
                Fields.AFTER, after);
        return counters == null ? m : m.with(Fields.COUNTERS, String.join(",", counters));
    }

    public static RtpStats from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_STATS);
        String session = m.get(Fields.SESSION);
        String after = m.get(Fields.AFTER);
        List<String> counters = counters(m);
        if (session != null && !session.isEmpty()) {
            return new RtpStats(session, null, counters);
        }
        return new RtpStats(null, after == null || after.isEmpty() ? null : after, counters);
    }

    private static List<String> counters(ControlMessage m) throws ControlException {
        String v = m.get(Fields.COUNTERS);
        if (v == null) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        String[] names = v.split(",", -1);
        if (names.length > MAX_COUNTERS) {
            throw Wire.invalid(m, Fields.COUNTERS, v.substring(0, Math.min(v.length(), 40)) + "...",
                    names.length + " names, more than " + MAX_COUNTERS);
        }
        for (String c : names) {
            String name = c.trim();
            if (name.isEmpty()) {
                throw Wire.invalid(m, Fields.COUNTERS, v, "an empty counter name");
            }
            out.add(name);
        }
        return out;
    }
}
