package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The RTP-Port's answer to {@code port.status}: {@code name}, {@code address}, {@code sessions},
 * {@code relay_sessions}, {@code endpoint_sessions}, {@code ports} ({@code LOW-HIGH}),
 * {@code ports_free}, {@code max_sessions}, {@code capacity} (relay sessions that still fit: what
 * the OM advertises in the lookup service), {@code relay}, {@code transports} ({@code udp,tcp}),
 * {@code workers}, {@code packets_forwarded}, {@code drops}, {@code wakeups}.
 */
public record RtpPortStatus(String name, String address, int sessions, int relaySessions, int endpointSessions,
                            int portLow, int portHigh, int portsFree, int maxSessions, int capacity, boolean relay,
                            String transports, int workers, long packetsForwarded, long drops, long wakeups) {
    public RtpPortStatus {
        Wire.nonEmpty(name, "name");
        Wire.nonEmpty(address, "address");
        Wire.nonEmpty(transports, "transports");
    }

    public ControlMessage answer(ControlMessage request) {
        return ControlMessage.responseTo(request)
                .with(Fields.NAME, name)
                .with(Fields.ADDRESS, address)
                .with(Fields.SESSIONS, sessions)
                .with(Fields.RELAY_SESSIONS, relaySessions)
                .with(Fields.ENDPOINT_SESSIONS, endpointSessions)
                .with(Fields.PORTS, portLow + "-" + portHigh)
                .with(Fields.PORTS_FREE, portsFree)
                .with(Fields.MAX_SESSIONS, maxSessions)
                .with(Fields.CAPACITY, capacity)
                .with(Fields.RELAY, relay)
                .with(Fields.TRANSPORTS, transports)
                .with(Fields.WORKERS, workers)
                .with(Fields.PACKETS_FORWARDED, packetsForwarded)
                .with(Fields.DROPS, drops)
                .with(Fields.WAKEUPS, wakeups);
    }

    public static RtpPortStatus from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PORT_STATUS);
        String ports = Wire.require(m, Fields.PORTS);
        int dash = ports.indexOf('-');
        int low;
        int high;
        try {
            low = Integer.parseInt(ports.substring(0, Math.max(dash, 0)));
            high = Integer.parseInt(ports.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw Wire.invalid(m, Fields.PORTS, ports, "must be LOW-HIGH");
        }
        return new RtpPortStatus(Wire.require(m, Fields.NAME), Wire.require(m, Fields.ADDRESS),
                Wire.requireInt(m, Fields.SESSIONS), Wire.requireInt(m, Fields.RELAY_SESSIONS),
                Wire.requireInt(m, Fields.ENDPOINT_SESSIONS), low, high, Wire.requireInt(m, Fields.PORTS_FREE),
                Wire.requireInt(m, Fields.MAX_SESSIONS), Wire.requireInt(m, Fields.CAPACITY),
                Wire.optionalBoolean(m, Fields.RELAY, false), Wire.require(m, Fields.TRANSPORTS),
                Wire.requireInt(m, Fields.WORKERS), Wire.requireLong(m, Fields.PACKETS_FORWARDED),
                Wire.requireLong(m, Fields.DROPS), Wire.requireLong(m, Fields.WAKEUPS));
    }
}
