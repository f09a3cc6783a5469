package org.p2psip.om.ws;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.PhaseInterceptorChain;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.om.omif.Wire;
import org.p2psip.om.omif.v1.AdaptSato;
import org.p2psip.om.omif.v1.AdaptSatoResponse;
import org.p2psip.om.omif.v1.ConnectRtp;
import org.p2psip.om.omif.v1.ReportPath;
import org.p2psip.om.omif.v1.ReportPathResponse;
import org.p2psip.om.omif.v1.ConnectRtpResponse;
import org.p2psip.om.omif.v1.GetNodeStatus;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.InvalidRequest;
import org.p2psip.om.omif.v1.InvalidRequestFault;
import org.p2psip.om.omif.v1.NegotiateTransport;
import org.p2psip.om.omif.v1.NegotiateTransportResponse;
import org.p2psip.om.omif.v1.OverlayManagerPortType;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.PathMeasurement;
import org.p2psip.om.omif.v1.Ping;
import org.p2psip.om.omif.v1.PingResponse;
import org.p2psip.om.omif.v1.PortInfo;
import org.p2psip.om.omif.v1.ResourcesExhausted;
import org.p2psip.om.omif.v1.ResourcesExhaustedFault;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.omif.v1.SetupSato;
import org.p2psip.om.omif.v1.SetupSatoResponse;
import org.p2psip.om.omif.v1.StartPort;
import org.p2psip.om.omif.v1.StartPortResponse;
import org.p2psip.om.omif.v1.StopPort;
import org.p2psip.om.omif.v1.StopPortResponse;
import org.p2psip.om.omif.v1.TeardownSato;
import org.p2psip.om.omif.v1.TeardownSatoResponse;
import org.p2psip.om.omif.v1.Transport;
import org.p2psip.om.omif.v1.UnknownSato;
import org.p2psip.om.omif.v1.UnknownSatoFault;
import org.p2psip.om.omif.v1.UnknownSession;
import org.p2psip.om.omif.v1.UnknownSessionFault;
import org.p2psip.om.omif.v1.UnsupportedTransport;
import org.p2psip.om.omif.v1.UnsupportedTransportFault;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.table.NodeStatus;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.Negotiation;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathEvent;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OM IF service implementation (the SEI generated from wsdl/om-if-v1.wsdl): checks and
 * converts each request, hands it to the acceptor side ({@link OmIfRequests}), and turns {@link OmException}s
 * into the faults the WSDL declares. Expected faults are logged at debug level, without stack traces.
 */
public final class OmService implements OverlayManagerPortType {
    private static final Logger log = LoggerFactory.getLogger(OmService.class);

    private final OmIfRequests om;
    /** HTTPS with client certificates (a secured overlay), or null: plain HTTP, callers believed. */
    private final OmIfTls tls;

    public OmService(OmIfRequests om) {
        this(om, null);
    }

    /** With {@code tls} the caller is the node its certificate names; a request claiming another is refused. */
    public OmService(OmIfRequests om, OmIfTls tls) {
        this.om = om;
        this.tls = tls;
    }

    /**
     * Who calls: in a secured overlay the Node-ID in the client certificate of this request's TLS
     * session; a {@code callerNodeId} naming another node is refused (InvalidRequest, field
     * {@code callerNodeId}). Unsecured: the {@code callerNodeId} as claimed.
     */
    String caller(String claimed) throws OmException {
        if (tls == null) {
            return claimed;
        }
        String certified = certifiedCaller();
        if (claimed != null && !claimed.isEmpty() && !claimed.equals(certified)) {
            throw OmException.invalid("callerNodeId", "callerNodeId " + clip(claimed)
                    + " is not the Node-ID in the caller's certificate (" + certified + "): a node may act only in its own name");
        }
        return certified;
    }

    /** The Node-ID in this request's client certificate (secured overlay). */
    private String certifiedCaller() throws OmException {
        Message m = PhaseInterceptorChain.getCurrentMessage();
        TLSSessionInfo session = m == null ? null : m.get(TLSSessionInfo.class);
        if (session == null) {
            throw OmException.invalid("callerNodeId", "the request came without TLS: this OM IF takes HTTPS with a node"
                    + " certificate of the overlay CA only");
        }
        return tls.nodeIdOf(session.getPeerCertificates()).orElseThrow(() -> OmException.invalid("callerNodeId",
                "the caller's certificate carries no Node-ID: only overlay nodes may call the OM IF"));
    }

    @Override
    public PingResponse ping(Ping p) throws InvalidRequestFault {
        try {
            PingResponse r = new PingResponse();
            r.setNodeId(om.onPing(caller(p.getCallerNodeId()), p.getSequence()));
            r.setSequence(p.getSequence());
            r.setPaddingLength(p.getPadding() == null ? 0 : p.getPadding().length);
            return r;
        } catch (OmException e) {
            throw invalid(e);
        }
    }

    @Override
    public NegotiateTransportResponse negotiateTransport(NegotiateTransport n)
            throws InvalidRequestFault, ResourcesExhaustedFault, UnsupportedTransportFault {
        try {
            Purpose purpose = purpose(n.getPurpose());
            Negotiation c = om.onNegotiate(caller(n.getCallerNodeId()),
                    Wire.omAddress(n.getCallerOmAddress(), "callerOmAddress"), n.getSatoId(), purpose,
                    Wire.requirementsFromWire(n.getRequirement()), Wire.candidatesFromWire(n.getCandidate()));
            NegotiateTransportResponse r = new NegotiateTransportResponse();
            r.setNodeId(om.nodeId());
            r.setSatoId(n.getSatoId());
            r.setTransport(Wire.transport(c.transport()));
            r.setCandidateIndex(c.candidateIndex());
            r.setEndpoint(Wire.endpoint(c.endpoint()));
            return r;
        } catch (OmException e) {
            throw3(e);
            return null;
        }
    }

    @Override
    public SetupSatoResponse setupSato(SetupSato s)
            throws InvalidRequestFault, ResourcesExhaustedFault, UnsupportedTransportFault {
        try {
            Sato.Snapshot snap = om.onSetup(caller(s.getCallerNodeId()), Wire.omAddress(s.getCallerOmAddress(), "callerOmAddress"),
                    s.getSatoId(), purpose(s.getPurpose()), s.getCallId(), transport(s.getTransport()),
                    Wire.address(s.getCallerEndpoint(), "callerEndpoint"), Wire.requirementsFromWire(s.getRequirement()));
            SetupSatoResponse r = new SetupSatoResponse();
            r.setSato(sato(snap));
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SATO) {
                // not declared for SetupSato: the SATO vanished while being set up
                throw resources(new OmException(OmException.Kind.RESOURCES_EXHAUSTED, "satos", e.getMessage()));
            }
            throw3(e);
            return null;
        }
    }

    @Override
    public TeardownSatoResponse teardownSato(TeardownSato t) throws InvalidRequestFault, UnknownSatoFault {
        try {
            int n = om.onTeardown(caller(t.getCallerNodeId()), t.getSatoId(), t.getReason());
            TeardownSatoResponse r = new TeardownSatoResponse();
            r.setSatoId(t.getSatoId());
            r.setReleasedSessions(n);
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SATO) {
                throw unknownSato(e);
            }
            throw invalid(e);
        }
    }

    @Override
    public StartPortResponse startPort(StartPort s)
            throws InvalidRequestFault, ResourcesExhaustedFault, UnsupportedTransportFault {
        try {
            if (s.getPortType() == null) {
                throw OmException.invalid("portType", "portType is missing or unknown");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Parameter p : s.getParameter()) {
                if (p == null || p.getName() == null || p.getName().isEmpty() || p.getValue() == null) {
                    throw OmException.invalid("parameter", "a parameter without name or value");
                }
                params.put(p.getName(), p.getValue());
            }
            PortSession ps = om.onStartPort(caller(s.getCallerNodeId()), s.getSatoId(), Wire.portType(s.getPortType()), params);
            StartPortResponse r = new StartPortResponse();
            r.setSession(Wire.session(ps));
            return r;
        } catch (OmException e) {
            throw3(e);
            return null;
        }
    }

    @Override
    public StopPortResponse stopPort(StopPort s) throws InvalidRequestFault, UnknownSessionFault {
        try {
            boolean stopped = om.onStopPort(caller(s.getCallerNodeId()), s.getSessionId());
            StopPortResponse r = new StopPortResponse();
            r.setSessionId(s.getSessionId());
            r.setStopped(stopped);
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SESSION) {
                throw unknownSession(e);
            }
            throw invalid(e);
        }
    }

    @Override
    public ConnectRtpResponse connectRtp(ConnectRtp c)
            throws InvalidRequestFault, ResourcesExhaustedFault, UnknownSessionFault, UnsupportedTransportFault {
        try {
            int legs = om.onConnectRtp(caller(c.getCallerNodeId()), c.getSatoId(), transport(c.getTransport()), Wire.hopsFromWire(c.getHop()));
            ConnectRtpResponse r = new ConnectRtpResponse();
            r.setSatoId(c.getSatoId());
            r.setConnectedLegs(legs);
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SESSION) {
                throw unknownSession(e);
            }
            throw3(e);
            return null;
        }
    }

    @Override
    public AdaptSatoResponse adaptSato(AdaptSato a) throws InvalidRequestFault, UnknownSatoFault {
        try {
            Address remote = Wire.address(a.getRemote(), "remote");
            String sato = om.onAdaptSato(caller(a.getCallerNodeId()), a.getCallId(), Wire.address(a.getMediaAddress(), "mediaAddress"),
                    remote, a.getReason());
            AdaptSatoResponse r = new AdaptSatoResponse();
            r.setSatoId(sato);
            r.setRemote(Wire.endpoint(remote));
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SATO) {
                throw unknownSato(e);
            }
            throw invalid(e);
        }
    }

    @Override
    public ReportPathResponse reportPath(ReportPath p) throws InvalidRequestFault, UnknownSatoFault {
        try {
            PathReport report = new PathReport(p.getCallId(), Wire.address(p.getMediaAddress(), "mediaAddress"),
                    PathEvent.parse(p.getEvent() == null ? null : p.getEvent().value()), p.getWindowMillis(), p.getPackets(),
                    p.getLossRatio(), p.getJitterMillis(), p.getSilentMillis(), Wire.addressOrNull(p.getRemote(), "remote"));
            ReportPathResponse r = new ReportPathResponse();
            r.setSatoId(om.onReportPath(caller(p.getCallerNodeId()), report));
            return r;
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNKNOWN_SATO) {
                throw unknownSato(e);
            }
            throw invalid(e);
        }
    }

    @Override
    public GetNodeStatusResponse getNodeStatus(GetNodeStatus g) throws InvalidRequestFault {
        try {
            String caller = caller(g == null ? null : g.getCallerNodeId());
            if (tls == null || !om.nodeId().equals(caller)) {
                // secured: any overlay node, and this node itself (its operator's ./p2psip status presents its certificate)
                om.checkCaller(caller, false);
            }
        } catch (OmException e) {
            throw invalid(e);
        }
        NodeStatus st = om.status();
        GetNodeStatusResponse r = new GetNodeStatusResponse();
        r.setNodeId(st.nodeId());
        r.setProtocolVersion(st.protocolVersion());
        r.setUptimeSeconds(st.uptimeSeconds());
        for (PortStatus p : st.ports()) {
            PortInfo pi = new PortInfo();
            pi.setType(Wire.portType(p.kind()));
            pi.setName(p.name());
            pi.setRunning(p.running());
            pi.setSessions(p.sessions());
            new java.util.TreeMap<>(p.details()).forEach((k, v) -> pi.getDetail().add(Wire.parameter(k, v)));
            r.getPort().add(pi);
        }
        st.satos().forEach(s -> r.getSato().add(sato(s)));
        st.sessions().forEach(s -> r.getSession().add(Wire.session(s)));
        for (PathStats.Snapshot p : st.paths()) {
            PathMeasurement m = new PathMeasurement();
            m.setPeerNodeId(p.nodeId());
            m.setOmAddress(p.om() == null ? "" : p.om().toString());
            m.setProbesSent(p.probesSent());
            m.setProbesLost(p.probesLost());
            m.setLossRatio(p.lossRatio());
            m.setRttMillisLast(finite(p.rttMsLast()));
            m.setRttMillisMin(finite(p.rttMsMin()));
            m.setRttMillisAvg(finite(p.rttMsAvg()));
            if (!Double.isNaN(p.throughputKbps())) {
                m.setThroughputKbps(p.throughputKbps());
            }
            m.setAgeSeconds(p.ageSeconds());
            m.setReachable(p.reachable());
            r.getPath().add(m);
        }
        if (st.ring() != null) {
            org.p2psip.om.omif.v1.RingInfo ring = new org.p2psip.om.omif.v1.RingInfo();
            ring.setSize(st.ring().size());
            ring.setExact(st.ring().exact());
            ring.setLastMergeMillis(st.ring().lastMergeMillis());
            ring.setMerges(st.ring().merges());
            ring.setUnreachable(st.ring().unreachable());
            ring.setLookupAddress(st.ring().lookupAddress());
            r.setRing(ring);
        }
        r.setSecurity(om.security());
        return r;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static double finite(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? -1.0 : d;
    }

    static SatoInfo sato(Sato.Snapshot s) {
        SatoInfo i = new SatoInfo();
        i.setSatoId(s.id());
        i.setPurpose(Wire.purpose(s.purpose()));
        i.setPeerNodeId(s.peerNodeId());
        i.setCallId(s.callId());
        i.setTransport(s.transport() == null ? null : Wire.transport(s.transport()));
        i.setLocalEndpoint(Wire.endpoint(s.localEndpoint()));
        i.setRemoteEndpoint(Wire.endpoint(s.remoteEndpoint()));
        i.setState(org.p2psip.om.omif.v1.SatoState.fromValue(s.state().wire()));
        i.getSessionId().addAll(s.sessionIds());
        i.setAgeSeconds(s.ageSeconds());
        i.setNote(s.note());
        i.getAdaptation().addAll(s.history());
        return i;
    }

    private static Purpose purpose(org.p2psip.om.omif.v1.Purpose p) throws OmException {
        if (p == null) {
            throw OmException.invalid("purpose", "purpose is missing or not one of signalling, media");
        }
        return Wire.purpose(p);
    }

    private static TransportKind transport(Transport t) throws OmException {
        if (t == null) {
            throw new OmException(OmException.Kind.UNSUPPORTED_TRANSPORT, "transport", "transport is missing or not one of tcp, tls, udp, tcp-rfc4571");
        }
        return Wire.transport(t);
    }

    // ---------------------------------------------------------------- OmException -> declared fault

    /** For operations declaring InvalidRequest, ResourcesExhausted and UnsupportedTransport. */
    private static void throw3(OmException e) throws InvalidRequestFault, ResourcesExhaustedFault, UnsupportedTransportFault {
        switch (e.kind()) {
            case UNSUPPORTED_TRANSPORT:
                throw unsupported(e);
            case RESOURCES_EXHAUSTED:
            case UNREACHABLE:
            case PROTOCOL:
                throw resources(e);
            default:
                throw invalid(e);
        }
    }

    static InvalidRequestFault invalid(OmException e) {
        log.debug("OM IF request refused: {}", e.toString());
        InvalidRequest d = new InvalidRequest();
        d.setField(e.subject());
        d.setMessage(e.getMessage());
        return new InvalidRequestFault(e.getMessage(), d);
    }

    static UnknownSatoFault unknownSato(OmException e) {
        log.debug("OM IF request refused: {}", e.toString());
        UnknownSato d = new UnknownSato();
        d.setSatoId(e.subject());
        d.setMessage(e.getMessage());
        return new UnknownSatoFault(e.getMessage(), d);
    }

    static UnknownSessionFault unknownSession(OmException e) {
        log.debug("OM IF request refused: {}", e.toString());
        UnknownSession d = new UnknownSession();
        d.setSessionId(e.subject());
        d.setMessage(e.getMessage());
        return new UnknownSessionFault(e.getMessage(), d);
    }

    static UnsupportedTransportFault unsupported(OmException e) {
        log.debug("OM IF request refused: {}", e.toString());
        UnsupportedTransport d = new UnsupportedTransport();
        for (String t : e.subject().split(",")) {
            if (!t.isEmpty()) {
                try {
                    d.getSupported().add(Transport.fromValue(t));
                } catch (IllegalArgumentException ignored) {
                    // subject is not a transport list
                }
            }
        }
        d.setMessage(e.getMessage());
        return new UnsupportedTransportFault(e.getMessage(), d);
    }

    static ResourcesExhaustedFault resources(OmException e) {
        log.debug("OM IF request refused: {}", e.toString());
        ResourcesExhausted d = new ResourcesExhausted();
        d.setResource(e.subject());
        d.setMessage(e.getMessage());
        return new ResourcesExhaustedFault(e.getMessage(), d);
    }

}
