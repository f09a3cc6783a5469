package org.p2psip.rtp.relay;

import java.util.Locale;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/** How an overlay leg carries packets: UDP datagrams, or TCP with RFC 4571 framing. */
public enum Transport {
    UDP, TCP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code udp} or {@code tcp}; anything else is {@link ErrorCode#UNSUPPORTED}. */
    public static Transport parse(String s) throws ControlException {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "udp":
                return UDP;
            case "tcp":
                return TCP;
            default:
                throw new ControlException(ErrorCode.UNSUPPORTED,
                        "overlay transport '" + s + "' is not supported (supported: udp, tcp)");
        }
    }
}
