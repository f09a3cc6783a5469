package org.p2psip.peer;

import java.io.IOException;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.om.OverlayManager;
import org.p2psip.tcprelay.AllocationStats;
import org.p2psip.tcprelay.TcpRelay;

/**
 * The peer's management socket, {@code <state-dir>/om.sock} (same framing as the control
 * protocol): answers {@code peer.status} for local tools ({@code ./p2psip status}, experiments)
 * with the peer's node, addresses, NAT state and TCP relay counters.
 */
final class ManagementSocket {
    private final Peer peer;

    private ManagementSocket(Peer peer) {
        this.peer = peer;
    }

    static ControlServer listen(Peer peer) throws IOException, ControlException {
        return ControlServer.listen(peer.config().stateDir().resolve(Peer.MANAGEMENT_SOCKET), "om", peer.config().name(),
                new ManagementSocket(peer)::onRequest);
    }

    private ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
        if (!Peer.STATUS_REQUEST.equals(r.type())) {
            throw ControlHandler.unknownType(r);
        }
        PeerConfig config = peer.config();
        OverlayManager om = peer.overlayManager();
        String lookup = peer.bootstrapAddress();
        ControlMessage a = ControlMessage.responseTo(r).with("name", config.name()).with("node", om.nodeId())
                .with("om", om.address().toString()).with("nat", config.nat() ? "on" : "off")
                .with("lookup", lookup != null ? lookup : config.bootstrap() + " (as a client, not a ring member)")
                .with("satos", om.satos().size());
        RelayedAddresses relayed = peer.relayedAddresses();
        if (relayed != null) {
            a = a.with("relayed.om", RelayedAddresses.hostPort(relayed.om()))
                    .with("relayed.sip", RelayedAddresses.hostPort(relayed.sip()));
        }
        TcpRelay t = peer.tcpRelay();
        if (t != null) {
            a = a.with("tcp-relay", RelayedAddresses.hostPort(t.address()));
            for (AllocationStats st : t.stats()) {
                String p = "tcp-relay." + st.name() + ".";
                a = a.with(p + "address", RelayedAddresses.hostPort(st.publicAddress())).with(p + "accepted", st.connectionsAccepted())
                        .with(p + "active", st.connectionsActive()).with(p + "bytes_in", st.bytesClientToPeer())
                        .with(p + "bytes_out", st.bytesPeerToClient()).with(p + "open", st.open());
            }
        }
        return a;
    }
}
