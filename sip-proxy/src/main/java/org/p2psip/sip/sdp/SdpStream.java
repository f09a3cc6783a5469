package org.p2psip.sip.sdp;

import org.p2psip.common.HostPort;

/**
 * One media description ({@code m=} line) of an SDP body as far as relaying cares: its index, media
 * type, and where its RTP and RTCP go ({@code c=} of the media or of the session, the {@code m=} port,
 * {@code a=rtcp} or port + 1). A port of 0 means the stream is disabled.
 */
public record SdpStream(int index, String media, HostPort rtp, HostPort rtcp) {
    public boolean isActive() {
        return rtp != null && rtp.port() != 0;
    }

    /** {@code c=0.0.0.0} (RFC 2543 hold): nothing is sent to this stream. */
    public boolean isHeldByAddress() {
        return rtp != null && (rtp.host().equals("0.0.0.0") || rtp.host().equals("::"));
    }
}
