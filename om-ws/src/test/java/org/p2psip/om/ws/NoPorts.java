package org.p2psip.om.ws;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;

/** A node without SATO-Ports (an OM that only serves status and probes): every port request is refused. */
final class NoPorts implements SatoPorts {
    @Override
    public Set<TransportKind> transports(Purpose purpose) {
        return Set.of();
    }

    @Override
    public Address signallingEndpoint(TransportKind transport) throws OmException {
        throw new OmException(OmException.Kind.UNSUPPORTED_TRANSPORT, "", "no P2PSIP-Port");
    }

    @Override
    public PortSession start(PortKind kind, String satoId, String owner, Map<String, String> params) throws OmException {
        throw new OmException(OmException.Kind.RESOURCES_EXHAUSTED, kind.wire(), "no " + kind + " on this node");
    }

    @Override
    public void stop(PortSession session) throws OmException {
        throw OmException.unknownSession(session.sessionId());
    }

    @Override
    public void connect(PortSession session, String leg, Address remote, TransportKind transport) throws OmException {
        throw OmException.unknownSession(session.sessionId());
    }

    @Override
    public List<PortStatus> status() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
