package org.p2psip.om;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.table.SatoTable;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.PortKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions on this node's own SATO-Ports (RTP-Port, P2PSIP-Port), bound to a SATO or not, by
 * session id, at most {@code maxSessions}. A session bound to a SATO is also listed in the SATO.
 */
final class LocalSessions {
    private static final Logger log = LoggerFactory.getLogger(LocalSessions.class);

    private final SatoPorts ports;
    private final SatoTable satos;
    private final int maxSessions;
    private final Map<String, PortSession> sessions = new ConcurrentHashMap<>();

    LocalSessions(SatoPorts ports, SatoTable satos, int maxSessions) {
        this.ports = ports;
        this.satos = satos;
        this.maxSessions = maxSessions;
    }

    PortSession get(String sessionId) {
        return sessions.get(sessionId);
    }

    /** How many sessions here {@code owner} started (bounded by the session limit). */
    int countOwnedBy(String owner) {
        int n = 0;
        for (PortSession ps : sessions.values()) {
            if (owner.equals(ps.ownerNodeId())) {
                n++;
            }
        }
        return n;
    }

    List<PortSession> all() {
        return List.copyOf(sessions.values());
    }

    List<PortSession> sorted() {
        List<PortSession> ss = new ArrayList<>(sessions.values());
        ss.sort((a, b) -> a.sessionId().compareTo(b.sessionId()));
        return ss;
    }

    /** Starts a session on the local {@code kind} port for SATO {@code s} (may be null) on behalf of {@code owner}. */
    PortSession start(Sato s, String satoId, PortKind kind, String owner, Map<String, String> params) throws OmException {
        if (sessions.size() >= maxSessions) {
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
                stop(ps);
                throw OmException.unknownSato(s.id());
            }
        }
        log.debug("started {} session {} for SATO {} (owner {})", kind, ps.sessionId(), satoId, NodeIds.shortId(owner));
        return ps;
    }

    /** Stops {@code ps} and unlists it from its SATO; nothing if it is no longer running. */
    void stop(PortSession ps) throws OmException {
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

    /** Stops {@code ps} when its SATO ends (the SATO has already let go of it). */
    void release(PortSession ps) throws OmException {
        if (sessions.remove(ps.sessionId()) != null) {
            ports.stop(ps);
        }
    }

    /** Stops every session {@code peer} started here outside any SATO (the peer disappeared). */
    void releaseUnboundOf(String peer) {
        for (PortSession ps : all()) {
            if (peer.equals(ps.ownerNodeId()) && ps.satoId() == null) {
                stopQuietly(ps, "of lost peer " + NodeIds.shortId(peer));
            }
        }
    }

    void releaseAll() {
        for (PortSession ps : all()) {
            stopQuietly(ps, "at shutdown");
        }
    }

    private void stopQuietly(PortSession ps, String why) {
        try {
            stop(ps);
        } catch (OmException e) {
            log.warn("releasing session {} {} failed: {}", ps.sessionId(), why, e.getMessage());
        }
    }

    /** The overlay address of an RTP-Port session: its caller-side leg, or its first endpoint. */
    static Address mediaLeg(PortSession ps) throws OmException {
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
}
