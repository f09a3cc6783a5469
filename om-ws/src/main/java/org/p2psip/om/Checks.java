package org.p2psip.om;

import org.p2psip.om.table.Sato;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;

/** Checks of what other OMs send: ids, owners, and text clipped for error messages. */
final class Checks {
    static final int MAX_ID_LENGTH = 128;

    private Checks() {
    }

    /** The caller's node id: well-formed, and not {@code self}; null if absent and not required. */
    static String caller(String callerNodeId, boolean required, String self) throws OmException {
        if (callerNodeId == null || callerNodeId.isEmpty()) {
            if (required) {
                throw OmException.invalid("callerNodeId", "callerNodeId is missing");
            }
            return null;
        }
        if (!NodeIds.isValid(callerNodeId)) {
            throw OmException.invalid("callerNodeId", "callerNodeId '" + clip(callerNodeId)
                    + "' is not a node id (8 to 64 lower-case hex digits)");
        }
        if (callerNodeId.equals(self)) {
            throw OmException.invalid("callerNodeId", "caller claims this node's own id " + self);
        }
        return callerNodeId;
    }

    static void id(String field, String id) throws OmException {
        if (id == null || id.isEmpty()) {
            throw OmException.invalid(field, field + " is missing");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw OmException.invalid(field, field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
    }

    static void owner(Sato s, String caller) throws OmException {
        if (!s.peerNodeId().equals(caller)) {
            throw OmException.invalid("callerNodeId", "SATO " + s.id() + " belongs to another peer");
        }
    }

    static String clip(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
