package org.p2psip.om;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.table.SatoTable;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;

/**
 * "Connect RTP" (Figure 4): connects the overlay legs of the RTP-Port sessions of a media chain
 * (RTP1 -> RTP3 -> RTP2) that this node hosts, and sends ConnectRtp to the OM of every other node
 * of the chain, in chain order.
 */
final class MediaChainBuilder {
    private final String nodeId;
    private final SatoTable satos;
    private final LocalSessions local;
    private final SatoPorts ports;
    private final RemoteOverlayManager remote;

    MediaChainBuilder(String nodeId, SatoTable satos, LocalSessions local, SatoPorts ports, RemoteOverlayManager remote) {
        this.nodeId = nodeId;
        this.satos = satos;
        this.local = local;
        this.ports = ports;
        this.remote = remote;
    }

    /** Connects the whole chain; {@code skipNode} (typically the node that asked) is not sent ConnectRtp. */
    int build(String satoId, TransportKind transport, List<MediaHop> hops, String skipNode) throws OmException {
        return build(satoId, transport, hops, skipNode, null);
    }

    /**
     * As {@link #build(String, TransportKind, List, String)}, asked by the OM IF's {@code asker} (null:
     * this node itself), who may connect only sessions of its own calls here.
     */
    int build(String satoId, TransportKind transport, List<MediaHop> hops, String skipNode, String asker) throws OmException {
        int legs = connectLocalHops(satoId, transport, hops, skipNode == null ? nodeId : skipNode, asker);
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

    /**
     * Connects the legs of the hops on this node; {@code caller} owns the media SATO if it is new here.
     * {@code asker} (the OM IF caller; null: this node itself) must own every session it connects here:
     * it started the session, or it is the peer of the session's SATO; and the SATO {@code satoId},
     * if it exists here, must be one of its SATOs. Otherwise InvalidRequest (field callerNodeId),
     * before any leg moves.
     */
    int connectLocalHops(String satoId, TransportKind transport, List<MediaHop> hops, String caller, String asker)
            throws OmException {
        if (asker != null) {
            checkAsker(satoId, hops, asker);
        }
        int legs = 0;
        boolean any = false;
        for (int i = 0; i < hops.size(); i++) {
            MediaHop h = hops.get(i);
            if (!NodeIds.isValid(h.nodeId())) {
                throw OmException.invalid("hop.nodeId", "hop " + i + ": '" + Checks.clip(h.nodeId()) + "' is not a node id");
            }
            if (!h.nodeId().equals(nodeId)) {
                continue;
            }
            any = true;
            PortSession ps = local.get(h.sessionId());
            if (ps == null || ps.kind() != PortKind.RTP_PORT) {
                throw OmException.unknownSession(h.sessionId());
            }
            Sato s = mediaSato(satoId, caller, ps);
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

    private void checkAsker(String satoId, List<MediaHop> hops, String asker) throws OmException {
        Sato existing = satos.get(satoId);
        if (existing != null) {
            Checks.owner(existing, asker);
        }
        for (MediaHop h : hops) {
            if (!nodeId.equals(h.nodeId())) {
                continue;
            }
            PortSession ps = local.get(h.sessionId());
            if (ps == null) {
                continue; // unknown: UnknownSession below
            }
            Sato of = ps.satoId() == null ? null : satos.get(ps.satoId());
            if (!asker.equals(ps.ownerNodeId()) && (of == null || !asker.equals(of.peerNodeId()))) {
                throw OmException.invalid("callerNodeId", "session " + h.sessionId() + " belongs to a call of another peer");
            }
        }
    }

    /** The media SATO {@code satoId} here (made if new, owned by {@code caller}), holding session {@code ps}. */
    private Sato mediaSato(String satoId, String caller, PortSession ps) throws OmException {
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
        return s;
    }

    /** Who starts the leg of hop {@code self} towards hop {@code neighbour}: NATed hops send first, their neighbours latch. */
    private static SatoPorts.LegStart start(MediaHop self, MediaHop neighbour) {
        if (neighbour.behindNat()) {
            return SatoPorts.LegStart.LATCH_ANY;
        }
        return self.behindNat() ? SatoPorts.LegStart.ACTIVE : SatoPorts.LegStart.CHAIN;
    }
}
