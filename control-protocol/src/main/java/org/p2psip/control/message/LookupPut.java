package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code lookup.put} (SATO-Port -> OM, interface 3): store {@code value} under {@code key} in the
 * lookup service for {@code ttl} seconds. Answered without fields.
 */
public record LookupPut(String key, String value, int ttlSeconds) {
    public LookupPut {
        Wire.nonEmpty(key, "key");
        Wire.nonEmpty(value, "value");
    }

    public ControlMessage toMessage() {
        return ControlMessage.request(MessageTypes.LOOKUP_PUT).with(Fields.KEY, key).with(Fields.VALUE, value)
                .with(Fields.TTL, ttlSeconds);
    }

    public static LookupPut from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.LOOKUP_PUT);
        return new LookupPut(Wire.require(m, Fields.KEY), Wire.require(m, Fields.VALUE), Wire.requireInt(m, Fields.TTL));
    }
}
