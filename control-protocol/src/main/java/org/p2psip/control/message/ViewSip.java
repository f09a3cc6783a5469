package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * Event {@code view.sip} (P2PSIP-Port -> OM, only while {@link ViewWatch} is on): one SIP message of
 * call {@code call} the port received ({@code direction=in}) or sent ({@code out}) on its {@code side}
 * ({@code ua}: towards the phone; {@code overlay}: towards another peer's P2PSIP-Port); {@code start}
 * is its short start line ({@code INVITE}, {@code 200 OK}), {@code cseq} its CSeq, {@code text} the
 * message itself (cut to {@link #MAX_TEXT} characters); {@code atMicros} when the port received or sent
 * it (microseconds since the epoch), so that the ladder orders it among the OM's steps by when it
 * happened, not by when the event arrived.
 */
public record ViewSip(String call, String direction, String side, String start, String cseq, String text, long atMicros) {
    /** The longest {@code text} carried. */
    public static final int MAX_TEXT = 4000;

    /** A message received or sent now. */
    public ViewSip(String call, String direction, String side, String start, String cseq, String text) {
        this(call, direction, side, start, cseq, text, nowMicros());
    }

    /** Microseconds since the epoch, now. */
    public static long nowMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    public ViewSip {
        Wire.nonEmpty(call, "call");
        Wire.requireArg("in".equals(direction) || "out".equals(direction), "direction must be in or out: " + direction);
        Wire.requireArg("ua".equals(side) || "overlay".equals(side), "side must be ua or overlay: " + side);
        Wire.nonEmpty(start, "start");
        cseq = cseq == null ? "" : cseq;
        text = text == null ? "" : text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }

    public ControlMessage toMessage() {
        return ControlMessage.event(MessageTypes.VIEW_SIP).with(Fields.CALL, call).with(Fields.DIRECTION, direction)
                .with(Fields.SIDE, side).with(Fields.START_LINE, start).with(Fields.CSEQ, cseq).with(Fields.TEXT, text)
                .with(Fields.AT_MICROS, Long.toString(atMicros));
    }

    public static ViewSip from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.VIEW_SIP);
        String direction = Wire.require(m, Fields.DIRECTION);
        if (!"in".equals(direction) && !"out".equals(direction)) {
            throw Wire.invalid(m, Fields.DIRECTION, direction, "must be in or out");
        }
        String side = Wire.require(m, Fields.SIDE);
        if (!"ua".equals(side) && !"overlay".equals(side)) {
            throw Wire.invalid(m, Fields.SIDE, side, "must be ua or overlay");
        }
        String at = m.get(Fields.AT_MICROS);
        long atMicros;
        try {
            atMicros = at == null ? nowMicros() : Long.parseLong(at); // a port that does not say: when it arrived
        } catch (NumberFormatException e) {
            throw Wire.invalid(m, Fields.AT_MICROS, at, "must be microseconds since the epoch");
        }
        return new ViewSip(Wire.require(m, Fields.CALL), direction, side, Wire.require(m, Fields.START_LINE),
                m.get(Fields.CSEQ), m.get(Fields.TEXT), atMicros);
    }
}
