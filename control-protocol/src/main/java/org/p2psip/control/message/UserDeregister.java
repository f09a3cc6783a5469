package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code user.deregister} (P2PSIP-Port -> OM): remove the user record {@code user} -> this peer. Answered without fields. */
public record UserDeregister(String user) {
    public UserDeregister {
        Wire.nonEmpty(user, "user");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.USER_DEREGISTER).with(Fields.USER, user);
    }

    public static UserDeregister from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_DEREGISTER);
        return new UserDeregister(Wire.require(m, Fields.USER));
    }
}
