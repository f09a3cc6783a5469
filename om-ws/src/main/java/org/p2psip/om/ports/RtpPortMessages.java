package org.p2psip.om.ports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpLeg;
import org.p2psip.control.message.RtpLegChange;
import org.p2psip.control.message.RtpSessionStats;
import org.p2psip.control.message.RtpUpdate;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.TransportKind;

/**
 * The OM's {@code rtp.*} requests to its RTP-Port as the control protocol's typed messages
 * ({@code org.p2psip.control.message}), and their answers as {@link PortSession}s: which StartPort
 * parameters become which {@link RtpAllocate} fields, how the port's legs map to the OM's
 * ({@link PortSession#LEG_CALLER}, {@link PortSession#LEG_CALLEE}, {@link PortSession#LEG_UA}),
 * and which side of a leg sends first ({@link RtpConnect} modes).
 */
final class RtpPortMessages {
    /** StartPort's role of an RTP-Port session at either end of a media chain (RTP1, RTP2): an endpoint session. */
    static final String EDGE = "edge";
    /** The RTP-Port's relay session legs (RTP3): towards the caller, towards the callee. */
    private static final String RELAY_LEG_A = "a";
    private static final String RELAY_LEG_B = "b";
    /** Session detail {@code port.leg.<OM leg>}: the RTP-Port's name of the leg the OM calls {@code <OM leg>}. */
    private static final String PORT_LEG = "port.leg.";

    private RtpPortMessages() {
    }

    /**
     * {@code rtp.allocate} of session {@code sessionId} for {@code satoId} (may be null): {@code role}
     * endpoint (also for StartPort's {@code edge}) or relay, {@code transport} the RTP-Port's name of
     * the overlay transport; every other StartPort parameter passed through unchanged.
     */
    static RtpAllocate allocate(String sessionId, String satoId, Map<String, String> params) throws OmException {
        String role = params.getOrDefault(Fields.ROLE, RtpAllocate.ENDPOINT);
        if (role.equals(EDGE)) {
            role = RtpAllocate.ENDPOINT;
        }
        Map<String, String> extra = new LinkedHashMap<>(params);
        extra.keySet().removeAll(List.of(Fields.SESSION, Fields.SATO, Fields.ROLE, Fields.TRANSPORT));
        return new RtpAllocate(sessionId, role, rtpTransport(transport(params)), Map.of(), null, satoId, extra);
    }

    /** The session an {@code rtp.allocate} answer describes: each leg's address, the port's leg names in the details. */
    static PortSession session(PortKind kind, ControlMessage answer, String satoId, String ownerNodeId,
                               Map<String, String> params) throws OmException {
        RtpAllocateAnswer r;
        try {
            r = RtpAllocateAnswer.from(answer);
        } catch (ControlException e) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), "the " + kind + " answered a bad "
                    + answer.type() + ": " + e.getMessage());
        }
        Map<String, Address> legs = new LinkedHashMap<>();
        Map<String, String> portLegs = new LinkedHashMap<>();
        for (RtpLeg leg : r.legs()) {
            String port = leg.get(Fields.PORT) != null ? leg.get(Fields.PORT) : leg.get(Fields.RTP);
            if (port == null) {
                continue;
            }
            Address a = address(kind, r.address(), port);
            for (String mine : ourLegs(leg.name())) {
                legs.put(mine, a);
                portLegs.put(mine, leg.name());
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put(Fields.ROLE, r.role());
        details.put(Fields.TRANSPORT, transport(params));
        portLegs.forEach((mine, theirs) -> details.put(PORT_LEG + mine, theirs));
        return new PortSession(r.session(), kind, satoId, ownerNodeId, legs, details);
    }

    /**
     * {@code rtp.connect} of the session's leg {@code leg} (the OM's name) towards {@code remote}.
     * Along the chain the caller's side is active (sends first, connects for TCP, keeps NAT
     * bindings alive) and the callee's side passive (latches onto the real source). Behind a NAT
     * the inside end always sends first, and the outside end latches onto whatever public address
     * and port the NAT gave it. The UA leg keeps the port's default mode.
     */
    static RtpConnect connect(PortSession session, String leg, Address remote, SatoPorts.LegStart start) {
        String portLeg = session.details().getOrDefault(PORT_LEG + leg, leg);
        String mode = null;
        String far = remote.toString();
        if (!portLeg.equals(Fields.UA)) {
            switch (start) {
                case ACTIVE:
                    mode = RtpLegChange.ACTIVE;
                    break;
                case LATCH_ANY:
                    far = RtpLegChange.ANY;
                    mode = RtpLegChange.PASSIVE;
                    break;
                default:
                    mode = leg.equals(PortSession.LEG_CALLEE) ? RtpLegChange.ACTIVE : RtpLegChange.PASSIVE;
            }
        }
        return RtpConnect.of(session.sessionId(), portLeg, mode, far);
    }

    /**
     * {@code rtp.update} re-pointing the session's leg {@code leg} (the OM's name) at {@code remote},
     * started as {@link #connect} would start it; a passive leg forgets its latched source.
     */
    static RtpUpdate repoint(PortSession session, String leg, Address remote, SatoPorts.LegStart start) {
        RtpConnect c = connect(session, leg, remote, start);
        RtpUpdate u = RtpUpdate.of(c.session(), c.leg()).withRemote(c.remote());
        if (c.mode() != null) {
            u = u.withMode(c.mode());
        }
        return RtpLegChange.PASSIVE.equals(c.mode()) ? u.withRelatch(true) : u;
    }

    /** The leg counters {@link #counters} reads: what the media watch asks {@code rtp.stats} for. */
    static final List<String> COUNTERS = List.of(Fields.PACKETS_IN, Fields.RTP_EXPECTED, Fields.RTP_LOST, Fields.JITTER_MS);

    /** The counters of an endpoint session in an {@code rtp.stats} answer (null for a relay session). */
    static MediaCounters counters(RtpSessionStats s) {
        RtpLeg ua = s.leg(Fields.UA);
        RtpLeg overlay = s.leg(Fields.OVERLAY);
        if (ua == null || overlay == null) {
            return null;
        }
        return new MediaCounters(s.id(), number(ua.get(Fields.PACKETS_IN)), number(overlay.get(Fields.PACKETS_IN)),
                number(overlay.get(Fields.RTP_EXPECTED)), number(overlay.get(Fields.RTP_LOST)),
                decimal(overlay.get(Fields.JITTER_MS)));
    }

    private static long number(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double decimal(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The overlay transport a StartPort asks for (OM IF name), udp if it names none. */
    static String transport(Map<String, String> params) {
        return params.getOrDefault(Fields.TRANSPORT, TransportKind.UDP.wire());
    }

    /** The RTP-Port's name of an overlay transport: udp, or tcp (RFC 4571 framing). */
    static String rtpTransport(String wire) throws OmException {
        if (wire.equals(TransportKind.UDP.wire())) {
            return RtpAllocate.UDP;
        }
        if (wire.equals(TransportKind.TCP_RFC4571.wire()) || wire.equals(RtpAllocate.TCP)) {
            return RtpAllocate.TCP;
        }
        throw new OmException(Kind.UNSUPPORTED_TRANSPORT, "udp,tcp-rfc4571", "the RTP-Port carries media over udp or tcp-rfc4571, not " + wire);
    }

    /**
     * The OM's leg names for an RTP-Port leg: an endpoint session (RTP1, RTP2) has {@code ua} and
     * one {@code overlay} leg that faces whichever side the chain continues on; a relay session
     * (RTP3) has {@code a} (towards the caller) and {@code b} (towards the callee).
     */
    private static List<String> ourLegs(String portLeg) {
        switch (portLeg) {
            case Fields.UA:
                return List.of(PortSession.LEG_UA);
            case Fields.OVERLAY:
                return List.of(PortSession.LEG_CALLER, PortSession.LEG_CALLEE);
            case RELAY_LEG_A:
                return List.of(PortSession.LEG_CALLER);
            case RELAY_LEG_B:
                return List.of(PortSession.LEG_CALLEE);
            default:
                return List.of(portLeg);
        }
    }

    /** A leg's address from the answer's {@code address} (a bare host, IPv6 unbracketed) and the leg's port. */
    private static Address address(PortKind kind, String host, String port) throws OmException {
        try {
            return Address.of(new HostPort(host, Integer.parseInt(port.trim())));
        } catch (IllegalArgumentException e) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), "the " + kind + " answered a bad address '" + host + ":" + port + "'");
        }
    }
}
