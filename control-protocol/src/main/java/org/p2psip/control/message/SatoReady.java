package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * Event {@code sato.ready} (OM -> P2PSIP-Port): the signalling SATO {@code sato} is up;
 * {@code transport} ({@code tcp}) and {@code address} ({@code HOST:PORT}) say where to connect to
 * reach the far end: the remote P2PSIP-Port's overlay listener, or, when the direct path is
 * congested, the local end of a detour through a relay peer. Then the optional {@code peer} is the
 * remote listener's own address (as its Record-Route names it), so that the port sends the call's
 * in-dialog requests the same way. A missing transport reads as {@code tcp}; null {@code peer}: no detour.
 */
public record SatoReady(String sato, String transport, String address, String peer) {
    public static final String TCP = "tcp";

    public SatoReady {
        Wire.nonEmpty(sato, "sato");
        Wire.nonEmpty(transport, "transport");
        Wire.nonEmpty(address, "address");
    }

    /** A SATO reached directly. */
    public SatoReady(String sato, String transport, String address) {
        this(sato, transport, address, null);
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(ControlMessage.event(MessageTypes.SATO_READY).with(Fields.SATO, sato)
                .with(Fields.TRANSPORT, transport).with(Fields.ADDRESS, address), Fields.PEER, peer);
    }

    public static SatoReady from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_READY);
        String transport = m.get(Fields.TRANSPORT);
        String peer = m.get(Fields.PEER);
        return new SatoReady(Wire.require(m, Fields.SATO), transport == null || transport.isEmpty() ? TCP : transport,
                Wire.require(m, Fields.ADDRESS), peer == null || peer.isEmpty() ? null : peer);
    }
}
