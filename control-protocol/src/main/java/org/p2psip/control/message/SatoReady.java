package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * Event {@code sato.ready} (OM -> P2PSIP-Port): the signalling SATO {@code sato} is up;
 * {@code transport} ({@code tcp}) and {@code address} ({@code HOST:PORT} of the remote P2PSIP-Port's
 * overlay listener) say how to reach the far end. A missing transport reads as {@code tcp}.
 */
public record SatoReady(String sato, String transport, String address) {
    public static final String TCP = "tcp";

    public SatoReady {
        Wire.nonEmpty(sato, "sato");
        Wire.nonEmpty(transport, "transport");
        Wire.nonEmpty(address, "address");
    }

    public ControlMessage toMessage() {
        return ControlMessage.event(MessageTypes.SATO_READY).with(Fields.SATO, sato).with(Fields.TRANSPORT, transport)
                .with(Fields.ADDRESS, address);
    }

    public static SatoReady from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_READY);
        String transport = m.get(Fields.TRANSPORT);
        return new SatoReady(Wire.require(m, Fields.SATO), transport == null || transport.isEmpty() ? TCP : transport,
                Wire.require(m, Fields.ADDRESS));
    }
}
