package org.p2psip.control.message;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The P2PSIP-Port's answer to {@code port.status}: {@code name}, {@code ua} ({@code HOST:PORT} of
 * the UA side), {@code ua.transports}, {@code overlay} (the advertised overlay listener: what the
 * OM answers in the transport negotiation), {@code overlay.bound} (as bound), {@code sdp.rewrite}
 * ({@code on}/{@code off}); every other field (the counters {@link Fields#USERS},
 * {@link Fields#BINDINGS}, ..., and per-transport listeners {@code overlay.<transport>}) in
 * {@code other}, in order. Every field is optional (null: absent): a port reports what it has.
 */
public record P2psipPortStatus(String name, String ua, String uaTransports, String overlay, String overlayBound,
                               String sdpRewrite, Map<String, String> other) {
    private static final Set<String> NAMED = Set.of(Fields.NAME, Fields.UA, Fields.UA_TRANSPORTS, Fields.OVERLAY,
            Fields.OVERLAY_BOUND, Fields.SDP_REWRITE);

    public P2psipPortStatus {
        other = Wire.copy(other);
    }

    /**
     * The overlay listener for {@code transport} ({@code tcp}, {@code tls}): {@code overlay.<transport>},
     * or for tcp the plain {@code overlay}; null if the port has none.
     */
    public String overlayListener(String transport) {
        String a = other.get(Fields.OVERLAY_PREFIX + transport);
        if (a == null && "tcp".equals(transport)) {
            a = overlay;
        }
        return a;
    }

    /** A numeric field such as {@link Fields#USERS}, or {@code fallback} if absent or not a number. */
    public long counter(String field, long fallback) {
        return ControlMessage.longOr(other.get(field), fallback);
    }

    public ControlMessage answer(ControlMessage request) {
        ControlMessage m = ControlMessage.responseTo(request);
        m = Wire.withOptional(m, Fields.NAME, name);
        m = Wire.withOptional(m, Fields.UA, ua);
        m = Wire.withOptional(m, Fields.UA_TRANSPORTS, uaTransports);
        m = Wire.withOptional(m, Fields.OVERLAY, overlay);
        m = Wire.withOptional(m, Fields.OVERLAY_BOUND, overlayBound);
        m = Wire.withOptional(m, Fields.SDP_REWRITE, sdpRewrite);
        return Wire.withAll(m, "", other);
    }

    /** From a status map whose keys are the wire's field names (as the P2PSIP-Port keeps it). */
    public static P2psipPortStatus of(Map<String, String> fields) {
        Map<String, String> other = new LinkedHashMap<>(fields);
        other.keySet().removeAll(NAMED);
        return new P2psipPortStatus(fields.get(Fields.NAME), fields.get(Fields.UA), fields.get(Fields.UA_TRANSPORTS),
                fields.get(Fields.OVERLAY), fields.get(Fields.OVERLAY_BOUND), fields.get(Fields.SDP_REWRITE), other);
    }

    public static P2psipPortStatus from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PORT_STATUS);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : m.fields()) {
            fields.putIfAbsent(f.getKey(), f.getValue());
        }
        return of(fields);
    }
}
