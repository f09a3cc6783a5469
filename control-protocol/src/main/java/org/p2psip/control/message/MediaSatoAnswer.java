package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * The answer to {@code sato.media.request}: {@code sato}, the media SATO's id; {@code ua},
 * {@code ua.rtcp}: the local RTP-Port's UA-facing RTP and RTCP addresses (for SDP sent to the local
 * UA); {@code overlay}, {@code overlay.rtcp}: the overlay-facing addresses (for SDP sent across the
 * overlay; a relay RTP-Port's if the OM inserted one). Addresses are {@code HOST:PORT}; the RTCP
 * ones are optional (null if absent: RTP port + 1).
 */
public record MediaSatoAnswer(String sato, String ua, String uaRtcp, String overlay, String overlayRtcp) {
    public MediaSatoAnswer {
        Wire.nonEmpty(sato, "sato");
        Wire.nonEmpty(ua, "ua");
        Wire.nonEmpty(overlay, "overlay");
    }

    /** Without RTCP addresses (RTP + 1 each). */
    public MediaSatoAnswer(String sato, String ua, String overlay) {
        this(sato, ua, null, overlay, null);
    }

    public ControlMessage answer(ControlMessage request) {
        ControlMessage m = ControlMessage.responseTo(request).with(Fields.SATO, sato).with(Fields.UA, ua);
        m = Wire.withOptional(m, Fields.UA_RTCP, uaRtcp).with(Fields.OVERLAY, overlay);
        return Wire.withOptional(m, Fields.OVERLAY_RTCP, overlayRtcp);
    }

    public static MediaSatoAnswer from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_MEDIA_REQUEST);
        return new MediaSatoAnswer(Wire.require(m, Fields.SATO), Wire.require(m, Fields.UA), m.get(Fields.UA_RTCP),
                Wire.require(m, Fields.OVERLAY), m.get(Fields.OVERLAY_RTCP));
    }
}
