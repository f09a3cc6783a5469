package org.p2psip.om;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.p2psip.control.message.Fields;
import org.p2psip.om.path.PathMonitor;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.table.NodeStatus;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.table.SatoTable;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.Negotiation;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;
import org.p2psip.om.ws.OmIfRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor side of the OM IF (the callee's and the relay's OM): answers NegotiateTransport,
 * SetupSato, TeardownSato, StartPort, StopPort and ConnectRtp of other OMs, checking who asks and
 * whether this node can do it.
 */
final class OmIfAcceptor implements OmIfRequests {
    private static final Logger log = LoggerFactory.getLogger(OmIfAcceptor.class);

    private final String nodeId;
    private final OmConfig config;
    private final SatoTable satos;
    private final SatoPorts ports;
    private final LocalSessions local;
    private final SatoLifecycle lifecycle;
    private final MediaChainBuilder chain;
    private final PathMonitor paths;
    private final Supplier<NodeStatus> status;
    /** The call ladder's recorder (the peer's web view); {@link CallSteps#NONE} unless one is set. */
    volatile CallSteps steps = CallSteps.NONE;
    private volatile MediaAdaptation adaptation = MediaAdaptation.NONE;
    private volatile String security;

    /** The sequence number of this OM's Pings to itself at start, a random number no other process knows. */
    final long warmUpToken = new java.security.SecureRandom().nextLong();

    OmIfAcceptor(String nodeId, OmConfig config, SatoTable satos, SatoPorts ports, LocalSessions local,
                 SatoLifecycle lifecycle, MediaChainBuilder chain, PathMonitor paths, Supplier<NodeStatus> status) {
        this.nodeId = nodeId;
        this.config = config;
        this.satos = satos;
        this.ports = ports;
        this.local = local;
        this.lifecycle = lifecycle;
        this.chain = chain;
        this.paths = paths;
        this.status = status;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public NodeStatus status() {
        return status.get();
    }

    @Override
    public String security() {
        return security;
    }

    void security(String description) {
        security = description;
    }

    @Override
    public String checkCaller(String callerNodeId, boolean required) throws OmException {
        return Checks.caller(callerNodeId, required, nodeId);
    }

    @Override
    public String onPing(String caller, long sequence) throws OmException {
        if (!(nodeId.equals(caller) && sequence == warmUpToken)) {
            // only this OM's own warm-up (its Pings to itself at start) may name this node: it knows the token
            checkCaller(caller, true);
        }
        return nodeId;
    }

    @Override
    public Negotiation onNegotiate(String caller, Address callerOm, String satoId, Purpose purpose,
                                   List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        checkCaller(caller, true);
        Checks.id("satoId", satoId);
        lifecycle.ensureOpen();
        if (candidates.isEmpty()) {
            throw OmException.invalid("candidate", "no transport candidates offered");
        }
        Sato existing = satos.get(satoId);
        if (existing != null) {
            Checks.owner(existing, caller);
            if (existing.purpose() != purpose) {
                throw OmException.invalid("purpose", "SATO " + satoId + " is a " + existing.purpose() + " SATO");
            }
        } else if (satos.size() >= config.maxSatos()) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "satos", "this node already runs " + satos.size()
                    + " SATOs, its limit");
        }
        int index = choose(purpose, requirements, candidates);
        TransportCandidate chosen = candidates.get(index);
        Sato s = existing != null ? existing
                : satos.addIfAbsent(new Sato(satoId, purpose, caller, Sato.Role.ACCEPTOR, SatoState.NEGOTIATED));
        if (s != existing && existing == null && !s.peerNodeId().equals(caller)) {
            Checks.owner(s, caller);
        }
        s.peerOm(callerOm).requirements(requirements);
        Address here;
        try {
            here = localEndpoint(s, chosen.transport());
        } catch (OmException e) {
            if (existing == null) {
                lifecycle.release(s, SatoState.FAILED, "negotiation failed");
            }
            throw e;
        }
        s.negotiated(chosen.transport(), here, chosen.address());
        if (callerOm != null) {
            paths.watch(caller, callerOm);
        }
        log.debug("{}: negotiated {} with {} ({} -> {})", s, chosen.transport(), NodeIds.shortId(caller), chosen.address(), here);
        return new Negotiation(chosen.transport(), index, here);
    }

    @Override
    public Sato.Snapshot onSetup(String caller, Address callerOm, String satoId, Purpose purpose, String callId,
                                 TransportKind transport, Address callerEndpoint, List<Requirement> requirements) throws OmException {
        checkCaller(caller, true);
        Checks.id("satoId", satoId);
        lifecycle.ensureOpen();
        Sato s = satos.get(satoId);
        if (s == null) {
            // SetupSato without a prior negotiation: negotiate the one transport offered.
            onNegotiate(caller, callerOm, satoId, purpose, requirements, List.of(new TransportCandidate(transport, callerEndpoint)));
            s = satos.get(satoId);
            if (s == null) {
                throw OmException.unknownSato(satoId);
            }
        }
        Checks.owner(s, caller);
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
        satos.indexCall(s);
        if (callerOm != null) {
            paths.watch(caller, callerOm);
        }
        SatoState st = s.state();
        if (st == SatoState.NEGOTIATED) {
            s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
            log.debug("{} set up by {} over {}", s, NodeIds.shortId(caller), transport);
            steps.step(callId, satoId, CallSteps.FAR_OM, CallSteps.OM, "SetupSato", purpose.toString().toLowerCase()
                    + " SATO " + satoId + " from node " + NodeIds.shortId(caller) + " (" + callerOm + "), negotiated "
                    + transport + "; the caller's end " + callerEndpoint + ", this end " + s.localEndpoint());
        } else if (st != SatoState.ESTABLISHED) {
            throw OmException.unknownSato(satoId);
        }
        return s.snapshot();
    }

    @Override
    public int onTeardown(String caller, String satoId, String reason) throws OmException {
        checkCaller(caller, true);
        Checks.id("satoId", satoId);
        Sato s = satos.get(satoId);
        if (s == null) {
            throw OmException.unknownSato(satoId);
        }
        Checks.owner(s, caller);
        int n = lifecycle.release(s, SatoState.CLOSED, reason == null ? "torn down by " + NodeIds.shortId(caller) : reason);
        steps.step(null, satoId, CallSteps.FAR_OM, CallSteps.OM, "TeardownSato", "SATO " + satoId + " torn down by node "
                + NodeIds.shortId(caller) + (reason == null ? "" : " (" + Checks.clip(reason) + ")"));
        lifecycle.unwatchIfIdle(caller);
        return n;
    }

    @Override
    public PortSession onStartPort(String caller, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        checkCaller(caller, true);
        lifecycle.ensureOpen();
        Sato s = null;
        Sato made = null;
        if (satoId != null && !satoId.isEmpty()) {
            Checks.id("satoId", satoId);
            s = satos.get(satoId);
            if (s == null) {
                // A relay (RTP3) for a SATO between two other nodes: this node takes part in it from now on.
                if (satos.size() >= config.maxSatos()) {
                    throw new OmException(Kind.RESOURCES_EXHAUSTED, "satos", "this node already runs " + satos.size() + " SATOs");
                }
                made = new Sato(satoId, purposeOf(kind), caller, Sato.Role.ACCEPTOR, SatoState.ESTABLISHED);
                s = satos.addIfAbsent(made);
            }
            Checks.owner(s, caller);
        }
        try {
            return startPort(caller, s, satoId, kind, params);
        } catch (OmException | RuntimeException e) {
            // the relay's SATO entry this request made ends with it when no session came of it (it would be left behind)
            if (made != null && satos.get(satoId) == made && made.sessions().isEmpty()) {
                lifecycle.release(made, SatoState.FAILED, "StartPort failed: " + e.getMessage());
                lifecycle.unwatchIfIdle(caller);
            }
            throw e;
        }
    }

    private PortSession startPort(String caller, Sato s, String satoId, PortKind kind, Map<String, String> params)
            throws OmException {
        String t = params.get(Fields.TRANSPORT);
        if (t != null) {
            TransportKind tk;
            try {
                tk = TransportKind.fromWire(t);
            } catch (IllegalArgumentException e) {
                throw unsupported(Purpose.MEDIA, "unknown transport '" + Checks.clip(t) + "'");
            }
            Purpose p = purposeOf(kind);
            if (!ports.transports(p).contains(tk)) {
                throw unsupported(p, "the " + kind + " of this node does not offer " + tk);
            }
        }
        int held = local.countOwnedBy(caller);
        int limit = sessionsPerPeer(kind);
        if (held >= limit) {
            log.debug("StartPort of node {} refused: it holds {} sessions here, the limit per peer", NodeIds.shortId(caller), held);
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "sessions", "node " + caller + " already holds " + held
                    + " port sessions on this node, the limit per requesting peer (" + limit + ")");
        }
        PortSession started = local.start(s, satoId, kind, caller, params);
        steps.step(null, satoId, CallSteps.FAR_OM, CallSteps.OM, "StartPort", kind + " " + params + " for SATO " + satoId
                + " of node " + NodeIds.shortId(caller));
        steps.step(null, satoId, CallSteps.OM, CallSteps.RTP, "rtp.allocate", "session " + started.sessionId() + ": "
                + started.endpoints());
        return started;
    }

    @Override
    public boolean onStopPort(String caller, String sessionId) throws OmException {
        checkCaller(caller, true);
        Checks.id("sessionId", sessionId);
        PortSession ps = local.get(sessionId);
        if (ps == null) {
            throw OmException.unknownSession(sessionId);
        }
        if (!caller.equals(ps.ownerNodeId())) {
            throw OmException.invalid("callerNodeId", "session " + sessionId + " was started by another node");
        }
        local.stop(ps);
        steps.step(null, ps.satoId(), CallSteps.FAR_OM, CallSteps.OM, "StopPort", "session " + sessionId + " stopped by node "
                + NodeIds.shortId(caller));
        // a relay's SATO entry (made by StartPort, never negotiated) ends with its last session
        Sato s = ps.satoId() == null ? null : satos.get(ps.satoId());
        if (s != null && s.role() == Sato.Role.ACCEPTOR && s.remoteEndpoint() == null && s.sessions().isEmpty()) {
            lifecycle.release(s, SatoState.CLOSED, "its last session was stopped by " + NodeIds.shortId(caller));
            lifecycle.unwatchIfIdle(caller);
        }
        return true;
    }

    @Override
    public int onConnectRtp(String caller, String satoId, TransportKind transport, List<MediaHop> hops) throws OmException {
        checkCaller(caller, true);
        Checks.id("satoId", satoId);
        lifecycle.ensureOpen();
        if (hops.size() < 2) {
            throw OmException.invalid("hop", "a media chain needs at least two hops");
        }
        if (!ports.transports(Purpose.MEDIA).contains(transport)) {
            throw unsupported(Purpose.MEDIA, "this node's RTP-Port does not offer " + transport);
        }
        boolean first = hops.get(0).nodeId().equals(nodeId);
        steps.step(null, satoId, CallSteps.FAR_OM, CallSteps.OM, "ConnectRtp", "media chain of SATO " + satoId + ": " + hops);
        if (first) {
            return chain.build(satoId, transport, hops, caller, caller);
        }
        return chain.connectLocalHops(satoId, transport, hops, caller, caller);
    }

    @Override
    public String onAdaptSato(String caller, String callId, Address mediaAddress, Address remote, String reason)
            throws OmException {
        checkCaller(caller, true);
        Checks.id("callId", callId);
        lifecycle.ensureOpen();
        if (remote.port() <= 0 || remote.host().isBlank()) {
            throw OmException.invalid("remote", "remote must be HOST:PORT with a port in 1-65535, not " + remote);
        }
        return adaptation.onAdapt(caller, callId, mediaAddress, remote, reason == null ? "" : Checks.clip(reason));
    }

    @Override
    public String onReportPath(String caller, PathReport report) throws OmException {
        checkCaller(caller, true);
        Checks.id("callId", report.callId());
        lifecycle.ensureOpen();
        if (report.windowMillis() < 0) {
            throw OmException.invalid("windowMillis", "windowMillis must not be negative: " + report.windowMillis());
        }
        if (report.packets() < 0) {
            throw OmException.invalid("packets", "packets must not be negative: " + report.packets());
        }
        if (report.silentMillis() < 0) {
            throw OmException.invalid("silentMillis", "silentMillis must not be negative: " + report.silentMillis());
        }
        if (!(report.lossRatio() >= 0 && report.lossRatio() <= 1)) {
            throw OmException.invalid("lossRatio", "lossRatio must be within 0..1, not " + report.lossRatio());
        }
        if (!(report.jitterMillis() >= 0) || Double.isInfinite(report.jitterMillis())) {
            throw OmException.invalid("jitterMillis", "jitterMillis must be a non-negative number, not " + report.jitterMillis());
        }
        return adaptation.onReport(caller, report);
    }

    /**
     * How many sessions one other peer may hold here: the configured bound, and for the RTP-Port at
     * most a quarter of its port range in sessions (a relay session takes two ports: half the ports),
     * so that no single peer takes all of them.
     */
    private int sessionsPerPeer(PortKind kind) {
        int limit = config.maxSessionsPerPeer();
        if (kind != PortKind.RTP_PORT) {
            return limit;
        }
        int ports = rtpPorts;
        if (ports == 0) {
            ports = -1;
            for (org.p2psip.om.ports.PortStatus st : this.ports.status()) {
                String range = st.kind() == PortKind.RTP_PORT ? st.details().get(Fields.PORTS) : null;
                if (range != null && range.matches("\\d+-\\d+")) {
                    String[] lh = range.split("-");
                    ports = Integer.parseInt(lh[1]) - Integer.parseInt(lh[0]) + 1;
                }
            }
            if (ports > 0) {
                rtpPorts = ports; // the range is fixed while the port runs
            }
        }
        return ports > 0 ? Math.max(1, Math.min(limit, ports / 4)) : limit;
    }

    /** The RTP-Port's port range size once read (0: not yet). */
    private volatile int rtpPorts;

    /** Who answers AdaptSato and ReportPath (the SATO layer, once attached). */
    void adaptation(MediaAdaptation a) {
        adaptation = a == null ? MediaAdaptation.NONE : a;
    }

    private static Purpose purposeOf(PortKind kind) {
        return kind == PortKind.P2PSIP_PORT ? Purpose.SIGNALLING : Purpose.MEDIA;
    }

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
            if (ps.kind() == PortKind.RTP_PORT && t.wire().equals(ps.details().getOrDefault(Fields.TRANSPORT, t.wire()))) {
                return LocalSessions.mediaLeg(ps);
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put(Fields.TRANSPORT, t.wire());
        params.put(Fields.ROLE, "edge");
        if (s.callId() != null) {
            params.put(Fields.CALL, s.callId());
        }
        return LocalSessions.mediaLeg(local.start(s, s.id(), PortKind.RTP_PORT, s.peerNodeId(), params));
    }
}
