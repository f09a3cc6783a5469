package org.p2psip.control.message;

import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/** The answer to {@code lookup.get}: {@code value}, repeated, every live value (none: an empty list). */
public record LookupGetAnswer(List<String> values) {
    public LookupGetAnswer {
        values = Wire.copy(values);
    }

    public ControlMessage answer(ControlMessage request) {
        return ControlMessage.responseTo(request).withAll(Fields.VALUE, values);
    }

    public static LookupGetAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.LOOKUP_GET);
        return new LookupGetAnswer(m.getAll(Fields.VALUE));
    }
}
