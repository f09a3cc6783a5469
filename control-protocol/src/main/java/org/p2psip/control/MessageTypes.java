package org.p2psip.control;

/**
 * The message catalogue of the overlay peer internal control protocol (docs/control-protocol.md).
 * Types are dotted names; the part before the first dot says which interface of the paper's
 * Figure 2 the message belongs to. The typed form of every message, with its fields, is in
 * {@link org.p2psip.control.message}.
 */
public final class MessageTypes {
    private MessageTypes() {
    }

    /** Protocol version carried in every frame header and in {@link #HELLO}. */
    public static final int VERSION = 1;

    // ---- connection ---------------------------------------------------------------------------
    /** First request on every connection: {@code version}, {@code role}, {@code name}; answered the same way. */
    public static final String HELLO = "hello";

    // ---- interface 3: Overlay Manager <-> lookup service, asked for by a SATO-Port --------------
    /** Store a value: {@code key}, {@code value}, {@code ttl} (seconds). */
    public static final String LOOKUP_PUT = "lookup.put";
    /** All live values under {@code key}: answered with repeated {@code value}. */
    public static final String LOOKUP_GET = "lookup.get";
    /** Remove one value: {@code key}, {@code value}. */
    public static final String LOOKUP_REMOVE = "lookup.remove";
    /** Store the user record {@code user} -> this peer, {@code ttl} seconds. */
    public static final String USER_REGISTER = "user.register";
    /** Remove the user record {@code user} -> this peer. */
    public static final String USER_DEREGISTER = "user.deregister";
    /** Find the peers serving {@code user}: answered with repeated {@code peer}. */
    public static final String USER_LOOKUP = "user.lookup";

    // ---- SATOs, asked for by a SATO-Port, set up by the OM over the OM IF --------------------------
    /** Ask for a signalling SATO towards {@code peer} for {@code call}; answered with {@code sato}, then {@link #SATO_READY} or {@link #SATO_FAILED}. */
    public static final String SATO_SIGNALLING_REQUEST = "sato.signalling.request";
    /** Ask for a media SATO for {@code call}; answered with {@code sato}, then {@link #SATO_READY} or {@link #SATO_FAILED}. */
    public static final String SATO_MEDIA_REQUEST = "sato.media.request";
    /** Event: the SATO {@code sato} is ready; {@code transport} and {@code address} say how to reach the far end. */
    public static final String SATO_READY = "sato.ready";
    /** Event: the SATO {@code sato} could not be set up or broke; {@code reason}. */
    public static final String SATO_FAILED = "sato.failed";
    /** Tear down the SATO {@code sato}. */
    public static final String SATO_TEARDOWN = "sato.teardown";
    /** Both media ends of a media SATO are known ("Connect RTP"): {@code sato}, {@code remote}, {@code remote.rtcp}, {@code ua}, {@code ua.rtcp} (sip-proxy/README.md). */
    public static final String SATO_MEDIA_CONNECT = "sato.media.connect";

    // ---- interface 1: Overlay Manager -> RTP-Port -------------------------------------------------
    /** Allocate a relay session {@code session}: answered with {@code address}, {@code rtp}, {@code rtcp}. */
    public static final String RTP_ALLOCATE = "rtp.allocate";
    /** Connect leg {@code leg} of {@code session} to {@code remote} over {@code transport}. */
    public static final String RTP_CONNECT = "rtp.connect";
    /** Change a leg's parameters. */
    public static final String RTP_UPDATE = "rtp.update";
    /** Statistics of {@code session} (or of every session). */
    public static final String RTP_STATS = "rtp.stats";
    /** Release {@code session} and free its ports at once. */
    public static final String RTP_RELEASE = "rtp.release";
    /** Event: a leg of {@code session} failed; {@code leg}, {@code reason}. */
    public static final String RTP_LEG_FAILED = "rtp.leg.failed";
    /** Event: {@code session} was released by the port itself ({@code reason}, e.g. idle). */
    public static final String RTP_SESSION_RELEASED = "rtp.session.released";

    // ---- any SATO-Port ----------------------------------------------------------------------------
    /** Status of the port: answered with port-specific fields. */
    public static final String PORT_STATUS = "port.status";
    /** Ask the port to shut down cleanly. */
    public static final String PORT_SHUTDOWN = "port.shutdown";

    // ---- the peer's web view (OM <-> P2PSIP-Port; only while a browser watches) -------------------
    /** Ask the P2PSIP-Port to send ({@code on=true}) or stop sending ({@code on=false}) {@link #VIEW_SIP} events. */
    public static final String VIEW_WATCH = "view.watch";
    /** Event: one SIP message of a call the P2PSIP-Port received or sent (for the call ladder). */
    public static final String VIEW_SIP = "view.sip";

    // ---- a peer's management socket ({@code <state-dir>/om.sock}, local tools -> OM) ---------------
    /** Status of the whole overlay peer: its node, NAT, relayed addresses, TCP relay allocations. */
    public static final String PEER_STATUS = "peer.status";

    // ---- common field names -----------------------------------------------------------------------
    public static final String F_VERSION = "version";
    public static final String F_ROLE = "role";
    public static final String F_NAME = "name";
    public static final String F_CODE = "code";
    public static final String F_MESSAGE = "message";
    /**
     * On every request: how long its sender waits for the answer, milliseconds. A receiver whose
     * workers reach the request only after that long answers {@link ErrorCode#TIMEOUT} without
     * handling it (nobody waits for the result): after an overload, the backlog of requests whose
     * senders gave up is not worked through while new ones wait. Taken off before the handler sees it.
     */
    public static final String F_WAIT_MS = "wait-ms";
}
