package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code sato.teardown} (P2PSIP-Port -> OM): tear down the SATO {@code sato}, signalling or media;
 * {@code reason} human-readable (optional, null if absent). Answered without fields;
 * {@code NOT_FOUND} for an unknown SATO.
 */
public record SatoTeardown(String sato, String reason) {
    public SatoTeardown {
        Wire.nonEmpty(sato, "sato");
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(ControlMessage.request(MessageTypes.SATO_TEARDOWN).with(Fields.SATO, sato), Fields.REASON, reason);
    }

    public static SatoTeardown from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_TEARDOWN);
        return new SatoTeardown(Wire.require(m, Fields.SATO), m.get(Fields.REASON));
    }
}
