package org.p2psip.control.message;

import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code user.lookup}: {@code peer} repeated, the opaque peer records of the peers
 * the user is registered at (passed back unchanged in {@code sato.signalling.request}), and
 * {@code self} repeated, those of them that denote the asking peer itself. No record: an empty
 * list (or {@code NOT_FOUND}). Empty values are skipped when reading.
 */
public record UserLookupAnswer(List<String> peers, List<String> self) {
    public UserLookupAnswer {
        peers = Wire.copy(peers);
        self = Wire.copy(self);
    }

    public UserLookupAnswer(List<String> peers) {
        this(peers, List.of());
    }

    /** Whether {@code peer} denotes the asking peer itself. */
    public boolean isSelf(String peer) {
        return self.contains(peer);
    }

    public ControlMessage answer(ControlMessage request) {
        return ControlMessage.responseTo(request).withAll(Fields.PEER, peers).withAll(Fields.SELF, self);
    }

    public static UserLookupAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_LOOKUP);
        return new UserLookupAnswer(Wire.nonEmptyValues(m.getAll(Fields.PEER)), Wire.nonEmptyValues(m.getAll(Fields.SELF)));
    }
}
