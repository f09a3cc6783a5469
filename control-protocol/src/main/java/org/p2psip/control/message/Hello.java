package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code hello}: the first request on every connection (connector -> listener) and its answer,
 * both carrying the sender's protocol {@code version}, {@code role} ({@code om},
 * {@code p2psip-port}, {@code rtp-port}, ...) and {@code name}.
 */
public record Hello(int version, String role, String name) {
    public Hello {
        Wire.nonEmpty(role, "role");
        Wire.nonEmpty(name, "name");
    }

    /** A hello of this side's protocol version. */
    public static Hello of(String role, String name) {
        return new Hello(MessageTypes.VERSION, role, name);
    }

    public ControlMessage toMessage() {
        return fill(ControlMessage.request(MessageTypes.HELLO));
    }

    public ControlMessage answer(ControlMessage request) {
        return fill(ControlMessage.responseTo(request));
    }

    private ControlMessage fill(ControlMessage m) {
        return m.with(Fields.VERSION, version).with(Fields.ROLE, role).with(Fields.NAME, name);
    }

    public static Hello from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.HELLO);
        return new Hello(Wire.requireInt(m, Fields.VERSION), Wire.require(m, Fields.ROLE), Wire.require(m, Fields.NAME));
    }
}
