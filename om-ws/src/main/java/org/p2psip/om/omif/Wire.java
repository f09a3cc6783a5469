package org.p2psip.om.omif;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.p2psip.om.omif.v1.Candidate;
import org.p2psip.om.omif.v1.Endpoint;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.PortType;
import org.p2psip.om.omif.v1.RtpHop;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.omif.v1.Transport;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/** Conversions between the OM's own types and the JAXB types generated from the WSDL. */
public final class Wire {
    /** The endpoint path of the OM IF version 1 on every OM. */
    public static final String PATH = "/om/v1";

    private Wire() {
    }

    public static Transport transport(TransportKind t) {
        return Transport.fromValue(t.wire());
    }

    public static TransportKind transport(Transport t) {
        return TransportKind.fromWire(t.value());
    }

    public static org.p2psip.om.omif.v1.Purpose purpose(Purpose p) {
        return org.p2psip.om.omif.v1.Purpose.fromValue(p.wire());
    }

    public static Purpose purpose(org.p2psip.om.omif.v1.Purpose p) {
        return Purpose.fromWire(p.value());
    }

    public static org.p2psip.om.omif.v1.Requirement requirement(Requirement r) {
        return org.p2psip.om.omif.v1.Requirement.fromValue(r.wire());
    }

    public static Requirement requirement(org.p2psip.om.omif.v1.Requirement r) {
        return Requirement.fromWire(r.value());
    }

    public static List<Requirement> requirementsFromWire(List<org.p2psip.om.omif.v1.Requirement> rs) throws OmException {
        List<Requirement> out = new ArrayList<>(rs.size());
        for (org.p2psip.om.omif.v1.Requirement r : rs) {
            if (r == null) {
                throw OmException.invalid("requirement", "unknown requirement");
            }
            out.add(requirement(r));
        }
        return out;
    }

    public static List<org.p2psip.om.omif.v1.Requirement> requirementsToWire(List<Requirement> rs) {
        List<org.p2psip.om.omif.v1.Requirement> out = new ArrayList<>(rs.size());
        rs.forEach(r -> out.add(requirement(r)));
        return out;
    }

    public static PortType portType(PortKind k) {
        return PortType.fromValue(k.wire());
    }

    public static PortKind portType(PortType t) {
        return PortKind.fromWire(t.value());
    }

    public static Endpoint endpoint(Address a) {
        if (a == null) {
            return null;
        }
        Endpoint e = new Endpoint();
        e.setHost(a.host());
        e.setPort(a.port());
        return e;
    }

    /** A wire endpoint as an address; a missing or malformed one is the sender's mistake. */
    public static Address address(Endpoint e, String field) throws OmException {
        if (e == null) {
            throw OmException.invalid(field, field + " is missing");
        }
        if (e.getHost() == null || e.getHost().isBlank()) {
            throw OmException.invalid(field, field + " has no host");
        }
        try {
            return new Address(e.getHost(), e.getPort());
        } catch (RuntimeException ex) {
            throw OmException.invalid(field, field + ": " + ex.getMessage());
        }
    }

    public static Address addressOrNull(Endpoint e, String field) throws OmException {
        return e == null ? null : address(e, field);
    }

    /** {@code host:port} text (callerOmAddress, RtpHop omAddress) as an address; null stays null. */
    public static Address omAddress(String s, String field) throws OmException {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Address.parse(s);
        } catch (IllegalArgumentException e) {
            throw OmException.invalid(field, field + ": " + e.getMessage());
        }
    }

    public static Candidate candidate(TransportCandidate c) {
        Candidate w = new Candidate();
        w.setTransport(transport(c.transport()));
        w.setEndpoint(endpoint(c.address()));
        return w;
    }

    public static List<TransportCandidate> candidatesFromWire(List<Candidate> cs) throws OmException {
        List<TransportCandidate> out = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) {
            Candidate c = cs.get(i);
            if (c == null || c.getTransport() == null) {
                throw OmException.invalid("candidate", "candidate " + i + " has no (known) transport");
            }
            out.add(new TransportCandidate(transport(c.getTransport()), address(c.getEndpoint(), "candidate[" + i + "].endpoint")));
        }
        return out;
    }

    public static Parameter parameter(String name, String value) {
        Parameter p = new Parameter();
        p.setName(name);
        p.setValue(value);
        return p;
    }

    public static List<Parameter> parameters(Map<String, String> m) {
        List<Parameter> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(parameter(k, v)));
        return out;
    }

    public static RtpHop hop(MediaHop h) {
        RtpHop w = new RtpHop();
        w.setNodeId(h.nodeId());
        w.setOmAddress(h.om() == null ? null : h.om().toString());
        w.setSessionId(h.sessionId());
        w.setTowardCaller(endpoint(h.towardCaller()));
        w.setTowardCallee(endpoint(h.towardCallee()));
        if (h.behindNat()) {
            w.setBehindNat(Boolean.TRUE);
        }
        return w;
    }

    public static List<MediaHop> hopsFromWire(List<RtpHop> hops) throws OmException {
        List<MediaHop> out = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            RtpHop h = hops.get(i);
            if (h == null || h.getNodeId() == null || h.getSessionId() == null) {
                throw OmException.invalid("hop", "hop " + i + " lacks nodeId or sessionId");
            }
            out.add(new MediaHop(h.getNodeId(), omAddress(h.getOmAddress(), "hop[" + i + "].omAddress"), h.getSessionId(),
                    addressOrNull(h.getTowardCaller(), "hop[" + i + "].towardCaller"),
                    addressOrNull(h.getTowardCallee(), "hop[" + i + "].towardCallee"),
                    Boolean.TRUE.equals(h.isBehindNat())));
        }
        return out;
    }

    public static SessionInfo session(PortSession s) {
        SessionInfo w = new SessionInfo();
        w.setSessionId(s.sessionId());
        w.setPortType(portType(s.kind()));
        w.setSatoId(s.satoId());
        w.setOwnerNodeId(s.ownerNodeId());
        s.legs().forEach((leg, a) -> {
            w.getEndpoint().add(endpoint(a));
            w.getDetail().add(parameter("leg." + leg, a.toString()));
        });
        s.details().forEach((k, v) -> w.getDetail().add(parameter(k, v)));
        return w;
    }
}
