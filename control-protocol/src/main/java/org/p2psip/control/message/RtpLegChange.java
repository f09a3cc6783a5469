package org.p2psip.control.message;

import java.time.Duration;

/**
 * What {@link RtpConnect} and {@link RtpUpdate} say about one leg of an RTP-Port session. Null
 * means absent: "the default" for {@code rtp.connect}, "unchanged" for {@code rtp.update}.
 */
public sealed interface RtpLegChange permits RtpConnect, RtpUpdate {
    String ACTIVE = "active";
    String PASSIVE = "passive";
    /** A passive leg's remote that accepts any host. */
    String ANY = "any";

    String session();

    String leg();

    /** {@code active} or {@code passive}. */
    String mode();

    /** {@code HOST:PORT}, {@code [IPV6]:PORT}, {@code HOST} (port unknown, passive only) or {@code any} (passive only). */
    String remote();

    /** UA leg only: where RTCP goes ({@code HOST:PORT}). */
    String remoteRtcp();

    /** Keepalive interval of an active UDP leg; zero disables. */
    Duration keepalive();

    /** RTP clock rate for jitter, Hz. */
    Integer clockRate();

    /** Forget the latched source and latch again ({@code rtp.update} only). */
    boolean relatch();

    /** The message type: rtp.connect or rtp.update. */
    String type();
}
