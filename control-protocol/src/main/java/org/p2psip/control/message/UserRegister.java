package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code user.register} (P2PSIP-Port -> OM): store the user record {@code user} -> this peer in
 * the lookup service for {@code ttl} seconds (the longest binding's remaining time). Answered
 * without fields; {@code UNAVAILABLE} if the record could not be stored.
 */
public record UserRegister(String user, int ttlSeconds) {
    public UserRegister {
        Wire.nonEmpty(user, "user");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.USER_REGISTER).with(Fields.USER, user).with(Fields.TTL, ttlSeconds);
    }

    public static UserRegister from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_REGISTER);
        return new UserRegister(Wire.require(m, Fields.USER), Wire.requireInt(m, Fields.TTL));
    }
}
