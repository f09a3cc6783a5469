package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code peer.status} (a local tool -> the peer's OM, on the management socket
 * {@code <state-dir>/om.sock}): no fields; answered by {@link PeerStatusAnswer}.
 */
public record PeerStatus() {
    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.PEER_STATUS);
    }

    public static PeerStatus from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PEER_STATUS);
        return new PeerStatus();
    }
}
