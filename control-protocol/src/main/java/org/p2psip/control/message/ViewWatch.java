package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code view.watch} (OM -> P2PSIP-Port): {@code on=true} while somebody watches the peer's web view,
 * so the port sends a {@link ViewSip} event per SIP message of a call; {@code on=false} stops them.
 * Answered without fields.
 */
public record ViewWatch(boolean on) {
    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.VIEW_WATCH).with(Fields.ON, Boolean.toString(on));
    }

    public static ViewWatch from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.VIEW_WATCH);
        if (m.get(Fields.ON) == null) {
            throw Wire.missing(m, Fields.ON);
        }
        return new ViewWatch(Wire.optionalBoolean(m, Fields.ON, false));
    }
}
