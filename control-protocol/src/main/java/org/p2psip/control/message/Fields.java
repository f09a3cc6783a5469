package org.p2psip.control.message;

import org.p2psip.control.MessageTypes;

/**
 * Every field name of the overlay peer internal control protocol, in one place. The typed
 * messages of this package read and write these; code elsewhere should use the typed messages
 * and, where it must name a field (for example a per-leg counter of the RTP-Port), these
 * constants. Values on the wire are strings: numbers in decimal, addresses {@code HOST:PORT}.
 */
public final class Fields {
    private Fields() {
    }

    // ---- hello ------------------------------------------------------------------------------------
    public static final String VERSION = MessageTypes.F_VERSION;
    public static final String ROLE = MessageTypes.F_ROLE;
    public static final String NAME = MessageTypes.F_NAME;

    // ---- lookup service (interface 3) -------------------------------------------------------------
    public static final String KEY = "key";
    /** A stored value; repeated in a {@code lookup.get} answer. */
    public static final String VALUE = "value";
    /** Time to live, seconds. */
    public static final String TTL = "ttl";
    /** User part of the address-of-record. */
    public static final String USER = "user";
    /** An opaque peer record chosen by the OM; repeated in a {@code user.lookup} answer. */
    public static final String PEER = "peer";
    /** In a {@code user.lookup} answer: a {@code peer} value that denotes the asking peer itself (repeated). */
    public static final String SELF = "self";
    /** In a {@code user.lookup} answer: how many peer records were left out so that the answer fits one frame. */
    public static final String TRUNCATED = "truncated";

    // ---- SATOs ------------------------------------------------------------------------------------
    /** The call a SATO serves: the SIP Call-ID. */
    public static final String CALL = "call";
    /** A SATO id chosen by the OM. */
    public static final String SATO = "sato";
    /** Transport of a ready SATO, or of an RTP-Port overlay leg. */
    public static final String TRANSPORT = "transport";
    /** {@code HOST:PORT} (SATO far end) or bind address (RTP-Port). */
    public static final String ADDRESS = "address";
    /** Human-readable reason (failure, teardown, release). */
    public static final String REASON = "reason";
    /** Index of the SDP {@code m=} line a media SATO serves, from 0. */
    public static final String STREAM = "stream";
    /** Media type of the {@code m=} line ({@code audio}, {@code video}, ...). */
    public static final String MEDIA = "media";
    /** The signalling SATO of the same call. */
    public static final String SIGNALLING = "signalling";
    /** UA-facing RTP address ({@code sato.media.*}); also the RTP-Port's UA leg name. */
    public static final String UA = "ua";
    public static final String UA_RTCP = "ua.rtcp";
    /** Overlay-facing RTP address ({@code sato.media.request} answer); also the endpoint session's overlay leg name. */
    public static final String OVERLAY = "overlay";
    public static final String OVERLAY_RTCP = "overlay.rtcp";
    /** The far side's overlay-facing media address ({@code sato.media.connect}); an RTP-Port leg's remote. */
    public static final String REMOTE = "remote";
    /** RTCP counterpart of {@link #REMOTE} in {@code sato.media.connect}. */
    public static final String REMOTE_DOT_RTCP = "remote.rtcp";

    // ---- RTP-Port (interface 1) -------------------------------------------------------------------
    public static final String SESSION = "session";
    /** Prefix of a per-leg transport override in {@code rtp.allocate}: {@code transport_a}. */
    public static final String TRANSPORT_PREFIX = "transport_";
    /** Per-session idle timeout, seconds (decimals allowed). */
    public static final String IDLE_TIMEOUT = "idle_timeout";
    /** Repeated: the session's legs, in order. */
    public static final String LEG = "leg";
    public static final String RTP = "rtp";
    public static final String RTCP = "rtcp";
    public static final String MODE = "mode";
    /** UA leg of the RTP-Port: where RTCP goes. */
    public static final String REMOTE_RTCP = "remote_rtcp";
    /** Keepalive interval, seconds (decimals allowed); 0 disables. */
    public static final String KEEPALIVE = "keepalive";
    public static final String CLOCK_RATE = "clock_rate";
    public static final String RELATCH = "relatch";
    public static final String STATE = "state";
    public static final String RELEASED = "released";
    /** A count of sessions (rtp.stats page, port.status). */
    public static final String SESSIONS = "sessions";
    public static final String AFTER = "after";
    /** rtp.stats: only these counters of each leg, comma-separated (absent: every field). */
    public static final String COUNTERS = "counters";
    public static final String MORE = "more";
    public static final String NEXT_AFTER = "next_after";
    public static final String AGE_MS = "age_ms";
    public static final String IDLE_MS = "idle_ms";
    /** Separates a leg name from its field: {@code ua.rtp}. */
    public static final String LEG_SEPARATOR = ".";
    /** Separates a session id from its field in an all-sessions {@code rtp.stats} answer: {@code call-7:role}. */
    public static final String SESSION_SEPARATOR = ":";

    // ---- RTP-Port leg fields (after "<leg>."; also unprefixed in an rtp.connect answer) -----------
    public static final String PORT = "port";
    public static final String RTCP_LATCHED = "rtcp_latched";
    public static final String QUEUED_BYTES = "queued_bytes";
    public static final String PACKETS_IN = "packets_in";
    public static final String BYTES_IN = "bytes_in";
    public static final String PACKETS_OUT = "packets_out";
    public static final String BYTES_OUT = "bytes_out";
    public static final String RTCP_IN = "rtcp_in";
    public static final String RTCP_OUT = "rtcp_out";
    public static final String KEEPALIVES_IN = "keepalives_in";
    public static final String KEEPALIVES_OUT = "keepalives_out";
    public static final String DROPS = "drops";
    public static final String DROPPED_STRANGER = "dropped_stranger";
    public static final String DROPPED_MALFORMED = "dropped_malformed";
    public static final String DROPPED_UNROUTED = "dropped_unrouted";
    public static final String DROPPED_OVERFLOW = "dropped_overflow";
    public static final String RTP_SSRC = "rtp_ssrc";
    public static final String RTP_RECEIVED = "rtp_received";
    public static final String RTP_EXPECTED = "rtp_expected";
    public static final String RTP_LOST = "rtp_lost";
    public static final String JITTER = "jitter";
    public static final String JITTER_MS = "jitter_ms";
    /** Prefix of the RTP stream's fields, which an rtp.connect answer leaves out. */
    public static final String RTP_STREAM_PREFIX = "rtp_";
    /** Prefix of the jitter fields, which an rtp.connect answer leaves out. */
    public static final String JITTER_PREFIX = "jitter";
    /** Prefix of the clock rate field, which an rtp.connect answer leaves out. */
    public static final String CLOCK_PREFIX = "clock";

    // ---- RTP-Port port.status answer -------------------------------------------------------------
    public static final String RELAY_SESSIONS = "relay_sessions";
    public static final String ENDPOINT_SESSIONS = "endpoint_sessions";
    /** {@code LOW-HIGH}. */
    public static final String PORTS = "ports";
    public static final String PORTS_FREE = "ports_free";
    public static final String MAX_SESSIONS = "max_sessions";
    public static final String CAPACITY = "capacity";
    public static final String RELAY = "relay";
    public static final String TRANSPORTS = "transports";
    public static final String WORKERS = "workers";
    public static final String PACKETS_FORWARDED = "packets_forwarded";
    public static final String WAKEUPS = "wakeups";

    // ---- P2PSIP-Port port.status answer ----------------------------------------------------------
    public static final String UA_TRANSPORTS = "ua.transports";
    public static final String OVERLAY_BOUND = "overlay.bound";
    /** Prefix of a per-transport overlay listener: {@code overlay.tcp}. */
    public static final String OVERLAY_PREFIX = "overlay.";
    public static final String SDP_REWRITE = "sdp.rewrite";
    public static final String USERS = "users";
    public static final String BINDINGS = "bindings";
    public static final String REGISTRATIONS_ACCEPTED = "registrations.accepted";
    public static final String REGISTRATIONS_FAILED = "registrations.failed";
    public static final String CALLS = "calls";
    public static final String CALLS_ENDED = "calls.ended";
    public static final String REQUESTS = "requests";
    public static final String REQUESTS_REJECTED = "requests.rejected";
    public static final String SATO_REQUESTS = "sato.requests";
    public static final String OM_OVERLOAD_REJECTIONS = "om.overload.rejections";
    /** P2PSIP-Port status: new calls refused with 503 by overload control (too many in set-up). */
    public static final String CALLS_SHED = "calls.shed";
    /** P2PSIP-Port status: {@code calls.outcome.2xx} .. {@code 6xx}, initial INVITEs answered finally through the port, by class. */
    public static final String CALLS_OUTCOME_PREFIX = "calls.outcome.";

    // ---- peer.status answer (management socket) --------------------------------------------------
    public static final String NODE = "node";
    public static final String OM = "om";
    public static final String NAT = "nat";
    public static final String LOOKUP = "lookup";
    public static final String SATOS = "satos";
    public static final String RELAYED_OM = "relayed.om";
    public static final String RELAYED_SIP = "relayed.sip";
    public static final String TCP_RELAY = "tcp-relay";
    /** Prefix of one TCP relay allocation's fields: {@code tcp-relay.<name>.<field>}. */
    public static final String TCP_RELAY_PREFIX = "tcp-relay.";
    public static final String ACCEPTED = "accepted";
    public static final String ACTIVE = "active";
    public static final String OPEN = "open";
    /** The lookup ring as the peer sees it: nodes, counted exactly (true) or estimated, last merge (ms, 0 never), merges. */
    public static final String RING_SIZE = "ring.size";
    public static final String RING_EXACT = "ring.exact";
    public static final String RING_LAST_MERGE = "ring.last_merge";
    public static final String RING_MERGES = "ring.merges";

    // view.watch, view.sip
    public static final String ON = "on";
    public static final String DIRECTION = "direction";
    public static final String SIDE = "side";
    public static final String START_LINE = "start";
    /** When something happened, in microseconds since the epoch (the sender's clock; same host). */
    public static final String AT_MICROS = "at-us";
    public static final String CSEQ = "cseq";
    public static final String TEXT = "text";
}
