package org.p2psip.om.ws;

import java.util.List;
import java.util.Map;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.NodeStatus;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.Negotiation;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * The acceptor side of the OM IF: what an Overlay Manager does when another OM asks (the
 * operations of {@code wsdl/om-if-v1.wsdl}, in Java types). {@link OmService} translates each
 * SOAP operation to one of these calls.
 */
public interface OmIfRequests {
    String nodeId();

    /** Checks the caller's node id: well-formed, and not this node's own id; null if absent and not required. */
    String checkCaller(String callerNodeId, boolean required) throws OmException;

    /**
     * A Ping from {@code caller} with sequence number {@code sequence}. A Ping with this node's own id is
     * answered only when its sequence is this OM's warm-up token (its Pings to itself at start), else refused.
     */
    String onPing(String caller, long sequence) throws OmException;

    Negotiation onNegotiate(String caller, Address callerOm, String satoId, Purpose purpose,
                            List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException;

    Sato.Snapshot onSetup(String caller, Address callerOm, String satoId, Purpose purpose, String callId,
                          TransportKind transport, Address callerEndpoint, List<Requirement> requirements) throws OmException;

    int onTeardown(String caller, String satoId, String reason) throws OmException;

    PortSession onStartPort(String caller, String satoId, PortKind kind, Map<String, String> params) throws OmException;

    boolean onStopPort(String caller, String sessionId) throws OmException;

    int onConnectRtp(String caller, String satoId, TransportKind transport, List<MediaHop> hops) throws OmException;

    /** AdaptSato: re-point the overlay leg of this node's end of a running media SATO; returns the SATO id. */
    String onAdaptSato(String caller, String callId, Address mediaAddress, Address remote, String reason) throws OmException;

    /** ReportPath: a path event of a running media SATO this node's caller side owns; returns the SATO id. */
    String onReportPath(String caller, PathReport report) throws OmException;

    NodeStatus status();

    /** How this node is secured, for node status ({@code secured: ...} or {@code OFF: ...}); null: not said. */
    default String security() {
        return null;
    }
}
