package org.p2psip.om.client;

import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.p2psip.om.omif.Wire;
import org.p2psip.om.omif.v1.AdaptSato;
import org.p2psip.om.omif.v1.ConnectRtp;
import org.p2psip.om.omif.v1.ReportPath;
import org.p2psip.om.omif.v1.GetNodeStatus;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.InvalidRequestFault;
import org.p2psip.om.omif.v1.NegotiateTransport;
import org.p2psip.om.omif.v1.NegotiateTransportResponse;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.Ping;
import org.p2psip.om.omif.v1.PingResponse;
import org.p2psip.om.omif.v1.ResourcesExhaustedFault;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.omif.v1.SetupSato;
import org.p2psip.om.omif.v1.StartPort;
import org.p2psip.om.omif.v1.StopPort;
import org.p2psip.om.omif.v1.TeardownSato;
import org.p2psip.om.omif.v1.UnknownSatoFault;
import org.p2psip.om.omif.v1.UnknownSessionFault;
import org.p2psip.om.omif.v1.UnsupportedTransportFault;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * The OM IF seen from the calling OM: every operation on a remote OM, with this node's id as
 * {@code callerNodeId}, the OM's own types in and out, and every failure as an
 * {@link OmException} typed like the declared fault (or {@link Kind#UNREACHABLE} /
 * {@link Kind#PROTOCOL}). Stubs come from an {@link OmIfClient}, so a relayed path can replace
 * direct HTTP later.
 */
public final class RemoteOverlayManager {
    private final OmIfClient client;
    private final Supplier<String> localNodeId;
    private final Supplier<Address> localOm;

    public RemoteOverlayManager(OmIfClient client, Supplier<String> localNodeId, Supplier<Address> localOm) {
        this.client = client;
        this.localNodeId = localNodeId;
        this.localOm = localOm;
    }

    public OmIfClient client() {
        return client;
    }

    private String me() {
        return localNodeId.get();
    }

    private String myOm() {
        Address a = localOm.get();
        return a == null ? null : a.toString();
    }

    /** The answer to a probe. */
    public record Pong(String nodeId, long sequence, long rttNanos) {
    }

    public Pong ping(Address om, long sequence, int paddingBytes) throws OmException {
        Ping p = new Ping();
        p.setCallerNodeId(me());
        p.setSequence(sequence);
        if (paddingBytes > 0) {
            p.setPadding(new byte[paddingBytes]);
        }
        long t0 = System.nanoTime();
        PingResponse r = call(om, () -> client.port(om).ping(p));
        long rtt = System.nanoTime() - t0;
        certified(om, r.getNodeId());
        if (r.getSequence() != sequence) {
            throw new OmException(Kind.PROTOCOL, "sequence", om + " answered probe " + sequence + " with " + r.getSequence());
        }
        return new Pong(r.getNodeId(), sequence, rtt);
    }

    /** The callee's choice in a transport negotiation. */
    public record Negotiated(String nodeId, String satoId, TransportKind transport, int candidateIndex, Address endpoint) {
    }

    public Negotiated negotiate(Address om, String satoId, Purpose purpose, List<Requirement> requirements,
                                List<TransportCandidate> candidates) throws OmException {
        NegotiateTransport n = new NegotiateTransport();
        n.setCallerNodeId(me());
        n.setCallerOmAddress(myOm());
        n.setSatoId(satoId);
        n.setPurpose(Wire.purpose(purpose));
        n.getRequirement().addAll(Wire.requirementsToWire(requirements));
        candidates.forEach(c -> n.getCandidate().add(Wire.candidate(c)));
        NegotiateTransportResponse r = call(om, () -> client.port(om).negotiateTransport(n));
        certified(om, r.getNodeId());
        if (r.getTransport() == null || r.getEndpoint() == null) {
            throw new OmException(Kind.PROTOCOL, "transport", om + " answered NegotiateTransport without a transport or endpoint");
        }
        return new Negotiated(r.getNodeId(), r.getSatoId(), Wire.transport(r.getTransport()), r.getCandidateIndex(),
                Wire.address(r.getEndpoint(), "endpoint"));
    }

    public SatoInfo setup(Address om, String satoId, Purpose purpose, String callId, TransportKind transport,
                          Address callerEndpoint, List<Requirement> requirements) throws OmException {
        SetupSato s = new SetupSato();
        s.setCallerNodeId(me());
        s.setCallerOmAddress(myOm());
        s.setSatoId(satoId);
        s.setPurpose(Wire.purpose(purpose));
        s.setCallId(callId);
        s.setTransport(Wire.transport(transport));
        s.setCallerEndpoint(Wire.endpoint(callerEndpoint));
        s.getRequirement().addAll(Wire.requirementsToWire(requirements));
        return call(om, () -> client.port(om).setupSato(s)).getSato();
    }

    public int teardown(Address om, String satoId, String reason) throws OmException {
        TeardownSato t = new TeardownSato();
        t.setCallerNodeId(me());
        t.setSatoId(satoId);
        t.setReason(reason);
        return call(om, () -> client.port(om).teardownSato(t)).getReleasedSessions();
    }

    public PortSession startPort(Address om, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        StartPort s = new StartPort();
        s.setCallerNodeId(me());
        s.setSatoId(satoId);
        s.setPortType(Wire.portType(kind));
        s.getParameter().addAll(Wire.parameters(params));
        return session(call(om, () -> client.port(om).startPort(s)).getSession());
    }

    public boolean stopPort(Address om, String sessionId) throws OmException {
        StopPort s = new StopPort();
        s.setCallerNodeId(me());
        s.setSessionId(sessionId);
        return call(om, () -> client.port(om).stopPort(s)).isStopped();
    }

    public int connectRtp(Address om, String satoId, TransportKind transport, List<MediaHop> hops) throws OmException {
        ConnectRtp c = new ConnectRtp();
        c.setCallerNodeId(me());
        c.setSatoId(satoId);
        c.setTransport(Wire.transport(transport));
        hops.forEach(h -> c.getHop().add(Wire.hop(h)));
        return call(om, () -> client.port(om).connectRtp(c)).getConnectedLegs();
    }

    /** AdaptSato: the OM at {@code om} re-points its end of call {@code callId}'s media stream at {@code mediaAddress} to {@code remote}. */
    public String adaptSato(Address om, String callId, Address mediaAddress, Address remote, String reason) throws OmException {
        AdaptSato a = new AdaptSato();
        a.setCallerNodeId(me());
        a.setCallId(callId);
        a.setMediaAddress(Wire.endpoint(mediaAddress));
        a.setRemote(Wire.endpoint(remote));
        a.setReason(reason);
        return call(om, () -> client.port(om).adaptSato(a)).getSatoId();
    }

    /** ReportPath: tells the OM at {@code om} (the caller's side) what this end of a media SATO receives. */
    public String reportPath(Address om, PathReport report) throws OmException {
        ReportPath p = new ReportPath();
        p.setCallerNodeId(me());
        p.setCallId(report.callId());
        p.setMediaAddress(Wire.endpoint(report.mediaAddress()));
        p.setEvent(org.p2psip.om.omif.v1.PathEvent.fromValue(report.event().wire()));
        p.setWindowMillis(report.windowMillis());
        p.setPackets(report.packets());
        p.setLossRatio(report.lossRatio());
        p.setJitterMillis(report.jitterMillis());
        p.setSilentMillis(report.silentMillis());
        p.setRemote(Wire.endpoint(report.remote()));
        return call(om, () -> client.port(om).reportPath(p)).getSatoId();
    }

    public GetNodeStatusResponse status(Address om) throws OmException {
        GetNodeStatus g = new GetNodeStatus();
        g.setCallerNodeId(me());
        GetNodeStatusResponse r = call(om, () -> client.port(om).getNodeStatus(g));
        certified(om, r.getNodeId());
        return r;
    }

    /**
     * A secured OM IF: the certificate the OM at {@code om} presented must name {@code nodeId} (for an
     * answer that does not carry the node id, such as SetupSato's); otherwise {@link Kind#PROTOCOL}.
     */
    public void checkNodeId(Address om, String nodeId) throws OmException {
        certified(om, nodeId);
    }

    /**
     * A secured OM IF: the node id the OM at {@code om} claims in an answer must be the one in the
     * certificate it presented (as the callee checks the caller's); otherwise {@link Kind#PROTOCOL}.
     */
    private void certified(Address om, String claimed) throws OmException {
        java.util.Optional<String> cert = client.certifiedNodeId(om);
        if (cert.isPresent() && claimed != null && !claimed.equals(cert.get())) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " answered as node " + claimed
                    + (cert.get().isEmpty() ? ", but its certificate names no node" : ", but its certificate names node " + cert.get()));
        }
    }

    /** A session as the remote OM described it (legs from its {@code leg.*} details). */
    static PortSession session(SessionInfo w) throws OmException {
        if (w == null || w.getSessionId() == null || w.getPortType() == null) {
            throw new OmException(Kind.PROTOCOL, "session", "StartPort answered without a session");
        }
        Map<String, Address> legs = new HashMap<>();
        Map<String, String> details = new HashMap<>();
        for (Parameter p : w.getDetail()) {
            if (p.getName() == null || p.getValue() == null) {
                continue;
            }
            if (p.getName().startsWith("leg.")) {
                try {
                    legs.put(p.getName().substring(4), Address.parse(p.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new OmException(Kind.PROTOCOL, p.getName(), "bad leg address: " + p.getValue());
                }
            } else {
                details.put(p.getName(), p.getValue());
            }
        }
        return new PortSession(w.getSessionId(), Wire.portType(w.getPortType()), w.getSatoId(), w.getOwnerNodeId(), legs, details);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Address om, Call<T> c) throws OmException {
        try {
            return c.run();
        } catch (UnknownSatoFault f) {
            throw new OmException(Kind.UNKNOWN_SATO, f.getFaultInfo() == null ? "" : f.getFaultInfo().getSatoId(), text(f, f.getFaultInfo() == null ? null : f.getFaultInfo().getMessage()), f);
        } catch (UnknownSessionFault f) {
            throw new OmException(Kind.UNKNOWN_SESSION, f.getFaultInfo() == null ? "" : f.getFaultInfo().getSessionId(), text(f, f.getFaultInfo() == null ? null : f.getFaultInfo().getMessage()), f);
        } catch (UnsupportedTransportFault f) {
            throw new OmException(Kind.UNSUPPORTED_TRANSPORT, "transport", text(f, f.getFaultInfo() == null ? null : f.getFaultInfo().getMessage()), f);
        } catch (ResourcesExhaustedFault f) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, f.getFaultInfo() == null ? "" : f.getFaultInfo().getResource(), text(f, f.getFaultInfo() == null ? null : f.getFaultInfo().getMessage()), f);
        } catch (InvalidRequestFault f) {
            throw new OmException(Kind.INVALID_REQUEST, f.getFaultInfo() == null ? "" : f.getFaultInfo().getField(), text(f, f.getFaultInfo() == null ? null : f.getFaultInfo().getMessage()), f);
        } catch (SOAPFaultException e) {
            throw new OmException(Kind.PROTOCOL, "", om + " answered with a SOAP fault: " + e.getMessage(), e);
        } catch (WebServiceException e) {
            if (isUnreachable(e)) {
                throw new OmException(Kind.UNREACHABLE, om.toString(), "OM at " + om + " unreachable: " + rootMessage(e), e);
            }
            throw new OmException(Kind.PROTOCOL, "", "OM IF call to " + om + " failed: " + rootMessage(e), e);
        } catch (RuntimeException e) {
            throw new OmException(Kind.PROTOCOL, "", "OM IF call to " + om + " failed: " + rootMessage(e), e);
        } catch (Exception e) {
            throw new OmException(Kind.PROTOCOL, "", "OM IF call to " + om + " failed: " + rootMessage(e), e);
        }
    }

    private static String text(Exception f, String detail) {
        return detail != null && !detail.isEmpty() ? detail : f.getMessage();
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketException
                    // the far end closed the connection without an answer (a kept-alive HTTPS connection to a
                    // peer killed meanwhile): the OM is gone, as with a refused connection
                    || t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
