package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** The answer to {@code sato.signalling.request}: {@code sato}, the id of the SATO being set up. */
public record SignallingSatoAnswer(String sato) {
    public SignallingSatoAnswer {
        Wire.nonEmpty(sato, "sato");
    }

    public ControlMessage answer(ControlMessage request) {
        return ControlMessage.responseTo(request).with(Fields.SATO, sato);
    }

    public static SignallingSatoAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_SIGNALLING_REQUEST);
        return new SignallingSatoAnswer(Wire.require(m, Fields.SATO));
    }
}
