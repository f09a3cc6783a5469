package org.p2psip.rtp.relay;

import java.net.InetAddress;

/**
 * What rtp.connect or rtp.update says about a leg. Null fields are "unchanged" (update) or
 * "default" (connect).
 *
 * @param mode        active or passive
 * @param remoteSet   whether a remote was given at all
 * @param host        the remote host; null with remoteSet means "any" (passive only)
 * @param port        the remote port; 0 when unknown (passive)
 * @param rtcpHost    UA leg only: where RTCP goes; null: the RTP host
 * @param rtcpPort    UA leg only: RTCP port; 0: RTP port + 1
 * @param keepaliveMs keepalive interval of an active UDP leg; 0 disables; null: the port's default
 * @param clockRate   RTP clock rate for jitter; null: from the payload type
 * @param relatch     forget the latched source and latch again
 */
public record LegSettings(LegMode mode, boolean remoteSet, InetAddress host, int port, InetAddress rtcpHost,
                          int rtcpPort, Long keepaliveMs, Integer clockRate, boolean relatch) {
}
