package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** The answer to {@code port.shutdown}: {@code state} ({@code stopping} from the RTP-Port; null: absent, as the P2PSIP-Port answers). */
public record PortShutdownAnswer(String state) {
    public static final String STOPPING = "stopping";

    public static PortShutdownAnswer stopping() {
        return new PortShutdownAnswer(STOPPING);
    }

    public ControlMessage answer(ControlMessage request) {
        return Wire.withOptional(ControlMessage.responseTo(request), Fields.STATE, state);
    }

    public static PortShutdownAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.PORT_SHUTDOWN);
        return new PortShutdownAnswer(m.get(Fields.STATE));
    }
}
