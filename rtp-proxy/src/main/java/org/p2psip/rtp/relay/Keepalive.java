package org.p2psip.rtp.relay;

import java.nio.ByteBuffer;

/**
 * The keepalive an active UDP leg sends when it has sent nothing for the keepalive interval, so
 * that NAT bindings on the way stay open. It is a STUN Binding Indication (RFC 8489 Sec. 6.3.2,
 * the keepalive ICE uses, RFC 8445 Sec. 11): 20 bytes, message type 0x0011, length 0, magic
 * cookie 0x2112A442, and a 12-byte transaction id ("p2psipKA" and a 32-bit counter). Its first
 * byte is 0, so it can never be taken for RTP or RTCP. A receiving leg latches on it, counts it
 * and never forwards it.
 */
public final class Keepalive {
    public static final int LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    static final short BINDING_INDICATION = 0x0011;
    private static final byte[] TXID_PREFIX = {'p', '2', 'p', 's', 'i', 'p', 'K', 'A'};

    private Keepalive() {
    }

    /** Whether the packet between position and limit is a keepalive (any STUN Binding Indication without attributes). */
    public static boolean matches(ByteBuffer b) {
        int p = b.position();
        return b.limit() - p == LENGTH
                && b.getShort(p) == BINDING_INDICATION
                && b.getShort(p + 2) == 0
                && b.getInt(p + 4) == MAGIC_COOKIE;
    }

    /** Writes keepalive number {@code counter} into {@code b} (cleared first) and flips it for sending. */
    public static ByteBuffer write(ByteBuffer b, int counter) {
        b.clear();
        b.putShort(BINDING_INDICATION).putShort((short) 0).putInt(MAGIC_COOKIE).put(TXID_PREFIX).putInt(counter);
        return b.flip();
    }
}
