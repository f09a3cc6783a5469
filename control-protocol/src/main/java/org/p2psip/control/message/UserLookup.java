package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code user.lookup} (P2PSIP-Port -> OM): the peers {@code user} is registered at; answered by
 * {@link UserLookupAnswer}. {@code call} (optional, null if absent): the Call-ID of the INVITE the
 * lookup is for, so the peer's web view puts the lookup into that call's ladder.
 */
public record UserLookup(String user, String call) {
    public UserLookup {
        Wire.nonEmpty(user, "user");
    }

    public UserLookup(String user) {
        this(user, null);
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(ControlMessage.request(MessageTypes.USER_LOOKUP).with(Fields.USER, user), Fields.CALL, call);
    }

    public static UserLookup from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_LOOKUP);
        return new UserLookup(Wire.require(m, Fields.USER), m.get(Fields.CALL));
    }
}
