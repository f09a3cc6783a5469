package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code port.status} (OM -> any SATO-Port): no fields. Answered with port-specific fields:
 * {@link RtpPortStatus} by the RTP-Port, {@link P2psipPortStatus} by the P2PSIP-Port.
 */
public record PortStatus() {
    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.PORT_STATUS);
    }

    public static PortStatus from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PORT_STATUS);
        return new PortStatus();
    }
}
