package org.p2psip.control.message;

import java.util.ArrayList;
import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code rtp.allocate}: {@code session}, {@code role}, {@code address} (the
 * advertised bind address of the media sockets), {@code leg} repeated, and each leg's fields as
 * {@code <leg>.<field>} ({@code <leg>.transport}, {@code ua.rtp}, {@code ua.rtcp},
 * {@code <leg>.port}); the {@code ua} leg's ports also unprefixed as {@code rtp}, {@code rtcp}.
 */
public record RtpAllocateAnswer(String session, String role, String address, List<RtpLeg> legs) {
    public RtpAllocateAnswer {
        Wire.nonEmpty(session, "session");
        Wire.nonEmpty(role, "role");
        Wire.nonEmpty(address, "address");
        legs = Wire.copy(legs);
    }

    /** The leg called {@code name}, or null. */
    public RtpLeg leg(String name) {
        return RtpLeg.named(legs, name);
    }

    /** The leg names, in order. */
    public List<String> legNames() {
        List<String> out = new ArrayList<>(legs.size());
        legs.forEach(l -> out.add(l.name()));
        return out;
    }

    public ControlMessage answer(ControlMessage request) {
        ControlMessage r = ControlMessage.responseTo(request).with(Fields.SESSION, session).with(Fields.ROLE, role)
                .with(Fields.ADDRESS, address);
        for (RtpLeg l : legs) {
            r = r.with(Fields.LEG, l.name());
        }
        for (RtpLeg l : legs) {
            r = Wire.withAll(r, l.name() + Fields.LEG_SEPARATOR, l.fields());
            if (Fields.UA.equals(l.name())) {
                r = Wire.withOptional(Wire.withOptional(r, Fields.RTP, l.get(Fields.RTP)), Fields.RTCP, l.get(Fields.RTCP));
            }
        }
        return r;
    }

    public static RtpAllocateAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_ALLOCATE);
        String session = Wire.require(m, Fields.SESSION);
        String role = Wire.require(m, Fields.ROLE);
        String address = Wire.require(m, Fields.ADDRESS);
        return new RtpAllocateAnswer(session, role, address, legs(m, ""));
    }

    /** The legs named by {@code <prefix>leg}, each with its {@code <prefix><leg>.} fields. */
    static List<RtpLeg> legs(ControlMessage m, String prefix) throws ControlException {
        List<RtpLeg> legs = new ArrayList<>();
        for (String name : m.getAll(prefix + Fields.LEG)) {
            if (name.isEmpty()) {
                throw Wire.invalid(m, prefix + Fields.LEG, name, "empty leg name");
            }
            legs.add(new RtpLeg(name, Wire.prefixed(m, prefix + name + Fields.LEG_SEPARATOR)));
        }
        return legs;
    }
}
