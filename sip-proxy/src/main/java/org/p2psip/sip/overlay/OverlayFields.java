package org.p2psip.sip.overlay;

/**
 * Field names of the messages between the P2PSIP-Port and its Overlay Manager (the tables in
 * {@code sip-proxy/README.md} are the reference).
 */
public final class OverlayFields {
    private OverlayFields() {
    }

    /** User part of the address-of-record ({@code user.*}). */
    public static final String USER = "user";
    /** Time to live of a user record, seconds. */
    public static final String TTL = "ttl";
    /** An opaque peer record chosen by the OM ({@code user.lookup} answer, repeated; {@code sato.signalling.request}). */
    public static final String PEER = "peer";
    /** In a {@code user.lookup} answer: a {@code peer} value that denotes this very peer (repeated, optional). */
    public static final String SELF = "self";
    /** The call a SATO serves: the SIP Call-ID. */
    public static final String CALL = "call";
    /** SATO identifier chosen by the OM. */
    public static final String SATO = "sato";
    /** Transport of a ready SATO ({@code tcp}). */
    public static final String TRANSPORT = "transport";
    /** {@code HOST:PORT} of the far end of a ready signalling SATO (the remote P2PSIP-Port's overlay listener). */
    public static final String ADDRESS = "address";
    /** Human-readable reason ({@code sato.failed}, {@code sato.teardown}). */
    public static final String REASON = "reason";
    /** Index of the SDP media description ({@code m=} line, from 0) a media SATO serves. */
    public static final String STREAM = "stream";
    /** Media type of the {@code m=} line ({@code audio}, {@code video}, ...). */
    public static final String MEDIA = "media";
    /** The signalling SATO of the same call, when this port asked for one. */
    public static final String SIGNALLING = "signalling";
    /** The RTP-Port's UA-facing RTP address ({@code HOST:PORT}); also the local UA's RTP address in {@code sato.media.connect}. */
    public static final String UA = "ua";
    /** The RTCP counterpart of {@link #UA}. */
    public static final String UA_RTCP = "ua.rtcp";
    /** The RTP-Port's (or a relay's) overlay-facing RTP address, written into SDP sent across the overlay. */
    public static final String OVERLAY = "overlay";
    /** The RTCP counterpart of {@link #OVERLAY}. */
    public static final String OVERLAY_RTCP = "overlay.rtcp";
    /** The far side's overlay-facing RTP address, learnt from the SDP that crossed the overlay. */
    public static final String REMOTE = "remote";
    /** The RTCP counterpart of {@link #REMOTE}. */
    public static final String REMOTE_RTCP = "remote.rtcp";
}
