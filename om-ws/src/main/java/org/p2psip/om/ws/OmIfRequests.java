package org.p2psip.om.ws;

import java.util.List;
import java.util.Map;
import org.p2psip.om.Address;
import org.p2psip.om.MediaHop;
import org.p2psip.om.Negotiation;
import org.p2psip.om.NodeStatus;
import org.p2psip.om.OmException;
import org.p2psip.om.PortKind;
import org.p2psip.om.Purpose;
import org.p2psip.om.Requirement;
import org.p2psip.om.Sato;
import org.p2psip.om.TransportCandidate;
import org.p2psip.om.TransportKind;
import org.p2psip.om.ports.PortSession;

/**
 * The acceptor side of the OM IF: what an Overlay Manager does when another OM asks (the
 * operations of {@code wsdl/om-if-v1.wsdl}, in Java types). {@link OmService} translates each
 * SOAP operation to one of these calls.
 */
public interface OmIfRequests {
    String nodeId();

    /** Checks the caller's node id: well-formed, and not this node's own id; null if absent and not required. */
    String checkCaller(String callerNodeId, boolean required) throws OmException;

    String onPing(String caller) throws OmException;

    Negotiation onNegotiate(String caller, Address callerOm, String satoId, Purpose purpose,
                            List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException;

    Sato.Snapshot onSetup(String caller, Address callerOm, String satoId, Purpose purpose, String callId,
                          TransportKind transport, Address callerEndpoint, List<Requirement> requirements) throws OmException;

    int onTeardown(String caller, String satoId, String reason) throws OmException;

    PortSession onStartPort(String caller, String satoId, PortKind kind, Map<String, String> params) throws OmException;

    boolean onStopPort(String caller, String sessionId) throws OmException;

    int onConnectRtp(String caller, String satoId, TransportKind transport, List<MediaHop> hops) throws OmException;

    NodeStatus status();
}
