package org.p2psip.rtp.relay;

import org.p2psip.control.message.Fields;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.rtp.stats.LegStats;
import org.p2psip.rtp.stats.RtpReceptionStats;

/**
 * One side of a session: the phone-facing {@code ua} leg or an overlay leg. Whatever a leg
 * receives from its remote side goes, unchanged, to its {@link #peer}, which sends it to its own
 * remote side. Worker thread only.
 */
abstract class Leg {
    final RelayEngine engine;
    final String name;
    final Transport transport;
    final LegStats stats = new LegStats();
    Session session;
    Leg peer;
    LegMode mode;
    /** Passive legs: the host whose packets we latch onto; null is any host. */
    InetAddress expectedHost;
    /** The remote the OM gave (host null: any; port 0: unknown). */
    InetAddress remoteHost;
    int remotePort;
    int clockRate;
    long keepaliveNanos;
    long lastSent;

    Leg(RelayEngine engine, String name, Transport transport) {
        this.engine = engine;
        this.name = name;
        this.transport = transport;
        this.keepaliveNanos = engine.defaultKeepaliveNanos();
    }

    /** Registers the leg's channels with its session's worker (worker thread). */
    abstract void attach() throws IOException;

    /** Applies rtp.connect ({@code initial}) or rtp.update (worker thread). */
    abstract void configure(LegSettings s, boolean initial) throws ControlException;

    /** Sends one packet (between position and limit) to the remote side; counts it or the drop. */
    abstract void send(ByteBuffer b, boolean rtcp, long now);

    /** Timers: keepalives, connect timeouts (worker thread, every few hundred ms). */
    void tick(long now) {
    }

    /** Closes every channel of the leg (worker thread). */
    abstract void close();

    /** The ports this leg holds in the pool: {first, width}. */
    abstract int[] reservedPorts();

    /** Fills the leg's part of an allocate answer: its local port(s), without the leg prefix. */
    abstract void describePorts(Map<String, String> out);

    /** A short state word for statistics: allocated, waiting, latched, connecting, connected, failed. */
    abstract String state();

    /** The address packets are sent to now, or null. */
    abstract InetSocketAddress remote();

    /** Handles one packet this leg received from an accepted source, already classified. */
    final void deliver(ByteBuffer b, int kind, long now) {
        Session s = session;
        if (kind == Packets.KEEPALIVE) {
            stats.keepalivesIn++;
            s.lastActivity = now;
            return;
        }
        int len = b.remaining();
        if (kind == Packets.RTP) {
            stats.rtp.onPacket(b, now, clockRate);
        } else {
            stats.rtcpIn++;
        }
        stats.packetsIn++;
        stats.bytesIn += len;
        s.lastActivity = now;
        s.worker.forwarded++;
        peer.send(b, kind == Packets.RTCP, now);
    }

    final void countSent(int len, boolean rtcp, long now) {
        stats.packetsOut++;
        stats.bytesOut += len;
        if (rtcp) {
            stats.rtcpOut++;
        }
        lastSent = now;
    }

    void applyCommon(LegSettings s) {
        if (s.clockRate() != null) {
            clockRate = s.clockRate();
        }
        if (s.keepaliveMs() != null) {
            keepaliveNanos = s.keepaliveMs() * 1_000_000L;
        }
    }

    /** The leg's statistics as control-message fields (without the leg prefix). */
    void snapshot(Map<String, String> out) {
        out.put(Fields.TRANSPORT, transport.wireName());
        out.put(Fields.MODE, mode == null ? "-" : mode.wireName());
        out.put(Fields.STATE, state());
        InetSocketAddress r = remote();
        out.put(Fields.REMOTE, r == null ? "-" : hostPort(r));
        describePorts(out);
        LegStats st = stats;
        out.put(Fields.PACKETS_IN, Long.toString(st.packetsIn));
        out.put(Fields.BYTES_IN, Long.toString(st.bytesIn));
        out.put(Fields.PACKETS_OUT, Long.toString(st.packetsOut));
        out.put(Fields.BYTES_OUT, Long.toString(st.bytesOut));
        out.put(Fields.RTCP_IN, Long.toString(st.rtcpIn));
        out.put(Fields.RTCP_OUT, Long.toString(st.rtcpOut));
        out.put(Fields.KEEPALIVES_IN, Long.toString(st.keepalivesIn));
        out.put(Fields.KEEPALIVES_OUT, Long.toString(st.keepalivesOut));
        out.put(Fields.DROPS, Long.toString(st.drops()));
        out.put(Fields.DROPPED_STRANGER, Long.toString(st.droppedStranger));
        out.put(Fields.DROPPED_MALFORMED, Long.toString(st.droppedMalformed));
        out.put(Fields.DROPPED_UNROUTED, Long.toString(st.droppedUnrouted));
        out.put(Fields.DROPPED_OVERFLOW, Long.toString(st.droppedOverflow));
        RtpReceptionStats rtp = st.rtp;
        out.put(Fields.RTP_SSRC, rtp.seen() ? Long.toString(rtp.ssrc()) : "-");
        out.put(Fields.RTP_RECEIVED, Long.toString(rtp.received()));
        out.put(Fields.RTP_EXPECTED, Long.toString(rtp.expected()));
        out.put(Fields.RTP_LOST, Long.toString(rtp.lost()));
        out.put(Fields.JITTER, Long.toString(rtp.jitter()));
        out.put(Fields.JITTER_MS, threeDecimals(rtp.jitterMillis()));
        out.put(Fields.CLOCK_RATE, Integer.toString(rtp.seen() ? rtp.clockRate() : clockRate));
    }

    /**
     * {@code x} with three decimals, as {@code String.format(Locale.ROOT, "%.3f", x)} writes a figure that is
     * not negative, without a Formatter: the media watch reads every session's counters 40 times a second.
     */
    static String threeDecimals(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return String.format(java.util.Locale.ROOT, "%.3f", x);
        }
        return java.math.BigDecimal.valueOf(x).setScale(3, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
