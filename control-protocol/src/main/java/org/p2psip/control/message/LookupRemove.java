package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** {@code lookup.remove} (SATO-Port -> OM, interface 3): remove one {@code value} under {@code key}. Answered without fields. */
public record LookupRemove(String key, String value) {
    public LookupRemove {
        Wire.nonEmpty(key, "key");
        Wire.nonEmpty(value, "value");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.LOOKUP_REMOVE).with(Fields.KEY, key).with(Fields.VALUE, value);
    }

    public static LookupRemove from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.LOOKUP_REMOVE);
        return new LookupRemove(Wire.require(m, Fields.KEY), Wire.require(m, Fields.VALUE));
    }
}
