package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code sato.signalling.request} (P2PSIP-Port -> OM): set up the signalling SATO of {@code call}
 * (the Call-ID) towards {@code peer} (a record from {@link UserLookupAnswer#peers()}). Answered at
 * once by {@link SignallingSatoAnswer}; later the event {@link SatoReady} or {@link SatoFailed}.
 */
public record SignallingSatoRequest(String call, String peer) {
    public SignallingSatoRequest {
        Wire.nonEmpty(call, "call");
        Wire.nonEmpty(peer, "peer");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.SATO_SIGNALLING_REQUEST).with(Fields.CALL, call).with(Fields.PEER, peer);
    }

    public static SignallingSatoRequest from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_SIGNALLING_REQUEST);
        return new SignallingSatoRequest(Wire.require(m, Fields.CALL), Wire.require(m, Fields.PEER));
    }
}
