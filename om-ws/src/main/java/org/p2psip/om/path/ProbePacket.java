package org.p2psip.om.path;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * One UDP path probe between Overlay Managers (paper Sec. 5.2: the OM measures the network between
 * peers to decide whether the media SATO goes through a relay RTP-Port). Binary, big-endian:
 *
 * <pre>
 *  0      magic 0x50325052 ("P2PR")     4 bytes
 *  4      version (1)                   1 byte
 *  5      type: 1 probe, 2 echo         1 byte
 *  6      flags: bit 0 via, bit 1 origin 1 byte (other bits 0)
 *  7      reserved (0)                  1 byte
 *  8      sequence                      8 bytes (the original sender's)
 * 16      timestamp                     8 bytes (the original sender's monotonic clock, ns; echoed unchanged)
 * 24      via    (if flag): family 4|6, 4|16 address bytes, 2 bytes port: the one hop a relay forwards the probe to
 * ..      origin (if flag): same form: set by the relay on the forwarded probe and its echo, the original sender
 * </pre>
 *
 * A probe never carries both via and origin: at most one via hop. {@link #decode} rejects anything
 * else with a {@link Malformed} naming what was wrong.
 */
public record ProbePacket(Type type, long sequence, long timestamp, InetSocketAddress via, InetSocketAddress origin) {
    public static final int MAGIC = 0x50325052;
    public static final byte VERSION = 1;
    /** The largest well-formed packet (two IPv6 addresses). */
    public static final int MAX_LENGTH = 24 + 2 * 19;
    private static final int FLAG_VIA = 1;
    private static final int FLAG_ORIGIN = 2;

    /** Probe (asks for an echo) or echo (the answer). */
    public enum Type {
        PROBE(1), ECHO(2);

        final byte code;

        Type(int code) {
            this.code = (byte) code;
        }
    }

    /** A packet that is not a well-formed probe; the message says why. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason);
        }
    }

    public ProbePacket {
        if (type == null) {
            throw new IllegalArgumentException("probe packet without type");
        }
        if (via != null && origin != null) {
            throw new IllegalArgumentException("a probe carries a via hop or an origin, not both");
        }
        checkAddress(via, "via");
        checkAddress(origin, "origin");
    }

    private static void checkAddress(InetSocketAddress a, String what) {
        if (a != null && (a.isUnresolved() || a.getPort() == 0)) {
            throw new IllegalArgumentException("probe " + what + " address " + a + " is unresolved or has port 0");
        }
    }

    public static ProbePacket probe(long sequence, long timestamp, InetSocketAddress via) {
        return new ProbePacket(Type.PROBE, sequence, timestamp, via, null);
    }

    /** The echo of this packet (same sequence, timestamp and origin; no via). */
    public ProbePacket echo() {
        return new ProbePacket(Type.ECHO, sequence, timestamp, null, origin);
    }

    /** This packet as a relay forwards it: via removed, {@code from} as its origin. */
    public ProbePacket forwardedFrom(InetSocketAddress from) {
        return new ProbePacket(type, sequence, timestamp, null, from);
    }

    /** This echo as a relay returns it to its origin: origin removed. */
    public ProbePacket returned() {
        return new ProbePacket(type, sequence, timestamp, null, null);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(MAX_LENGTH);
        b.putInt(MAGIC).put(VERSION).put(type.code)
                .put((byte) ((via != null ? FLAG_VIA : 0) | (origin != null ? FLAG_ORIGIN : 0))).put((byte) 0)
                .putLong(sequence).putLong(timestamp);
        put(b, via);
        put(b, origin);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void put(ByteBuffer b, InetSocketAddress a) {
        if (a == null) {
            return;
        }
        byte[] addr = a.getAddress().getAddress();
        b.put((byte) (addr.length == 4 ? 4 : 6)).put(addr).putShort((short) a.getPort());
    }

    /** Decodes {@code len} bytes of {@code buf}; throws {@link Malformed} saying what was wrong. */
    public static ProbePacket decode(byte[] buf, int len) throws Malformed {
        if (len < 24) {
            throw new Malformed(len + " bytes, shorter than a probe's 24");
        }
        if (len > MAX_LENGTH) {
            throw new Malformed(len + " bytes, longer than a probe's " + MAX_LENGTH);
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new Malformed(String.format("magic 0x%08x, not 0x%08x", magic, MAGIC));
        }
        byte version = b.get();
        if (version != VERSION) {
            throw new Malformed("version " + version + ", not " + VERSION);
        }
        byte t = b.get();
        Type type = t == Type.PROBE.code ? Type.PROBE : t == Type.ECHO.code ? Type.ECHO : null;
        if (type == null) {
            throw new Malformed("type " + t + ", neither probe (1) nor echo (2)");
        }
        int flags = b.get();
        if ((flags & ~(FLAG_VIA | FLAG_ORIGIN)) != 0) {
            throw new Malformed("unknown flags 0x" + Integer.toHexString(flags & 0xff));
        }
        if (flags == (FLAG_VIA | FLAG_ORIGIN)) {
            throw new Malformed("both via and origin (at most one via hop)");
        }
        if (type == Type.ECHO && (flags & FLAG_VIA) != 0) {
            throw new Malformed("an echo with a via hop");
        }
        b.get();
        long sequence = b.getLong();
        long timestamp = b.getLong();
        try {
            InetSocketAddress via = (flags & FLAG_VIA) != 0 ? address(b, "via") : null;
            InetSocketAddress origin = (flags & FLAG_ORIGIN) != 0 ? address(b, "origin") : null;
            if (b.hasRemaining()) {
                throw new Malformed(b.remaining() + " bytes after the probe");
            }
            return new ProbePacket(type, sequence, timestamp, via, origin);
        } catch (BufferUnderflowException e) {
            throw new Malformed(len + " bytes, truncated in the address fields");
        }
    }

    private static boolean isBroadcast(byte[] addr) {
        return addr.length == 4 && (addr[0] & addr[1] & addr[2] & addr[3]) == (byte) 0xff;
    }

    private static InetSocketAddress address(ByteBuffer b, String what) throws Malformed {
        int family = b.get();
        if (family != 4 && family != 6) {
            throw new Malformed(what + " address family " + family + ", neither 4 nor 6");
        }
        byte[] addr = new byte[family == 4 ? 4 : 16];
        b.get(addr);
        int port = b.getShort() & 0xffff;
        if (port == 0) {
            throw new Malformed(what + " port 0");
        }
        try {
            InetAddress ip = InetAddress.getByAddress(addr);
            if (ip.isAnyLocalAddress() || ip.isMulticastAddress() || isBroadcast(addr)) {
                throw new Malformed(what + " address " + ip.getHostAddress() + " is not a unicast host");
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new Malformed(what + " address of bad length");
        }
    }
}
