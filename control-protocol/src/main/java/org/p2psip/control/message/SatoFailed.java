package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** Event {@code sato.failed} (OM -> P2PSIP-Port): the SATO {@code sato} could not be set up or broke; {@code reason} (optional, null if absent). */
public record SatoFailed(String sato, String reason) {
    public SatoFailed {
        Wire.nonEmpty(sato, "sato");
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(ControlMessage.event(MessageTypes.SATO_FAILED).with(Fields.SATO, sato), Fields.REASON, reason);
    }

    public static SatoFailed from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_FAILED);
        return new SatoFailed(Wire.require(m, Fields.SATO), m.get(Fields.REASON));
    }
}
