package org.p2psip.control.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.FrameCodec;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code user.lookup}: {@code peer} repeated, the opaque peer records of the peers
 * the user is registered at (passed back unchanged in {@code sato.signalling.request}), and
 * {@code self} repeated, those of them that denote the asking peer itself. No record: an empty
 * list (or {@code NOT_FOUND}). Empty values are skipped when reading. An answer never exceeds what
 * one control frame carries: records beyond {@value #BUDGET_BYTES} bytes are left out (the asking
 * peer's own first) and {@code truncated} says how many.
 */
public record UserLookupAnswer(List<String> peers, List<String> self, int truncated) {
    /** Bytes of peer records an answer carries at most: a 64 KiB frame with room for the rest. */
    public static final int BUDGET_BYTES = FrameCodec.DEFAULT_MAX_FRAME - 8 * 1024;
    /** Per field on the wire besides the value: two lengths and the key. */
    private static final int FIELD_OVERHEAD = 4 + 8;

    public UserLookupAnswer {
        peers = Wire.copy(peers);
        self = Wire.copy(self);
    }

    public UserLookupAnswer(List<String> peers, List<String> self) {
        this(peers, self, 0);
    }

    public UserLookupAnswer(List<String> peers) {
        this(peers, List.of());
    }

    /** Whether {@code peer} denotes the asking peer itself. */
    public boolean isSelf(String peer) {
        return self.contains(peer);
    }

    /** The response to {@code request}, cut to {@link #BUDGET_BYTES} if needed (see the class comment). */
    public ControlMessage answer(ControlMessage request) {
        UserLookupAnswer a = fitted();
        ControlMessage m = ControlMessage.responseTo(request).withAll(Fields.PEER, a.peers).withAll(Fields.SELF, a.self);
        return a.truncated > 0 ? m.with(Fields.TRUNCATED, Integer.toString(a.truncated)) : m;
    }

    /** This answer with as many records as fit the budget, the asking peer's own first. */
    UserLookupAnswer fitted() {
        int used = 0;
        List<String> keptSelf = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String s : self) {
            int n = 2 * (s.getBytes(StandardCharsets.UTF_8).length + FIELD_OVERHEAD); // as peer and as self
            if (used + n <= BUDGET_BYTES) {
                keptSelf.add(s);
                kept.add(s);
                used += n;
            }
        }
        for (String p : peers) {
            if (keptSelf.contains(p)) {
                continue;
            }
            int n = p.getBytes(StandardCharsets.UTF_8).length + FIELD_OVERHEAD;
            if (used + n <= BUDGET_BYTES) {
                kept.add(p);
                used += n;
            }
        }
        int dropped = peers.size() - kept.size();
        if (dropped <= 0 && truncated == 0) {
            return this;
        }
        return new UserLookupAnswer(kept, keptSelf, truncated + Math.max(0, dropped));
    }

    public static UserLookupAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.USER_LOOKUP);
        long t = m.getLong(Fields.TRUNCATED, 0);
        int truncated = (int) Math.max(0, Math.min(Integer.MAX_VALUE, t));
        return new UserLookupAnswer(Wire.nonEmptyValues(m.getAll(Fields.PEER)), Wire.nonEmptyValues(m.getAll(Fields.SELF)),
                truncated);
    }
}
