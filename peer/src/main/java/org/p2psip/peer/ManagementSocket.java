package org.p2psip.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.control.message.PeerStatus;
import org.p2psip.control.message.PeerStatusAnswer;
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
        PeerStatus.from(r); // anything else is an unknown type
        PeerConfig config = peer.config();
        OverlayManager om = peer.overlayManager();
        String lookup = peer.bootstrapAddress();
        RelayedAddresses relayed = peer.relayedAddresses();
        TcpRelay t = peer.tcpRelay();
        List<PeerStatusAnswer.TcpRelayAllocation> allocations = new ArrayList<>();
        if (t != null) {
            for (AllocationStats st : t.stats()) {
                allocations.add(new PeerStatusAnswer.TcpRelayAllocation(st.name(), RelayedAddresses.hostPort(st.publicAddress()),
                        st.connectionsAccepted(), st.connectionsActive(), st.bytesClientToPeer(), st.bytesPeerToClient(), st.open()));
            }
        }
        return new PeerStatusAnswer(config.name(), om.nodeId(), om.address().toString(), config.nat(),
                lookup != null ? lookup : config.bootstrap() + " (as a client, not a ring member)", om.satos().size(),
                relayed == null ? null : RelayedAddresses.hostPort(relayed.om()),
                relayed == null ? null : RelayedAddresses.hostPort(relayed.sip()),
                t == null ? null : RelayedAddresses.hostPort(t.address()), allocations).answer(r);
    }
}
