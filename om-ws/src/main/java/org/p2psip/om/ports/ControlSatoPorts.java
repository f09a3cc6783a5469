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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.RtpStats;
import org.p2psip.control.message.RtpStatsPage;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.control.message.RtpRelease;
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
 *       one towards the caller passive); {@code rtp.release} ({@code session}); all as the
 *       control protocol's typed messages ({@link RtpPortMessages});</li>
 *   <li>any port: {@code port.status}; the P2PSIP-Port answers it with its overlay-facing listener
 *       ({@code overlay.tcp} / {@code overlay.tls}, or {@code overlay}).</li>
 * </ul>
 * A port whose socket is not configured or not answering is reported as not running; requests
 * for it fail with {@link Kind#RESOURCES_EXHAUSTED} ("port unavailable").
 */
public final class ControlSatoPorts implements SatoPorts {
    private static final Logger log = LoggerFactory.getLogger(ControlSatoPorts.class);
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    /** rtp.stats pages read at most for one reading of the media counters. */
    private static final int MAX_STATS_PAGES = 64;
    private static final org.p2psip.control.message.PortStatus PORT_STATUS = new org.p2psip.control.message.PortStatus();

    private final Map<PortKind, ControlClient> clients;
    private final Set<ControlClient> owned;
    private final Set<TransportKind> signalling;
    private final Set<TransportKind> media;
    private final Duration timeout;
    private final String nodeName;
    private final AtomicLong sessionCounter = new AtomicLong();
    private final Map<String, PortSession> live = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per transport (at most a handful): the P2PSIP-Port's overlay listener, see {@link #signallingEndpoint}. */
    private final Map<TransportKind, KnownEndpoint> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

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
        // The P2PSIP-Port's overlay listener is fixed for the life of its control connection: ask once
        // per connection, not once per call (a port.status round trip per SATO was on every call's path).
        ControlClient c = clients.get(PortKind.P2PSIP_PORT);
        ControlConnection via = c == null ? null : c.connection();
        KnownEndpoint known = endpoints.get(transport);
        if (known != null && via != null && known.via() == via) {
            return known.address();
        }
        Address a = askSignallingEndpoint(transport);
        if (via != null) {
            endpoints.put(transport, new KnownEndpoint(via, a));
        }
        return a;
    }

    /** A signalling endpoint the P2PSIP-Port reported, and the control connection it came over. */
    private record KnownEndpoint(ControlConnection via, Address address) {
    }

    private Address askSignallingEndpoint(TransportKind transport) throws OmException {
        ControlMessage st = call(PortKind.P2PSIP_PORT, PORT_STATUS.toMessage());
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
        RtpAllocate req = RtpPortMessages.allocate(sessionId, satoId, params);
        PortSession ps = RtpPortMessages.session(kind, call(kind, req.toMessage()), satoId, ownerNodeId, params);
        live.put(ps.sessionId(), ps);
        return ps;
    }

    @Override
    public void stop(PortSession session) throws OmException {
        live.remove(session.sessionId());
        if (session.kind() == PortKind.P2PSIP_PORT) {
            return;
        }
        call(session.kind(), new RtpRelease(session.sessionId()).toMessage());
    }

    @Override
    public void connect(PortSession session, String leg, Address remote, TransportKind transport) throws OmException {
        connect(session, leg, remote, transport, LegStart.CHAIN);
    }

    @Override
    public void connect(PortSession session, String leg, Address remote, TransportKind transport, LegStart start)
            throws OmException {
        requireRtpSession(session);
        call(PortKind.RTP_PORT, RtpPortMessages.connect(session, leg, remote, start).toMessage());
    }

    /** Every leg's {@code rtp.connect} written before the first answer is awaited: one wait instead of one per leg. */
    @Override
    public void connect(PortSession session, List<LegTarget> legs) throws OmException {
        requireRtpSession(session);
        ControlClient c = requiredClient(PortKind.RTP_PORT);
        List<ControlMessage> requests = new ArrayList<>(legs.size());
        List<CompletableFuture<ControlMessage>> answers = new ArrayList<>(legs.size());
        for (LegTarget t : legs) {
            ControlMessage req = RtpPortMessages.connect(session, t.leg(), t.remote(), t.start()).toMessage();
            requests.add(req);
            answers.add(c.request(req, timeout));
        }
        OmException first = null;
        for (int i = 0; i < answers.size(); i++) {
            try {
                answers.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw map(PortKind.RTP_PORT, requests.get(i), new ControlException(ErrorCode.INTERNAL, "interrupted"));
            } catch (ExecutionException e) {
                if (first == null) {
                    first = map(PortKind.RTP_PORT, requests.get(i), ControlConnection.asControlException(requests.get(i), e.getCause(), timeout));
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void repoint(PortSession session, String leg, Address remote, LegStart start) throws OmException {
        requireRtpSession(session);
        call(PortKind.RTP_PORT, RtpPortMessages.repoint(session, leg, remote, start).toMessage());
    }

    @Override
    public Map<String, MediaCounters> mediaCounters(java.util.Collection<String> sessionIds) {
        Map<String, MediaCounters> out = new LinkedHashMap<>();
        if (sessionIds.isEmpty() || !clients.containsKey(PortKind.RTP_PORT)) {
            return out;
        }
        java.util.Set<String> wanted = new java.util.HashSet<>(sessionIds);
        String after = null;
        try {
            for (int page = 0; page < MAX_STATS_PAGES; page++) {
                ControlMessage answer = call(PortKind.RTP_PORT,
                        (after == null ? RtpStats.all() : RtpStats.allAfter(after)).onlyCounters(RtpPortMessages.COUNTERS).toMessage());
                RtpStatsPage p = RtpStatsPage.from(answer);
                for (org.p2psip.control.message.RtpSessionStats st : p.sessions()) {
                    if (wanted.contains(st.id())) {
                        MediaCounters c = RtpPortMessages.counters(st);
                        if (c != null) {
                            out.put(st.id(), c);
                        }
                    }
                }
                if (!p.more() || p.nextAfter() == null) {
                    break;
                }
                after = p.nextAfter();
            }
        } catch (OmException | ControlException e) {
            log.debug("media counters: {}", e.getMessage());
        }
        return out;
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
                ControlMessage st = e.getValue().call(PORT_STATUS.toMessage(), STATUS_TIMEOUT);
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

    private static void requireRtpSession(PortSession session) throws OmException {
        if (session.kind() != PortKind.RTP_PORT) {
            throw OmException.invalid("sessionId", "session " + session.sessionId() + " is not an RTP-Port session");
        }
    }

    /** The control client of the {@code kind} port this node runs; RESOURCES_EXHAUSTED if it runs none. */
    private ControlClient requiredClient(PortKind kind) throws OmException {
        ControlClient c = clients.get(kind);
        if (c == null) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, kind.wire(), "this node runs no " + kind);
        }
        return c;
    }

    private ControlMessage call(PortKind kind, ControlMessage req) throws OmException {
        ControlClient c = requiredClient(kind);
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
