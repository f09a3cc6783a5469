package org.p2psip.om.sato;

import org.p2psip.om.ports.PortSession;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;

/**
 * One running media SATO as its OM keeps it (Figure 4): the local RTP-Port session (RTP1 on the
 * caller's side, RTP2 on the callee's), the far peer, and, on the caller's side, the relay in the
 * middle of the chain (RTP3), which mid-call adaptation may insert, replace or remove.
 */
final class MediaChain {
    /** The middle of the chain: a relay peer and its RTP-Port session, or none (direct). */
    record Via(PeerRecord relay, PortSession session) {
        static final Via DIRECT = new Via(null, null);

        boolean relayed() {
            return relay != null;
        }

        String path() {
            return relay == null ? "direct" : "via " + relay.shortId();
        }
    }

    final String id;
    final String call;
    final Sato.Role role;
    final PortSession local;
    final PeerRecord peer;
    /** The relay may not go (policy always, or a NAT on the path): failed over, never removed. */
    final boolean relayForced;
    /** The P2PSIP-Port's control connection that asked for this media SATO: where a dead call is reported. */
    private org.p2psip.control.ControlConnection port;
    private Via via;
    /** Caller's side: RTP2's overlay address (from the callee's SDP); callee's side: where RTP2's overlay leg points. */
    private Address remote;

    MediaChain(String id, String call, Sato.Role role, PortSession local, PeerRecord peer, Via via, boolean relayForced) {
        this.id = id;
        this.call = call;
        this.role = role;
        this.local = local;
        this.peer = peer;
        this.via = via;
        this.relayForced = relayForced;
    }

    boolean initiator() {
        return role == Sato.Role.INITIATOR;
    }

    synchronized Via via() {
        return via;
    }

    synchronized void via(Via v) {
        via = v;
    }

    synchronized org.p2psip.control.ControlConnection port() {
        return port;
    }

    synchronized void port(org.p2psip.control.ControlConnection c) {
        port = c;
    }

    synchronized Address remote() {
        return remote;
    }

    synchronized void remote(Address a) {
        remote = a;
    }

    @Override
    public String toString() {
        return "media SATO " + id + " (call " + Satos.shortCall(call) + ", " + via().path() + ")";
    }
}
