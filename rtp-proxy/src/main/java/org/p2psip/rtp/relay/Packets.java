package org.p2psip.rtp.relay;

import java.nio.ByteBuffer;

/**
 * Tells RTP, RTCP, keepalives and garbage apart by their first bytes (RFC 3550 Sec. 5.1 and 6.4,
 * RFC 5761 Sec. 4 for RTP and RTCP on one port, RFC 7983 for the first-byte ranges). Looks only,
 * never moves the buffer's position.
 */
public final class Packets {
    public static final int INVALID = 0;
    public static final int RTP = 1;
    public static final int RTCP = 2;
    public static final int KEEPALIVE = 3;

    private Packets() {
    }

    /** The kind of the packet between {@code b.position()} and {@code b.limit()}. */
    public static int classify(ByteBuffer b) {
        int p = b.position();
        int len = b.limit() - p;
        if (len < 4) {
            return INVALID;
        }
        int b0 = b.get(p) & 0xFF;
        int version = b0 >>> 6;
        if (version == 0) {
            return Keepalive.matches(b) ? KEEPALIVE : INVALID;
        }
        if (version != 2) {
            return INVALID;
        }
        int b1 = b.get(p + 1) & 0xFF;
        if (b1 >= 192 && b1 <= 223) {
            // RTCP: at least a header and an SSRC; the first packet of a compound must fit.
            if (len < 8) {
                return INVALID;
            }
            int words = b.getShort(p + 2) & 0xFFFF;
            return (words + 1) * 4 <= len ? RTCP : INVALID;
        }
        if (len < 12) {
            return INVALID;
        }
        int header = 12 + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (len < header + 4) {
                return INVALID;
            }
            header += 4 + 4 * (b.getShort(p + header + 2) & 0xFFFF);
        }
        if (header > len) {
            return INVALID;
        }
        if ((b0 & 0x20) != 0) {
            int pad = b.get(p + len - 1) & 0xFF;
            if (pad == 0 || header + pad > len) {
                return INVALID;
            }
        }
        return RTP;
    }

    /** A readable name of a kind, for logs and tests. */
    public static String name(int kind) {
        switch (kind) {
            case RTP:
                return "rtp";
            case RTCP:
                return "rtcp";
            case KEEPALIVE:
                return "keepalive";
            default:
                return "invalid";
        }
    }
}
