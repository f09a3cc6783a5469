package org.p2psip.sip.overlay;

import org.p2psip.common.HostPort;

/**
 * The Overlay Manager's answer to {@code sato.media.request}: a media SATO on the local RTP-Port, with
 * the RTP-Port's UA-facing addresses (written into SDP sent to the local UA) and its overlay-facing
 * addresses (written into SDP sent across the overlay; a relay's address if the OM inserted one).
 */
public record MediaAllocation(String sato, HostPort ua, HostPort uaRtcp, HostPort overlay, HostPort overlayRtcp) {
}
