package org.p2psip.control.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code lookup.get}: {@code value}, repeated, every live value (none: an empty list).
 * It never exceeds one control frame: values beyond {@link UserLookupAnswer#BUDGET_BYTES} bytes are
 * left out and {@code truncated} says how many.
 */
public record LookupGetAnswer(List<String> values) {
    public LookupGetAnswer {
        values = Wire.copy(values);
    }

    public ControlMessage answer(ControlMessage request) {
        List<String> kept = new ArrayList<>();
        int used = 0;
        for (String v : values) {
            int n = v.getBytes(StandardCharsets.UTF_8).length + 12;
            if (used + n <= UserLookupAnswer.BUDGET_BYTES) {
                kept.add(v);
                used += n;
            }
        }
        ControlMessage m = ControlMessage.responseTo(request).withAll(Fields.VALUE, kept);
        int dropped = values.size() - kept.size();
        return dropped > 0 ? m.with(Fields.TRUNCATED, Integer.toString(dropped)) : m;
    }

    public static LookupGetAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.LOOKUP_GET);
        return new LookupGetAnswer(m.getAll(Fields.VALUE));
    }
}
