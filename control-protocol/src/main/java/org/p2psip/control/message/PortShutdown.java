package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code port.shutdown} (OM -> any SATO-Port): no fields; answered ({@link PortShutdownAnswer}), then the port stops cleanly. */
public record PortShutdown() {
    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.PORT_SHUTDOWN);
    }

    public static PortShutdown from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PORT_SHUTDOWN);
        return new PortShutdown();
    }
}
