package org.p2psip.rtp.control;

/**
 * Field names of the RTP-Port's control messages (rtp-proxy/README.md has the full table).
 * Per-leg answer fields are prefixed with the leg name and a dot ({@code ua.rtp}, {@code a.port});
 * in an all-sessions rtp.stats answer they are further prefixed with the session id and a colon
 * ({@code call-7:overlay.packets_in}).
 */
public final class RtpFields {
    private RtpFields() {
    }

    public static final String SESSION = "session";
    public static final String ROLE = "role";
    /** Transport of every overlay leg (udp|tcp); {@code transport_<leg>} overrides it for one leg. */
    public static final String TRANSPORT = "transport";
    public static final String TRANSPORT_PREFIX = "transport_";
    /** Per-session idle timeout in seconds (allocate); default: the port's --idle-timeout. */
    public static final String IDLE_TIMEOUT = "idle_timeout";
    /** Bind address of the media sockets (allocate answer, port.status). */
    public static final String ADDRESS = "address";
    /** Repeated: the session's legs, in order. */
    public static final String LEG = "leg";
    /** UA RTP / RTCP port of an endpoint session (allocate answer; same as ua.rtp / ua.rtcp). */
    public static final String RTP = "rtp";
    public static final String RTCP = "rtcp";

    public static final String MODE = "mode";
    /** HOST:PORT, [V6]:PORT, HOST (port unknown, passive only) or any (passive only). */
    public static final String REMOTE = "remote";
    /** UA leg: where RTCP goes (HOST:PORT); default: remote's host, port + 1. */
    public static final String REMOTE_RTCP = "remote_rtcp";
    /** Keepalive interval of an active UDP leg, seconds (decimals allowed); 0 disables. */
    public static final String KEEPALIVE = "keepalive";
    /** RTP clock rate for jitter (Hz); default: from the static payload type, else 8000. */
    public static final String CLOCK_RATE = "clock_rate";
    /** true: forget the latched source and latch onto the next one (update). */
    public static final String RELATCH = "relatch";
    public static final String STATE = "state";
    public static final String REASON = "reason";
    public static final String RELEASED = "released";

    public static final String SESSIONS = "sessions";
    /** rtp.stats of all sessions: only sessions whose id sorts after this one (paging). */
    public static final String AFTER = "after";
    /** rtp.stats of all sessions: true when more sessions follow; ask again with after = next_after. */
    public static final String MORE = "more";
    public static final String NEXT_AFTER = "next_after";
    public static final String AGE_MS = "age_ms";
    public static final String IDLE_MS = "idle_ms";
}
