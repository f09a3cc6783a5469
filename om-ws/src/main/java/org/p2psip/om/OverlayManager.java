package org.p2psip.om;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.om.OmException.Kind;
import org.p2psip.om.client.OmIfClient;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.path.PathMonitor;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.ws.OmEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Overlay Manager of one SATO Overlay Node (paper Figure 1 and 2): the node's identity (its
 * lookup node id), the SATO table, the OM IF towards other OMs (SOAP endpoint {@link OmEndpoint}
 * and client {@link RemoteOverlayManager}), path measurements ({@link PathMonitor}) and the local
 * SATO-Ports ({@link SatoPorts}). It keeps the state of every SATO it takes part in and releases
 * everything a SATO uses when the SATO ends or its peer disappears.
 *
 * <p>Initiator side (the caller's OM): {@link #openSato}, {@link #closeSato}, {@link #startRemotePort},
 * {@link #stopRemotePort}, {@link #startLocalPort}, {@link #buildMediaChain}, {@link #measure}.
 * Acceptor side: the {@code on*} methods, called by the SOAP service for requests of other OMs.
 */
public final class OverlayManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OverlayManager.class);

    /** The OM IF version this node speaks (namespace http://p2psip.org/om-if/v1). */
    public static final String PROTOCOL_VERSION = "1";
    private static final int MAX_ID_LENGTH = 128;

    private final String nodeId;
    private final Config config;
    private final SatoPorts ports;
    private final OmIfClient client;
    private final RemoteOverlayManager remote;
    private final PathMonitor paths;
    private final SatoTable satos = new SatoTable();
    /** Every local port session, bound to a SATO or not, by session id. */
    private final Map<String, PortSession> sessions = new ConcurrentHashMap<>();
    /** Sessions this node started on other nodes, per SATO: stopped when the SATO ends. */
    private final Map<String, List<RemoteSession>> remoteSessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private final SecureRandom random = new SecureRandom();
    private final long startedNanos = System.nanoTime();
    private final LookupService lookup;
    private volatile OmEndpoint endpoint;
    private volatile boolean closed;

    private record RemoteSession(Address om, String sessionId) {
    }

    private OverlayManager(Builder b) {
        this.nodeId = NodeIds.normalize(b.nodeId);
        this.config = b.config();
        this.ports = Objects.requireNonNull(b.ports, "ports");
        this.client = b.client != null ? b.client : new SoapOmIfClient();
        this.lookup = b.lookup;
        this.remote = new RemoteOverlayManager(client, () -> nodeId, this::advertisedAddress);
        this.paths = new PathMonitor((om, seq, padding) -> remote.ping(om, seq, padding).rttNanos(),
                config.probeInterval, config.failuresBeforeLost, 10, 16 * 1024, this::peerLost);
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "om-sato-reaper");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishes the OM IF endpoint and starts path monitoring. */
    public OverlayManager start() throws OmException {
        endpoint = OmEndpoint.publish(this, config.bind, config.maxBodyBytes);
        paths.start();
        long ms = Math.max(100, config.negotiationTtl.toMillis() / 2);
        reaper.scheduleWithFixedDelay(this::expireNegotiated, ms, ms, TimeUnit.MILLISECONDS);
        log.info("Overlay Manager {} serving the OM IF v{} at {}", NodeIds.shortId(nodeId), PROTOCOL_VERSION, endpoint.url());
        return this;
    }

    // ------------------------------------------------------------------ identity and parts

    public String nodeId() {
        return nodeId;
    }

    /** The address of this OM's OM IF (the bound one; with {@link Builder#advertise} the advertised one). */
    public Address address() {
        return advertisedAddress();
    }

    /** The address the OM IF endpoint is bound to (null before {@link #start()}). */
    public Address boundAddress() {
        OmEndpoint e = endpoint;
        return e == null ? null : e.address();
    }

    private Address advertisedAddress() {
        if (config.advertise != null) {
            return config.advertise;
        }
        OmEndpoint e = endpoint;
        return e == null ? null : e.address();
    }

    public String url() {
        OmEndpoint e = endpoint;
        return e == null ? null : e.url();
    }

    public long uptimeSeconds() {
        return (System.nanoTime() - startedNanos) / 1_000_000_000L;
    }

    public SatoTable satos() {
        return satos;
    }

    public SatoPorts ports() {
        return ports;
    }

    public RemoteOverlayManager remote() {
        return remote;
    }

    public PathMonitor paths() {
        return paths;
    }

    /** The lookup service (the node's own ring node) the OM owns and closes, or null. */
    public LookupService lookup() {
        return lookup;
    }

    /** The SOAP endpoint (tests stop it to simulate a vanished peer). */
    OmEndpoint endpointForTests() {
        return endpoint;
    }

    public List<PortSession> sessions() {
        return List.copyOf(sessions.values());
    }

    public List<PortStatus> portStatus() {
        return ports.status();
    }

    // ------------------------------------------------------------------ initiator side

    /**
     * Sets up a SATO to the OM at {@code peerOm} ("Connect and negotiate", Figure 4): negotiates the
     * transport from {@code candidates} and {@code requirements}, then sets the SATO up there.
     * Returns the SATO, established; its remote endpoint is the callee's address for the chosen
     * transport. {@code expectedPeer} (may be null) is checked against the node id the peer reports.
     */
    public Sato openSato(Address peerOm, String expectedPeer, Purpose purpose, String callId,
                         List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        ensureOpen();
        if (candidates.isEmpty()) {
            throw OmException.invalid("candidate", "no transport candidates to offer");
        }
        String satoId = newSatoId();
        long t0 = System.nanoTime();
        RemoteOverlayManager.Negotiated n = remote.negotiate(peerOm, satoId, purpose, requirements, candidates);
        long rtt = System.nanoTime() - t0;
        String peer = checkPeerAnswer(peerOm, n.nodeId(), expectedPeer);
        if (n.candidateIndex() < 0 || n.candidateIndex() >= candidates.size()
                || candidates.get(n.candidateIndex()).transport() != n.transport()) {
            throw new OmException(Kind.PROTOCOL, "candidateIndex", peerOm + " chose candidate " + n.candidateIndex()
                    + " (" + n.transport() + "), which was not offered");
        }
        paths.observe(peer, peerOm, rtt);
        TransportCandidate mine = candidates.get(n.candidateIndex());
        Sato s = new Sato(satoId, purpose, peer, Sato.Role.INITIATOR, SatoState.NEGOTIATED)
                .peerOm(peerOm).callId(callId).requirements(requirements)
                .negotiated(n.transport(), mine.address(), n.endpoint());
        satos.addIfAbsent(s);
        paths.watch(peer, peerOm);
        try {
            remote.setup(peerOm, satoId, purpose, callId, n.transport(), mine.address(), requirements);
        } catch (OmException e) {
            satos.remove(s);
            s.state(SatoState.FAILED);
            bestEffortTeardown(peerOm, satoId, "setup failed");
            unwatchIfIdle(peer);
            throw e;
        }
        s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
        log.info("{} set up with {} at {} over {} ({} -> {})", s, NodeIds.shortId(peer), peerOm, n.transport(),
                mine.address(), n.endpoint());
        return s;
    }

    /** Tears down a SATO: its local sessions, the sessions it started on other nodes, and the peer's half. */
    public int closeSato(String satoId, String reason) throws OmException {
        Sato s = satos.get(satoId);
        if (s == null) {
            throw OmException.unknownSato(satoId);
        }
        int released = release(s, SatoState.CLOSED, reason);
        Address om = s.peerOm();
        if (om != null && s.role() == Sato.Role.INITIATOR) {
            bestEffortTeardown(om, satoId, reason);
        }
        unwatchIfIdle(s.peerNodeId());
        return released;
    }

    /** Starts a port session on the node at {@code om} for {@code satoId}; stopped again when the SATO ends. */
    public PortSession startRemotePort(Address om, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        ensureOpen();
        PortSession ps = remote.startPort(om, satoId, kind, params);
        if (satoId != null) {
            remoteSessions.computeIfAbsent(satoId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(new RemoteSession(om, ps.sessionId()));
        }
        return ps;
    }

    public boolean stopRemotePort(Address om, String sessionId) throws OmException {
        boolean stopped = remote.stopPort(om, sessionId);
        remoteSessions.values().forEach(l -> l.removeIf(r -> r.sessionId().equals(sessionId) && r.om().equals(om)));
        return stopped;
    }

    /** Starts a session on a local port for {@code satoId} (which must exist, or be null). */
    public PortSession startLocalPort(String satoId, PortKind kind, Map<String, String> params) throws OmException {
        ensureOpen();
        Sato s = null;
        if (satoId != null) {
            s = satos.get(satoId);
            if (s == null) {
                throw OmException.unknownSato(satoId);
            }
        }
        return startSession(s, satoId, kind, nodeId, params);
    }

    public boolean stopLocalPort(String sessionId) throws OmException {
        PortSession ps = sessions.get(sessionId);
        if (ps == null) {
            throw OmException.unknownSession(sessionId);
        }
        stopSession(ps);
        return true;
    }

    /**
     * "Connect RTP": connects the legs of the hops this node hosts and sends ConnectRtp to the OM of
     * every other node of the chain (except {@code skipNode}, typically the node that asked), in
     * chain order. Returns the number of legs connected here and there.
     */
    public int buildMediaChain(String satoId, TransportKind transport, List<MediaHop> hops, String skipNode) throws OmException {
        ensureOpen();
        int legs = connectLocalHops(satoId, transport, hops, skipNode == null ? nodeId : skipNode);
        Set<String> done = new LinkedHashSet<>();
        done.add(nodeId);
        if (skipNode != null) {
            done.add(skipNode);
        }
        for (MediaHop h : hops) {
            if (done.add(h.nodeId())) {
                if (h.om() == null) {
                    throw OmException.invalid("hop.omAddress", "hop on node " + h.nodeId() + " has no OM address");
                }
                legs += remote.connectRtp(h.om(), satoId, transport, hops);
            }
        }
        return legs;
    }

    /** Probes the OM at {@code om} {@code count} times now and returns the path figures. */
    public PathStats.Snapshot measure(String peerNodeId, Address om, int count) {
        return paths.measure(peerNodeId, om, count);
    }

    // ------------------------------------------------------------------ acceptor side (OM IF requests)

    /** The negotiated choice: the transport, the index of the chosen candidate, this node's endpoint. */
    public record Negotiation(TransportKind transport, int candidateIndex, Address endpoint) {
    }

    /** Checks the caller's node id: well-formed, and not this node's own id. */
    public String checkCaller(String callerNodeId, boolean required) throws OmException {
        if (callerNodeId == null || callerNodeId.isEmpty()) {
            if (required) {
                throw OmException.invalid("callerNodeId", "callerNodeId is missing");
            }
            return null;
        }
        if (!NodeIds.isValid(callerNodeId)) {
            throw OmException.invalid("callerNodeId", "callerNodeId '" + clip(callerNodeId)
                    + "' is not a node id (8 to 64 lower-case hex digits)");
        }
        if (callerNodeId.equals(nodeId)) {
            throw OmException.invalid("callerNodeId", "caller claims this node's own id " + nodeId);
        }
        return callerNodeId;
    }

    public String onPing(String caller) throws OmException {
        checkCaller(caller, true);
        return nodeId;
    }

    public Negotiation onNegotiate(String caller, Address callerOm, String satoId, Purpose purpose,
                                   List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        checkCaller(caller, true);
        checkId("satoId", satoId);
        ensureOpen();
        if (candidates.isEmpty()) {
            throw OmException.invalid("candidate", "no transport candidates offered");
        }
        Sato existing = satos.get(satoId);
        if (existing != null) {
            checkOwner(existing, caller);
            if (existing.purpose() != purpose) {
                throw OmException.invalid("purpose", "SATO " + satoId + " is a " + existing.purpose() + " SATO");
            }
        } else if (satos.size() >= config.maxSatos) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "satos", "this node already runs " + satos.size()
                    + " SATOs, its limit");
        }
        int index = choose(purpose, requirements, candidates);
        TransportCandidate chosen = candidates.get(index);
        Sato s = existing != null ? existing
                : satos.addIfAbsent(new Sato(satoId, purpose, caller, Sato.Role.ACCEPTOR, SatoState.NEGOTIATED));
        if (s != existing && existing == null && !s.peerNodeId().equals(caller)) {
            checkOwner(s, caller);
        }
        s.peerOm(callerOm).requirements(requirements);
        Address local;
        try {
            local = localEndpoint(s, chosen.transport());
        } catch (OmException e) {
            if (existing == null) {
                release(s, SatoState.FAILED, "negotiation failed");
            }
            throw e;
        }
        s.negotiated(chosen.transport(), local, chosen.address());
        if (callerOm != null) {
            paths.watch(caller, callerOm);
        }
        log.debug("{}: negotiated {} with {} ({} -> {})", s, chosen.transport(), NodeIds.shortId(caller), chosen.address(), local);
        return new Negotiation(chosen.transport(), index, local);
    }

    public Sato.Snapshot onSetup(String caller, Address callerOm, String satoId, Purpose purpose, String callId,
                                 TransportKind transport, Address callerEndpoint, List<Requirement> requirements) throws OmException {
        checkCaller(caller, true);
        checkId("satoId", satoId);
        ensureOpen();
        Sato s = satos.get(satoId);
        if (s == null) {
            // SetupSato without a prior negotiation: negotiate the one transport offered.
            onNegotiate(caller, callerOm, satoId, purpose, requirements, List.of(new TransportCandidate(transport, callerEndpoint)));
            s = satos.get(satoId);
            if (s == null) {
                throw OmException.unknownSato(satoId);
            }
        }
        checkOwner(s, caller);
        if (s.purpose() != purpose) {
            throw OmException.invalid("purpose", "SATO " + satoId + " is a " + s.purpose() + " SATO");
        }
        if (s.transport() != transport) {
            if (!ports.transports(purpose).contains(transport) || !transport.meetsAll(s.requirements())) {
                throw unsupported(purpose, "SetupSato asks for " + transport + ", which this node does not offer for "
                        + purpose + " with " + s.requirements());
            }
            s.negotiated(transport, localEndpoint(s, transport), callerEndpoint);
        } else {
            s.negotiated(transport, null, callerEndpoint);
        }
        s.peerOm(callerOm).callId(callId);
        if (callerOm != null) {
            paths.watch(caller, callerOm);
        }
        SatoState st = s.state();
        if (st == SatoState.NEGOTIATED) {
            s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
            log.info("{} set up by {} over {}", s, NodeIds.shortId(caller), transport);
        } else if (st != SatoState.ESTABLISHED) {
            throw OmException.unknownSato(satoId);
        }
        return s.snapshot();
    }

    public int onTeardown(String caller, String satoId, String reason) throws OmException {
        checkCaller(caller, true);
        checkId("satoId", satoId);
        Sato s = satos.get(satoId);
        if (s == null) {
            throw OmException.unknownSato(satoId);
        }
        checkOwner(s, caller);
        int n = release(s, SatoState.CLOSED, reason == null ? "torn down by " + NodeIds.shortId(caller) : reason);
        unwatchIfIdle(caller);
        return n;
    }

    public PortSession onStartPort(String caller, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        checkCaller(caller, true);
        ensureOpen();
        Sato s = null;
        if (satoId != null && !satoId.isEmpty()) {
            checkId("satoId", satoId);
            s = satos.get(satoId);
            if (s == null) {
                // A relay (RTP3) for a SATO between two other nodes: this node takes part in it from now on.
                if (satos.size() >= config.maxSatos) {
                    throw new OmException(Kind.RESOURCES_EXHAUSTED, "satos", "this node already runs " + satos.size() + " SATOs");
                }
                Purpose p = kind == PortKind.P2PSIP_PORT ? Purpose.SIGNALLING : Purpose.MEDIA;
                s = satos.addIfAbsent(new Sato(satoId, p, caller, Sato.Role.ACCEPTOR, SatoState.ESTABLISHED));
            }
            checkOwner(s, caller);
        }
        String t = params.get("transport");
        if (t != null) {
            TransportKind tk;
            try {
                tk = TransportKind.fromWire(t);
            } catch (IllegalArgumentException e) {
                throw unsupported(Purpose.MEDIA, "unknown transport '" + clip(t) + "'");
            }
            Purpose p = kind == PortKind.P2PSIP_PORT ? Purpose.SIGNALLING : Purpose.MEDIA;
            if (!ports.transports(p).contains(tk)) {
                throw unsupported(p, "the " + kind + " of this node does not offer " + tk);
            }
        }
        return startSession(s, satoId, kind, caller, params);
    }

    public boolean onStopPort(String caller, String sessionId) throws OmException {
        checkCaller(caller, true);
        checkId("sessionId", sessionId);
        PortSession ps = sessions.get(sessionId);
        if (ps == null) {
            throw OmException.unknownSession(sessionId);
        }
        if (ps.ownerNodeId() != null && !ps.ownerNodeId().equals(caller)) {
            throw OmException.invalid("callerNodeId", "session " + sessionId + " was started by another node");
        }
        stopSession(ps);
        // a relay's SATO entry (made by StartPort, never negotiated) ends with its last session
        Sato s = ps.satoId() == null ? null : satos.get(ps.satoId());
        if (s != null && s.role() == Sato.Role.ACCEPTOR && s.remoteEndpoint() == null && s.sessions().isEmpty()) {
            release(s, SatoState.CLOSED, "its last session was stopped by " + NodeIds.shortId(caller));
            unwatchIfIdle(caller);
        }
        return true;
    }

    public int onConnectRtp(String caller, String satoId, TransportKind transport, List<MediaHop> hops) throws OmException {
        checkCaller(caller, true);
        checkId("satoId", satoId);
        ensureOpen();
        if (hops.size() < 2) {
            throw OmException.invalid("hop", "a media chain needs at least two hops");
        }
        if (!ports.transports(Purpose.MEDIA).contains(transport)) {
            throw unsupported(Purpose.MEDIA, "this node's RTP-Port does not offer " + transport);
        }
        boolean first = hops.get(0).nodeId().equals(nodeId);
        if (first) {
            return buildMediaChain(satoId, transport, hops, caller);
        }
        return connectLocalHops(satoId, transport, hops, caller);
    }

    /** The node status (GetNodeStatus). */
    public record Status(String nodeId, String protocolVersion, long uptimeSeconds, Address address,
                         List<PortStatus> ports, List<Sato.Snapshot> satos, List<PortSession> sessions,
                         List<PathStats.Snapshot> paths) {
    }

    public Status status() {
        List<Sato.Snapshot> s = new ArrayList<>();
        satos.all().forEach(x -> s.add(x.snapshot()));
        s.sort((a, b) -> a.id().compareTo(b.id()));
        List<PortSession> ss = new ArrayList<>(sessions.values());
        ss.sort((a, b) -> a.sessionId().compareTo(b.sessionId()));
        return new Status(nodeId, PROTOCOL_VERSION, uptimeSeconds(), address(), ports.status(), s, ss, paths.snapshot());
    }

    // ------------------------------------------------------------------ internals

    private int choose(Purpose purpose, List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        Set<TransportKind> offered = ports.transports(purpose);
        for (int i = 0; i < candidates.size(); i++) {
            TransportKind t = candidates.get(i).transport();
            if (offered.contains(t) && t.meetsAll(requirements)) {
                return i;
            }
        }
        List<TransportKind> asked = new ArrayList<>();
        candidates.forEach(c -> asked.add(c.transport()));
        throw unsupported(purpose, "none of the offered transports " + asked + " is available here for " + purpose
                + " and meets " + requirements + "; this node offers " + offered);
    }

    private OmException unsupported(Purpose purpose, String message) {
        StringBuilder supported = new StringBuilder();
        for (TransportKind t : ports.transports(purpose)) {
            supported.append(supported.length() == 0 ? "" : ",").append(t.wire());
        }
        return new OmException(Kind.UNSUPPORTED_TRANSPORT, supported.toString(), message);
    }

    /** This node's end of {@code s} over {@code t}: the P2PSIP-Port's overlay listener, or an RTP-Port session's leg. */
    private Address localEndpoint(Sato s, TransportKind t) throws OmException {
        if (s.purpose() == Purpose.SIGNALLING) {
            return ports.signallingEndpoint(t);
        }
        for (PortSession ps : s.sessions()) {
            if (ps.kind() == PortKind.RTP_PORT && t.wire().equals(ps.details().getOrDefault("transport", t.wire()))) {
                return mediaLeg(ps);
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("transport", t.wire());
        params.put("role", "edge");
        if (s.callId() != null) {
            params.put("call", s.callId());
        }
        PortSession ps = startSession(s, s.id(), PortKind.RTP_PORT, s.peerNodeId(), params);
        return mediaLeg(ps);
    }

    private static Address mediaLeg(PortSession ps) throws OmException {
        Address a = ps.leg(PortSession.LEG_CALLER);
        if (a == null && !ps.legs().isEmpty()) {
            a = ps.endpoints().get(0);
        }
        if (a == null) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "rtp-port", "the RTP-Port gave session " + ps.sessionId()
                    + " no overlay address");
        }
        return a;
    }

    private PortSession startSession(Sato s, String satoId, PortKind kind, String owner, Map<String, String> params)
            throws OmException {
        if (sessions.size() >= config.maxSessions) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "sessions", "this node already runs " + sessions.size()
                    + " port sessions, its limit");
        }
        PortSession ps = ports.start(kind, satoId, owner, params);
        if (sessions.putIfAbsent(ps.sessionId(), ps) != null) {
            ports.stop(ps);
            throw new OmException(Kind.PROTOCOL, "sessionId", "the " + kind + " reused session id " + ps.sessionId());
        }
        if (s != null) {
            s.addSession(ps);
            if (s.state() == SatoState.CLOSED || s.state() == SatoState.FAILED) {
                // the SATO ended while the session was being started
                stopSession(ps);
                throw OmException.unknownSato(s.id());
            }
        }
        log.debug("started {} session {} for SATO {} (owner {})", kind, ps.sessionId(), satoId, NodeIds.shortId(owner));
        return ps;
    }

    private void stopSession(PortSession ps) throws OmException {
        if (sessions.remove(ps.sessionId()) == null) {
            return;
        }
        if (ps.satoId() != null) {
            Sato s = satos.get(ps.satoId());
            if (s != null) {
                s.removeSession(ps.sessionId());
            }
        }
        ports.stop(ps);
    }

    private int connectLocalHops(String satoId, TransportKind transport, List<MediaHop> hops, String caller) throws OmException {
        int legs = 0;
        boolean any = false;
        for (int i = 0; i < hops.size(); i++) {
            MediaHop h = hops.get(i);
            if (!NodeIds.isValid(h.nodeId())) {
                throw OmException.invalid("hop.nodeId", "hop " + i + ": '" + clip(h.nodeId()) + "' is not a node id");
            }
            if (!h.nodeId().equals(nodeId)) {
                continue;
            }
            any = true;
            PortSession ps = sessions.get(h.sessionId());
            if (ps == null || ps.kind() != PortKind.RTP_PORT) {
                throw OmException.unknownSession(h.sessionId());
            }
            Sato s = satos.get(satoId);
            if (s == null) {
                s = satos.addIfAbsent(new Sato(satoId, Purpose.MEDIA, caller, Sato.Role.ACCEPTOR, SatoState.ESTABLISHED));
            }
            if (s.purpose() != Purpose.MEDIA) {
                throw OmException.invalid("satoId", "SATO " + satoId + " is not a media SATO");
            }
            if (!s.sessions().contains(ps)) {
                s.addSession(ps);
            }
            if (i > 0) {
                Address prev = hops.get(i - 1).towardCallee();
                if (prev == null) {
                    throw OmException.invalid("hop.towardCallee", "hop " + (i - 1) + " has no towardCallee address");
                }
                ports.connect(ps, PortSession.LEG_CALLER, prev, transport, start(h, hops.get(i - 1)));
                legs++;
            }
            if (i < hops.size() - 1) {
                Address next = hops.get(i + 1).towardCaller();
                if (next == null) {
                    throw OmException.invalid("hop.towardCaller", "hop " + (i + 1) + " has no towardCaller address");
                }
                ports.connect(ps, PortSession.LEG_CALLEE, next, transport, start(h, hops.get(i + 1)));
                legs++;
            }
            s.negotiated(transport, null, null);
            s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
        }
        if (!any) {
            throw OmException.invalid("hop", "no hop of this chain is on node " + nodeId);
        }
        return legs;
    }

    /** Who starts the leg of hop {@code self} towards hop {@code neighbour}: NATed hops send first, their neighbours latch. */
    private static SatoPorts.LegStart start(MediaHop self, MediaHop neighbour) {
        if (neighbour.behindNat()) {
            return SatoPorts.LegStart.LATCH_ANY;
        }
        return self.behindNat() ? SatoPorts.LegStart.ACTIVE : SatoPorts.LegStart.CHAIN;
    }

    /** Releases everything {@code s} uses here and removes it from the table; returns the number of sessions released. */
    private int release(Sato s, SatoState end, String reason) {
        s.state(SatoState.CLOSING);
        int n = 0;
        for (PortSession ps : s.drainSessions()) {
            try {
                if (sessions.remove(ps.sessionId()) != null) {
                    ports.stop(ps);
                }
                n++;
            } catch (OmException e) {
                log.warn("{}: releasing session {} failed: {}", s, ps.sessionId(), e.getMessage());
            }
        }
        List<RemoteSession> rs = remoteSessions.remove(s.id());
        if (rs != null) {
            for (RemoteSession r : rs) {
                try {
                    remote.stopPort(r.om(), r.sessionId());
                } catch (OmException e) {
                    log.info("{}: stopping session {} at {} failed: {}", s, r.sessionId(), r.om(), e.getMessage());
                }
            }
        }
        satos.remove(s);
        s.state(end);
        log.info("{} ended: {}", s, reason);
        return n;
    }

    private void bestEffortTeardown(Address om, String satoId, String reason) {
        try {
            remote.teardown(om, satoId, reason);
        } catch (OmException e) {
            if (e.kind() != Kind.UNKNOWN_SATO) {
                log.info("tearing down SATO {} at {} failed: {}", satoId, om, e.getMessage());
            }
        }
    }

    private void unwatchIfIdle(String peer) {
        if (satos.withPeer(peer).isEmpty()) {
            paths.unwatch(peer);
        }
    }

    /** A peer's OM stopped answering: its SATOs and the sessions it started here are released. */
    void peerLost(String peer, Address om) {
        for (Sato s : satos.withPeer(peer)) {
            release(s, SatoState.FAILED, "peer " + NodeIds.shortId(peer) + " at " + om + " disappeared");
        }
        for (PortSession ps : List.copyOf(sessions.values())) {
            if (peer.equals(ps.ownerNodeId()) && ps.satoId() == null) {
                try {
                    stopSession(ps);
                } catch (OmException e) {
                    log.warn("releasing session {} of lost peer {} failed: {}", ps.sessionId(), NodeIds.shortId(peer), e.getMessage());
                }
            }
        }
        paths.unwatch(peer);
        client.forget(om);
    }

    private void expireNegotiated() {
        long ttl = config.negotiationTtl.toNanos();
        for (Sato s : satos.all()) {
            if (s.state() == SatoState.NEGOTIATED && s.sinceNegotiatedNanos() > ttl) {
                release(s, SatoState.FAILED, "negotiated but never set up within " + config.negotiationTtl.toSeconds() + " s");
            }
        }
    }

    private String checkPeerAnswer(Address om, String reported, String expected) throws OmException {
        if (!NodeIds.isValid(reported)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " reported node id '" + clip(reported) + "', not a node id");
        }
        if (reported.equals(nodeId)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " reported this node's own id");
        }
        if (expected != null && !expected.equals(reported)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " is node " + reported + ", not the expected " + expected);
        }
        return reported;
    }

    private static void checkOwner(Sato s, String caller) throws OmException {
        if (!s.peerNodeId().equals(caller)) {
            throw OmException.invalid("callerNodeId", "SATO " + s.id() + " belongs to another peer");
        }
    }

    private static void checkId(String field, String id) throws OmException {
        if (id == null || id.isEmpty()) {
            throw OmException.invalid(field, field + " is missing");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw OmException.invalid(field, field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private String newSatoId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        StringBuilder sb = new StringBuilder("sato-").append(NodeIds.shortId(nodeId)).append('-');
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    private void ensureOpen() throws OmException {
        if (closed) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "om", "the Overlay Manager is shutting down");
        }
    }

    /**
     * Tears down every SATO (telling the peers of those this node initiated), stops the endpoint,
     * the path monitor, the OM IF client, the ports' control connections and the lookup node.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reaper.shutdownNow();
        paths.close();
        for (Sato s : satos.all()) {
            Address om = s.peerOm();
            release(s, SatoState.CLOSED, "Overlay Manager shutting down");
            if (om != null) {
                bestEffortTeardown(om, s.id(), "peer shutting down");
            }
        }
        for (PortSession ps : List.copyOf(sessions.values())) {
            try {
                stopSession(ps);
            } catch (OmException e) {
                log.debug("releasing {} at shutdown: {}", ps.sessionId(), e.getMessage());
            }
        }
        OmEndpoint e = endpoint;
        if (e != null) {
            e.close();
        }
        client.close();
        ports.close();
        if (lookup != null) {
            try {
                lookup.close();
            } catch (RuntimeException ex) {
                log.warn("closing the lookup node failed: {}", ex.toString());
            }
        }
        log.info("Overlay Manager {} stopped", NodeIds.shortId(nodeId));
    }

    // ------------------------------------------------------------------ configuration

    record Config(Address bind, Address advertise, Duration probeInterval, int failuresBeforeLost,
                  Duration negotiationTtl, int maxSatos, int maxSessions, int maxBodyBytes) {
    }

    /** Builds an {@link OverlayManager}; only the node id and the ports are mandatory. */
    public static final class Builder {
        private String nodeId;
        private SatoPorts ports;
        private OmIfClient client;
        private LookupService lookup;
        private Address bind = new Address("127.0.0.1", 0);
        private Address advertise;
        private Duration probeInterval = Duration.ofSeconds(2);
        private int failuresBeforeLost = 3;
        private Duration negotiationTtl = Duration.ofSeconds(60);
        private int maxSatos = 10_000;
        private int maxSessions = 10_000;
        private int maxBodyBytes = 256 * 1024;

        private Builder() {
        }

        /** The node id: the id of the node's lookup (Chord) node, hex. */
        public Builder nodeId(String id) {
            this.nodeId = id;
            return this;
        }

        public Builder ports(SatoPorts p) {
            this.ports = p;
            return this;
        }

        /** The OM IF client (default: {@link SoapOmIfClient} with the URLConnection conduit). The OM closes it. */
        public Builder client(OmIfClient c) {
            this.client = c;
            return this;
        }

        /** The lookup service the OM owns (interface 3 of Figure 1); closed when the OM closes. */
        public Builder lookup(LookupService l) {
            this.lookup = l;
            return this;
        }

        /** The node's own Chord ring node: the OM owns it, and the node id is the ring node's id. */
        public Builder lookupNode(ChordNode node) {
            this.lookup = node;
            this.nodeId = node.id().toHex();
            return this;
        }

        /** Where the SOAP endpoint listens (default 127.0.0.1, port 0 = any free port). */
        public Builder bind(Address a) {
            this.bind = a;
            return this;
        }

        /** The address other OMs reach this OM at, when it differs from the bound one. */
        public Builder advertise(Address a) {
            this.advertise = a;
            return this;
        }

        public Builder probeInterval(Duration d) {
            this.probeInterval = d;
            return this;
        }

        /** Probes lost in a row before a peer counts as gone and its SATOs are torn down (default 3). */
        public Builder failuresBeforeLost(int n) {
            this.failuresBeforeLost = n;
            return this;
        }

        /** How long a callee keeps a negotiated SATO that is never set up (default 60 s). */
        public Builder negotiationTtl(Duration d) {
            this.negotiationTtl = d;
            return this;
        }

        public Builder maxSatos(int n) {
            this.maxSatos = n;
            return this;
        }

        public Builder maxSessions(int n) {
            this.maxSessions = n;
            return this;
        }

        /** The largest request body the endpoint accepts (default 256 KiB); larger ones get HTTP 413. */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = n;
            return this;
        }

        Config config() {
            return new Config(bind, advertise, probeInterval, failuresBeforeLost, negotiationTtl, maxSatos, maxSessions,
                    maxBodyBytes);
        }

        public OverlayManager build() {
            return new OverlayManager(this);
        }
    }

    /** Details for logs and the status command: parameters as a sorted map. */
    static Map<String, String> sorted(Map<String, String> m) {
        return new java.util.TreeMap<>(m == null ? new HashMap<>() : m);
    }
}
