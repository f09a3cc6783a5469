package org.p2psip.control.message;

import java.time.Duration;
import java.util.Locale;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;

/** Writing and reading the fields {@link RtpConnect} and {@link RtpUpdate} share. */
final class LegChanges {
    static final int MIN_CLOCK_RATE = 1000;
    static final int MAX_CLOCK_RATE = 1_000_000;

    private LegChanges() {
    }

    /** Only presence: values are the receiver's to judge ({@code from} does), so a test can send a bad one. */
    static void check(String session, String leg) {
        Wire.nonEmpty(session, "session");
        Wire.nonEmpty(leg, "leg");
    }

    static ControlMessage write(RtpLegChange c) {
        ControlMessage m = ControlMessage.request(c.type()).with(Fields.SESSION, c.session()).with(Fields.LEG, c.leg());
        m = Wire.withOptional(m, Fields.MODE, c.mode());
        m = Wire.withOptional(m, Fields.REMOTE, c.remote());
        m = Wire.withOptional(m, Fields.REMOTE_RTCP, c.remoteRtcp());
        m = Wire.withOptional(m, Fields.KEEPALIVE, c.keepalive() == null ? null : Wire.seconds(c.keepalive()));
        m = Wire.withOptional(m, Fields.CLOCK_RATE, c.clockRate());
        return c.relatch() ? m.with(Fields.RELATCH, true) : m;
    }

    static String mode(ControlMessage m) throws ControlException {
        String mode = m.get(Fields.MODE);
        if (mode != null && !validMode(mode)) {
            throw Wire.invalid(m, Fields.MODE, mode, "mode must be active or passive");
        }
        return mode;
    }

    static Integer clockRate(ControlMessage m) throws ControlException {
        Integer c = Wire.optionalInt(m, Fields.CLOCK_RATE);
        if (c != null && (c < MIN_CLOCK_RATE || c > MAX_CLOCK_RATE)) {
            throw Wire.invalid(m, Fields.CLOCK_RATE, m.get(Fields.CLOCK_RATE), "clock_rate must be 1000..1000000 Hz");
        }
        return c;
    }

    static Duration keepalive(ControlMessage m) throws ControlException {
        return Wire.optionalSeconds(m, Fields.KEEPALIVE, true);
    }

    private static boolean validMode(String mode) {
        String s = mode.trim().toLowerCase(Locale.ROOT);
        return s.equals(RtpLegChange.ACTIVE) || s.equals(RtpLegChange.PASSIVE);
    }
}
