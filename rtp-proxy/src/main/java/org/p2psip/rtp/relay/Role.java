package org.p2psip.rtp.relay;

import java.util.List;
import java.util.Locale;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * What a session does. ENDPOINT (RTP1, RTP2 of Figure 3): leg {@code ua} faces the local phone
 * (a UDP RTP/RTCP port pair), leg {@code overlay} faces the next RTP-Port. RELAY (RTP3): two
 * overlay legs {@code a} and {@code b}, forwarding between them.
 */
public enum Role {
    ENDPOINT(List.of(Role.UA, Role.OVERLAY)), RELAY(List.of("a", "b"));

    public static final String UA = "ua";
    public static final String OVERLAY = "overlay";

    private final List<String> legs;

    Role(List<String> legs) {
        this.legs = legs;
    }

    public List<String> legs() {
        return legs;
    }

    /** The legs that face the overlay (whose transport the OM chooses). */
    public List<String> overlayLegs() {
        return this == ENDPOINT ? List.of(OVERLAY) : legs;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) throws ControlException {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "endpoint":
                return ENDPOINT;
            case "relay":
                return RELAY;
            default:
                throw new ControlException(ErrorCode.BAD_REQUEST, "role must be endpoint or relay, not '" + s + "'");
        }
    }
}
