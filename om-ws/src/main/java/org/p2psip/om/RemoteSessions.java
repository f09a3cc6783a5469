package org.p2psip.om;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port sessions this node started on other nodes' SATO-Ports over the OM IF (StartPort), per
 * SATO, so that they are stopped (StopPort) when the SATO ends.
 */
final class RemoteSessions {
    private static final Logger log = LoggerFactory.getLogger(RemoteSessions.class);

    private record RemoteSession(Address om, String sessionId) {
    }

    private final RemoteOverlayManager remote;
    private final Map<String, List<RemoteSession>> bySato = new ConcurrentHashMap<>();

    RemoteSessions(RemoteOverlayManager remote) {
        this.remote = remote;
    }

    /** StartPort on the OM at {@code om}; a session for a SATO is remembered until the SATO ends. */
    PortSession start(Address om, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        PortSession ps = remote.startPort(om, satoId, kind, params);
        if (satoId != null) {
            bySato.computeIfAbsent(satoId, k -> new CopyOnWriteArrayList<>()).add(new RemoteSession(om, ps.sessionId()));
        }
        return ps;
    }

    boolean stop(Address om, String sessionId) throws OmException {
        try {
            return remote.stopPort(om, sessionId);
        } finally {
            // forgotten even if the far OM is gone (a dead relay): the SATO's teardown need not try again
            bySato.values().forEach(l -> l.removeIf(r -> r.sessionId().equals(sessionId) && r.om().equals(om)));
        }
    }

    /** Stops every session started on other nodes for {@code s} (best effort). */
    void stopAll(Sato s) {
        List<RemoteSession> rs = bySato.remove(s.id());
        if (rs == null) {
            return;
        }
        for (RemoteSession r : rs) {
            try {
                remote.stopPort(r.om(), r.sessionId());
            } catch (OmException e) {
                log.info("{}: stopping session {} at {} failed: {}", s, r.sessionId(), r.om(), e.getMessage());
            }
        }
    }
}
