package org.p2psip.om.ports;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's SATO-Ports driven over the control protocol (Unix-domain sockets, interface 1 of the
 * paper's Figure 1): the OM connects to each port's socket as role {@code om} and sends
 *
 * <ul>
 *   <li>RTP-Port (rtp-proxy/README.md): {@code rtp.allocate} ({@code session} chosen here,
 *       {@code role} endpoint|relay, {@code transport} udp|tcp, {@code sato}, plus the StartPort
 *       parameters) answered with {@code address}, the legs ({@code leg}, repeated) and each leg's
 *       port ({@code <leg>.port}, {@code ua.rtp}); {@code rtp.connect} ({@code session},
 *       {@code leg}, {@code remote}, {@code mode}: the leg towards the callee active, the
 *       one towards the caller passive); {@code rtp.release}
 *       ({@code session});</li>
 *   <li>any port: {@code port.status}; the P2PSIP-Port answers it with its overlay-facing listener
 *       ({@code overlay.tcp} / {@code overlay.tls}, or {@code overlay}).</li>
 * </ul>
 * A port whose socket is not configured or not answering is reported as not running; requests
 * for it fail with {@link Kind#RESOURCES_EXHAUSTED} ("port unavailable").
 */
public final class ControlSatoPorts implements SatoPorts {
    private static final Logger log = LoggerFactory.getLogger(ControlSatoPorts.class);
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final Map<PortKind, ControlClient> clients;
    private final Set<ControlClient> owned;
    private final Set<TransportKind> signalling;
    private final Set<TransportKind> media;
    private final Duration timeout;
    private final String nodeName;
    private final AtomicLong sessionCounter = new AtomicLong();
    private final Map<String, PortSession> live = new java.util.concurrent.ConcurrentHashMap<>();

    private ControlSatoPorts(Builder b, Map<PortKind, ControlClient> clients, Set<ControlClient> owned) {
        this.clients = clients;
        this.owned = owned;
        this.signalling = Collections.unmodifiableSet(new LinkedHashSet<>(b.signalling));
        this.media = Collections.unmodifiableSet(new LinkedHashSet<>(b.media));
        this.timeout = b.timeout;
        this.nodeName = b.nodeName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The control connection to a port, or null if that port is not configured. */
    public ControlClient client(PortKind kind) {
        return clients.get(kind);
    }

    @Override
    public Set<TransportKind> transports(Purpose purpose) {
        PortKind k = purpose == Purpose.SIGNALLING ? PortKind.P2PSIP_PORT : PortKind.RTP_PORT;
        if (!clients.containsKey(k)) {
            return Set.of();
        }
        return purpose == Purpose.SIGNALLING ? signalling : media;
    }

    @Override
    public Address signallingEndpoint(TransportKind transport) throws OmException {
        ControlMessage st = call(PortKind.P2PSIP_PORT, new org.p2psip.control.message.PortStatus().toMessage());
        String a;
        try {
            a = P2psipPortStatus.from(st).overlayListener(transport.wire());
        } catch (ControlException e) {
            a = null;
        }
        if (a == null) {
            throw new OmException(Kind.UNSUPPORTED_TRANSPORT, transport.wire(),
                    "the P2PSIP-Port has no overlay listener for " + transport);
        }
        try {
            return Address.parse(a);
        } catch (IllegalArgumentException e) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "p2psip-port", "the P2PSIP-Port reported a bad overlay address '" + a + "'");
        }
    }

    @Override
    public PortSession start(PortKind kind, String satoId, String ownerNodeId, Map<String, String> params) throws OmException {
        String sessionId = nodeName + "-" + kind.wire() + "-" + sessionCounter.incrementAndGet();
        if (kind == PortKind.P2PSIP_PORT) {
            TransportKind t = TransportKind.TCP;
            if (params.containsKey(Fields.TRANSPORT)) {
                t = TransportKind.fromWire(params.get(Fields.TRANSPORT));
            }
            PortSession ps = new PortSession(sessionId, kind, satoId, ownerNodeId,
                    Map.of(PortSession.LEG_CALLER, signallingEndpoint(t)), Map.of(Fields.TRANSPORT, t.wire()));
            live.put(sessionId, ps);
            return ps;
        }
        String role = params.getOrDefault(Fields.ROLE, "endpoint");
        if (role.equals("edge")) {
            role = "endpoint";
        }
        String transport = params.getOrDefault(Fields.TRANSPORT, TransportKind.UDP.wire());
        ControlMessage req = ControlMessage.request(MessageTypes.RTP_ALLOCATE)
                .with(Fields.SESSION, sessionId)
                .with(Fields.ROLE, role)
                .with(Fields.TRANSPORT, rtpTransport(transport));
        if (satoId != null) {
            req = req.with(Fields.SATO, satoId);
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            String k = e.getKey();
            if (!k.equals(Fields.SESSION) && !k.equals(Fields.SATO) && !k.equals(Fields.ROLE) && !k.equals(Fields.TRANSPORT)) {
                req = req.with(k, e.getValue());
            }
        }
        ControlMessage r = call(kind, req);
        String id = r.get(Fields.SESSION, sessionId);
        String host = r.get(Fields.ADDRESS);
        Map<String, Address> legs = new LinkedHashMap<>();
        Map<String, String> portLegs = new LinkedHashMap<>();
        for (String leg : r.getAll(Fields.LEG)) {
            String port = r.get(leg + ".port", r.get(leg + ".rtp"));
            if (host == null || port == null) {
                continue;
            }
            Address a = parse(kind, host + ":" + port);
            for (String mine : ourLegs(leg)) {
                legs.put(mine, a);
                portLegs.put(mine, leg);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put(Fields.ROLE, r.get(Fields.ROLE, role));
        details.put(Fields.TRANSPORT, transport);
        portLegs.forEach((mine, theirs) -> details.put("port.leg." + mine, theirs));
        PortSession ps = new PortSession(id, kind, satoId, ownerNodeId, legs, details);
        live.put(id, ps);
        return ps;
    }

    /** The RTP-Port's name of an overlay transport: udp, or tcp (RFC 4571 framing). */
    static String rtpTransport(String wire) throws OmException {
        if (wire.equals(TransportKind.UDP.wire())) {
            return "udp";
        }
        if (wire.equals(TransportKind.TCP_RFC4571.wire()) || wire.equals("tcp")) {
            return "tcp";
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
            case "a":
                return List.of(PortSession.LEG_CALLER);
            case "b":
                return List.of(PortSession.LEG_CALLEE);
            default:
                return List.of(portLeg);
        }
    }

    private static Address parse(PortKind kind, String v) throws OmException {
        try {
            return Address.parse(v);
        } catch (IllegalArgumentException e) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), "the " + kind + " answered a bad address '" + v + "'");
        }
    }

    @Override
    public void stop(PortSession session) throws OmException {
        live.remove(session.sessionId());
        if (session.kind() == PortKind.P2PSIP_PORT) {
            return;
        }
        call(session.kind(), ControlMessage.request(MessageTypes.RTP_RELEASE).with(Fields.SESSION, session.sessionId()));
    }

    @Override
    public void connect(PortSession session, String leg, Address remote, TransportKind transport) throws OmException {
        connect(session, leg, remote, transport, LegStart.CHAIN);
    }

    @Override
    public void connect(PortSession session, String leg, Address remote, TransportKind transport, LegStart start)
            throws OmException {
        if (session.kind() != PortKind.RTP_PORT) {
            throw OmException.invalid("sessionId", "session " + session.sessionId() + " is not an RTP-Port session");
        }
        String portLeg = session.details().getOrDefault("port.leg." + leg, leg);
        ControlMessage req = ControlMessage.request(MessageTypes.RTP_CONNECT)
                .with(Fields.SESSION, session.sessionId())
                .with(Fields.LEG, portLeg)
                .with(Fields.REMOTE, remote.toString());
        if (!portLeg.equals(Fields.UA)) {
            // Along the chain the caller's side is active (sends first, connects for TCP, keeps NAT
            // bindings alive) and the callee's side passive (latches onto the real source).
            // Behind a NAT the inside end always sends first, and the outside end latches onto
            // whatever public address and port the NAT gave it.
            switch (start) {
                case ACTIVE:
                    req = req.with(Fields.MODE, "active");
                    break;
                case LATCH_ANY:
                    req = ControlMessage.request(MessageTypes.RTP_CONNECT).with(Fields.SESSION, session.sessionId())
                            .with(Fields.LEG, portLeg).with(Fields.REMOTE, "any").with(Fields.MODE, "passive");
                    break;
                default:
                    req = req.with(Fields.MODE, leg.equals(PortSession.LEG_CALLEE) ? "active" : "passive");
            }
        }
        call(PortKind.RTP_PORT, req);
    }

    @Override
    public List<PortStatus> status() {
        List<PortStatus> out = new ArrayList<>();
        for (Map.Entry<PortKind, ControlClient> e : clients.entrySet()) {
            PortKind k = e.getKey();
            int sessions = (int) live.values().stream().filter(s -> s.kind() == k).count();
            Map<String, String> details = new LinkedHashMap<>();
            boolean running = false;
            try {
                ControlMessage st = e.getValue().call(ControlMessage.request(MessageTypes.PORT_STATUS), STATUS_TIMEOUT);
                running = true;
                for (Map.Entry<String, String> f : st.fields()) {
                    details.merge(f.getKey(), f.getValue(), (a, b) -> a + "," + b);
                }
            } catch (ControlException ex) {
                details.put("error", ex.getMessage());
            }
            details.put("socket", e.getValue().path().toString());
            out.add(new PortStatus(k, displayName(k), running, sessions, details));
        }
        return out;
    }

    private ControlMessage call(PortKind kind, ControlMessage req) throws OmException {
        ControlClient c = clients.get(kind);
        if (c == null) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), "this node runs no " + kind);
        }
        try {
            return c.call(req, timeout);
        } catch (ControlException e) {
            throw map(kind, req, e);
        }
    }

    static OmException map(PortKind kind, ControlMessage req, ControlException e) {
        String what = kind + " " + req.type() + ": " + e.getMessage();
        switch (e.code()) {
            case NOT_FOUND:
                return new OmException(Kind.UNKNOWN_SESSION, req.get(Fields.SESSION, ""), what);
            case UNSUPPORTED:
                return new OmException(Kind.UNSUPPORTED_TRANSPORT, req.get(Fields.TRANSPORT, ""), what);
            case BAD_REQUEST:
                return new OmException(Kind.INVALID_REQUEST, "parameter", what);
            case RESOURCE_EXHAUSTED:
            default:
                return new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), what);
        }
    }

    /** Closes the control connections this object opened (not those handed to it with {@code rtpPort(ControlClient)}). */
    @Override
    public void close() {
        owned.forEach(ControlClient::close);
    }

    /** The port's name as the paper writes it. */
    private static String displayName(PortKind k) {
        return k == PortKind.RTP_PORT ? "RTP-Port" : "P2PSIP-Port";
    }

    /** Which port sockets to connect to, and what the ports offer. */
    public static final class Builder {
        private final Map<PortKind, Path> sockets = new LinkedHashMap<>();
        private final Map<PortKind, ControlClient> given = new LinkedHashMap<>();
        private Set<TransportKind> signalling = EnumSet.of(TransportKind.TCP);
        private Set<TransportKind> media = EnumSet.of(TransportKind.UDP, TransportKind.TCP_RFC4571);
        private Duration timeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private String nodeName = "om";
        private ControlHandler handler = ControlHandler.NONE;

        private Builder() {
        }

        public Builder rtpPort(Path socket) {
            sockets.put(PortKind.RTP_PORT, socket);
            return this;
        }

        /** An RTP-Port control connection someone else opened and closes (e.g. a port supervisor). */
        public Builder rtpPort(ControlClient connected) {
            given.put(PortKind.RTP_PORT, connected);
            return this;
        }

        /** A P2PSIP-Port control connection someone else opened and closes. */
        public Builder p2psipPort(ControlClient connected) {
            given.put(PortKind.P2PSIP_PORT, connected);
            return this;
        }

        public Builder p2psipPort(Path socket) {
            sockets.put(PortKind.P2PSIP_PORT, socket);
            return this;
        }

        /** Transports the P2PSIP-Port offers for signalling SATOs, best first (default tcp). */
        public Builder signallingTransports(Set<TransportKind> t) {
            this.signalling = t;
            return this;
        }

        /** Transports the RTP-Port offers for media SATOs, best first (default udp, tcp-rfc4571). */
        public Builder mediaTransports(Set<TransportKind> t) {
            this.media = t;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** A short name for session ids and the hello (e.g. the node id's first digits). */
        public Builder nodeName(String n) {
            this.nodeName = n;
            return this;
        }

        /** Handles what the ports ask of the OM (lookup.*, user.*, sato.*); default: UNKNOWN_TYPE. */
        public Builder handler(ControlHandler h) {
            this.handler = h;
            return this;
        }

        /** Connects to every configured port socket (waiting up to the connect timeout for each). */
        public ControlSatoPorts connect() throws OmException {
            Map<PortKind, ControlClient> clients = new LinkedHashMap<>(given);
            Set<ControlClient> opened = new LinkedHashSet<>();
            try {
                for (Map.Entry<PortKind, Path> e : sockets.entrySet()) {
                    if (given.containsKey(e.getKey())) {
                        continue;
                    }
                    ControlClient c = ControlClient.connect(e.getValue(), "om", nodeName, handler, connectTimeout);
                    opened.add(c);
                    clients.put(e.getKey(), c);
                    log.debug("OM connected to the {} at {}", e.getKey(), e.getValue());
                }
            } catch (ControlException e) {
                opened.forEach(ControlClient::close);
                throw new OmException(Kind.RESOURCES_EXHAUSTED, "port", e.getMessage(), e);
            }
            return new ControlSatoPorts(this, clients, opened);
        }
    }
}
