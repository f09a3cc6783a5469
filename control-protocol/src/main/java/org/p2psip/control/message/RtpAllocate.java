package org.p2psip.control.message;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code rtp.allocate} (OM -> RTP-Port, interface 1): allocate the relay session {@code session}.
 * {@code role} {@code endpoint} (RTP1, RTP2 of Figure 3: legs {@code ua}, {@code overlay}) or
 * {@code relay} (RTP3: legs {@code a}, {@code b}); null: absent (the port's default, endpoint).
 * {@code transport} {@code udp} or {@code tcp} for every overlay leg (null: absent, udp);
 * {@code legTransports} overrides it per leg ({@code transport_<leg>}); {@code idleTimeout}
 * ({@code idle_timeout}, seconds; null: the port's); {@code sato} the SATO the session serves
 * (optional); {@code extra}: further fields passed through unchanged (the OM IF's StartPort
 * parameters, e.g. {@code call}). Answered by {@link RtpAllocateAnswer}. Which transports a port
 * supports is the port's business ({@code UNSUPPORTED}), not checked here.
 */
public record RtpAllocate(String session, String role, String transport, Map<String, String> legTransports,
                          Duration idleTimeout, String sato, Map<String, String> extra) {
    public static final String ENDPOINT = "endpoint";
    public static final String RELAY = "relay";
    public static final String UDP = "udp";
    public static final String TCP = "tcp";

    public RtpAllocate {
        Wire.nonEmpty(session, "session");
        legTransports = Wire.copy(legTransports);
        extra = Wire.copy(extra);
    }

    /** An endpoint session (legs {@code ua} and {@code overlay}) whose overlay leg uses {@code transport}. */
    public static RtpAllocate endpoint(String session, String transport) {
        return new RtpAllocate(session, ENDPOINT, transport, Map.of(), null, null, Map.of());
    }

    /** A relay session: leg {@code a} (towards the caller) over {@code transportA}, leg {@code b} over {@code transportB}. */
    public static RtpAllocate relay(String session, String transportA, String transportB) {
        Map<String, String> legs = new LinkedHashMap<>();
        legs.put("a", transportA);
        legs.put("b", transportB);
        return new RtpAllocate(session, RELAY, null, legs, null, null, Map.of());
    }

    /** Only the session id: every other field absent (the port's defaults). */
    public static RtpAllocate session(String session) {
        return new RtpAllocate(session, null, null, Map.of(), null, null, Map.of());
    }

    public RtpAllocate withIdleTimeout(Duration d) {
        return new RtpAllocate(session, role, transport, legTransports, d, sato, extra);
    }

    public RtpAllocate withSato(String s) {
        return new RtpAllocate(session, role, transport, legTransports, idleTimeout, s, extra);
    }

    /** One more pass-through field. */
    public RtpAllocate withExtra(String field, String value) {
        Map<String, String> e = new LinkedHashMap<>(extra);
        e.put(field, value);
        return new RtpAllocate(session, role, transport, legTransports, idleTimeout, sato, e);
    }

    /** The role, {@code endpoint} if absent. */
    public String roleOrDefault() {
        return role == null ? ENDPOINT : role;
    }

    /** The transport of overlay leg {@code leg}: its override, else {@code transport}, else udp. */
    public String transportOf(String leg) {
        String t = legTransports.get(leg);
        return t != null ? t : transport != null ? transport : UDP;
    }

    public ControlMessage toMessage() {
        ControlMessage m = ControlMessage.request(MessageTypes.RTP_ALLOCATE).with(Fields.SESSION, session);
        m = Wire.withOptional(m, Fields.ROLE, role);
        m = Wire.withOptional(m, Fields.TRANSPORT, transport);
        m = Wire.withAll(m, Fields.TRANSPORT_PREFIX, legTransports);
        m = Wire.withOptional(m, Fields.IDLE_TIMEOUT, idleTimeout == null ? null : Wire.seconds(idleTimeout));
        m = Wire.withOptional(m, Fields.SATO, sato);
        return Wire.withAll(m, "", extra);
    }

    public static RtpAllocate from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_ALLOCATE);
        String session = Wire.require(m, Fields.SESSION);
        String role = m.get(Fields.ROLE);
        if (role != null) {
            String r = role.trim().toLowerCase(Locale.ROOT);
            if (!r.equals(ENDPOINT) && !r.equals(RELAY)) {
                throw Wire.invalid(m, Fields.ROLE, role, "role must be endpoint or relay");
            }
        }
        Map<String, String> legs = Wire.prefixed(m, Fields.TRANSPORT_PREFIX);
        Duration idle = Wire.optionalSeconds(m, Fields.IDLE_TIMEOUT, false);
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : m.fields()) {
            String k = f.getKey();
            if (!k.equals(Fields.SESSION) && !k.equals(Fields.ROLE) && !k.equals(Fields.TRANSPORT)
                    && !k.startsWith(Fields.TRANSPORT_PREFIX) && !k.equals(Fields.IDLE_TIMEOUT) && !k.equals(Fields.SATO)) {
                extra.putIfAbsent(k, f.getValue());
            }
        }
        return new RtpAllocate(session, role, m.get(Fields.TRANSPORT), legs, idle, m.get(Fields.SATO), extra);
    }
}
