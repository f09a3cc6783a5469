package org.p2psip.peer.view;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.p2psip.control.ControlException;
import org.p2psip.control.message.RtpLeg;
import org.p2psip.control.message.RtpSessionStats;
import org.p2psip.control.message.RtpStatsPage;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.NodeIds;
import org.p2psip.peer.Peer;

/**
 * What the web view shows of a peer, read when asked: the node (id, addresses, predecessor,
 * successor list, fingers), the ring members it knows with their roles (this node, relay offered,
 * behind a NAT), the SATO table with each SATO's adaptation history, and the RTP-Port's sessions
 * with their packet, loss and jitter counters. A part that cannot be read is left empty.
 */
public final class PeerState implements Supplier<Map<String, Object>> {
    private static final List<String> COUNTERS = List.of("packets_in", "packets_out", "rtp_expected", "rtp_lost", "jitter_ms");
    private final Peer peer;

    public PeerState(Peer peer) {
        this.peer = peer;
    }

    @Override
    public Map<String, Object> get() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", peer.config().name());
        m.put("time", System.currentTimeMillis());
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", peer.overlayManager().nodeId());
        node.put("om", peer.overlayManager().url());
        node.put("dht", peer.bootstrapAddress());
        node.put("nat", peer.config().nat());
        try {
            node.put("sip", peer.sipAddress());
        } catch (ControlException | RuntimeException e) {
            node.put("sip", "unknown (" + e.getMessage() + ")");
        }
        Set<String> relays = relayNodes();
        Map<String, Map<String, Object>> ring = new LinkedHashMap<>();
        ChordNode chord = peer.lookupNode();
        if (chord != null) {
            NodeStatus st = chord.status();
            node.put("predecessor", st.predecessor() == null ? null : ref(st.predecessor()));
            node.put("successors", st.successors().stream().map(PeerState::ref).toList());
            node.put("fingers", st.fingers().stream().map(PeerState::ref).toList());
            node.put("ringSize", st.ringSize());
            member(ring, st.self(), relays, "this peer");
            if (st.predecessor() != null) {
                member(ring, st.predecessor(), relays, null);
            }
            st.successors().forEach(n -> member(ring, n, relays, null));
            st.fingers().forEach(n -> member(ring, n, relays, null));
        }
        m.put("node", node);
        m.put("ring", new ArrayList<>(ring.values()));
        m.put("satos", satos());
        m.put("sessions", sessions());
        return m;
    }

    private Set<String> relayNodes() {
        Set<String> ids = new java.util.HashSet<>();
        try {
            for (PeerRecord r : peer.relayDirectory().candidates(64, Set.of())) {
                ids.add(r.nodeId());
            }
        } catch (RuntimeException e) {
            // the relay records are not readable now: no relay role shown
        }
        if (peer.config().offerRelay() && !peer.config().nat()) {
            ids.add(peer.overlayManager().nodeId());
        }
        return ids;
    }

    private static Map<String, Object> ref(NodeRef n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id().toHex());
        m.put("short", NodeIds.shortId(n.id().toHex()));
        m.put("address", n.address());
        return m;
    }

    private void member(Map<String, Map<String, Object>> ring, NodeRef n, Set<String> relays, String self) {
        String id = n.id().toHex();
        Map<String, Object> m = ring.computeIfAbsent(id, k -> {
            Map<String, Object> r = ref(n);
            r.put("roles", new ArrayList<String>());
            return r;
        });
        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) m.get("roles");
        if (self != null && !roles.contains("self")) {
            roles.add("self");
            if (peer.config().nat()) {
                roles.add("behind NAT");
            }
        }
        if (relays.contains(id) && !roles.contains("relay")) {
            roles.add("relay");
        }
    }

    private List<Map<String, Object>> satos() {
        List<Map<String, Object>> l = new ArrayList<>();
        for (Sato s : peer.overlayManager().satos().all()) {
            Sato.Snapshot x = s.snapshot();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", x.id());
            m.put("purpose", String.valueOf(x.purpose()).toLowerCase());
            m.put("role", String.valueOf(x.role()).toLowerCase());
            m.put("call", x.callId());
            m.put("peer", x.peerNodeId() == null ? null : NodeIds.shortId(x.peerNodeId()));
            m.put("peerOm", x.peerOm() == null ? null : x.peerOm().toString());
            m.put("state", String.valueOf(x.state()));
            m.put("transport", x.transport() == null ? null : x.transport().toString());
            m.put("local", x.localEndpoint() == null ? null : x.localEndpoint().toString());
            m.put("remote", x.remoteEndpoint() == null ? null : x.remoteEndpoint().toString());
            m.put("sessions", x.sessionIds());
            m.put("age", x.ageSeconds());
            m.put("note", x.note());
            m.put("history", x.history());
            l.add(m);
        }
        return l;
    }

    private List<Map<String, Object>> sessions() {
        List<Map<String, Object>> l = new ArrayList<>();
        try {
            RtpStatsPage page = RtpStatsPage.from(peer.rtpStats());
            for (RtpSessionStats s : page.sessions()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("role", s.role());
                m.put("ageMs", s.ageMillis());
                m.put("idleMs", s.idleMillis());
                List<Map<String, Object>> legs = new ArrayList<>();
                for (RtpLeg leg : s.legs()) {
                    Map<String, Object> g = new LinkedHashMap<>();
                    g.put("leg", leg.name());
                    g.put("remote", leg.remote());
                    for (String c : COUNTERS) {
                        String v = leg.get(c);
                        g.put(c, v == null ? "-" : v);
                    }
                    legs.add(g);
                }
                m.put("legs", legs);
                l.add(m);
            }
        } catch (ControlException | RuntimeException e) {
            // the RTP-Port does not answer now: no sessions shown this second
        }
        return l;
    }
}
