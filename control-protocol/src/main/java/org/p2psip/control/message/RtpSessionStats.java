package org.p2psip.control.message;

import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;

/**
 * The statistics of one RTP-Port session in an {@code rtp.stats} answer: {@code role},
 * {@code age_ms}, {@code idle_ms}, {@code leg} repeated and {@code <leg>.<counter>} per leg (see
 * {@link RtpLeg}). In an all-sessions page every field carries the prefix {@code <session>:}.
 */
public record RtpSessionStats(String id, String role, long ageMillis, long idleMillis, List<RtpLeg> legs) {
    public RtpSessionStats {
        Wire.nonEmpty(id, "session id");
        Wire.nonEmpty(role, "role");
        legs = Wire.copy(legs);
    }

    /** The leg called {@code name}, or null. */
    public RtpLeg leg(String name) {
        return RtpLeg.named(legs, name);
    }

    ControlMessage addTo(ControlMessage r, String prefix) {
        r = r.with(prefix + Fields.ROLE, role).with(prefix + Fields.AGE_MS, ageMillis).with(prefix + Fields.IDLE_MS, idleMillis);
        for (RtpLeg l : legs) {
            r = r.with(prefix + Fields.LEG, l.name());
        }
        for (RtpLeg l : legs) {
            r = Wire.withAll(r, prefix + l.name() + Fields.LEG_SEPARATOR, l.fields());
        }
        return r;
    }

    static RtpSessionStats from(ControlMessage m, String id, String prefix) throws ControlException {
        String role = Wire.require(m, prefix + Fields.ROLE);
        long age = Wire.requireLong(m, prefix + Fields.AGE_MS);
        long idle = Wire.requireLong(m, prefix + Fields.IDLE_MS);
        return new RtpSessionStats(id, role, age, idle, RtpAllocateAnswer.legs(m, prefix));
    }
}
