package org.p2psip.rtp.relay;

import java.util.Locale;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * Who starts a leg. ACTIVE: this side sends to (UDP) or connects to (TCP) the remote address, and
 * accepts packets only from exactly that address. PASSIVE: this side waits for the first packet
 * (UDP) or the connection (TCP) from the expected host, or any host, and latches onto its real
 * source address and port.
 */
public enum LegMode {
    ACTIVE, PASSIVE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LegMode parse(String s) throws ControlException {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "active":
                return ACTIVE;
            case "passive":
                return PASSIVE;
            default:
                throw new ControlException(ErrorCode.BAD_REQUEST, "mode must be active or passive, not '" + s + "'");
        }
    }
}
