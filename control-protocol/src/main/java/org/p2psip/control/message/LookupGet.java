package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code lookup.get} (SATO-Port -> OM, interface 3): every live value under {@code key}; answered by {@link LookupGetAnswer}. */
public record LookupGet(String key) {
    public LookupGet {
        Wire.nonEmpty(key, "key");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.LOOKUP_GET).with(Fields.KEY, key);
    }

    public static LookupGet from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.LOOKUP_GET);
        return new LookupGet(Wire.require(m, Fields.KEY));
    }
}
