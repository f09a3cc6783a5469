package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code user.lookup} (P2PSIP-Port -> OM): the peers {@code user} is registered at; answered by {@link UserLookupAnswer}. */
public record UserLookup(String user) {
    public UserLookup {
        Wire.nonEmpty(user, "user");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.USER_LOOKUP).with(Fields.USER, user);
    }

    public static UserLookup from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_LOOKUP);
        return new UserLookup(Wire.require(m, Fields.USER));
    }
}
