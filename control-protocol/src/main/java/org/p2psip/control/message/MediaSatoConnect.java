package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code sato.media.connect} (P2PSIP-Port -> OM), the paper's "Connect RTP": both media ends of
 * the media SATO {@code sato} are known. {@code remote}, {@code remote.rtcp}: the far side's
 * overlay-facing media addresses (from the SDP that crossed the overlay); {@code ua},
 * {@code ua.rtcp}: the local UA's media addresses (from its SDP). Addresses are {@code HOST:PORT},
 * each optional (null if absent); sent again when either end changes. Answered without fields.
 */
public record MediaSatoConnect(String sato, String remote, String remoteRtcp, String ua, String uaRtcp) {
    public MediaSatoConnect {
        Wire.nonEmpty(sato, "sato");
    }

    public ControlMessage toMessage() {
        ControlMessage m = ControlMessage.request(MessageTypes.SATO_MEDIA_CONNECT).with(Fields.SATO, sato);
        m = Wire.withOptional(m, Fields.REMOTE, remote);
        m = Wire.withOptional(m, Fields.REMOTE_DOT_RTCP, remoteRtcp);
        m = Wire.withOptional(m, Fields.UA, ua);
        return Wire.withOptional(m, Fields.UA_RTCP, uaRtcp);
    }

    public static MediaSatoConnect from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_MEDIA_CONNECT);
        return new MediaSatoConnect(Wire.require(m, Fields.SATO), m.get(Fields.REMOTE), m.get(Fields.REMOTE_DOT_RTCP),
                m.get(Fields.UA), m.get(Fields.UA_RTCP));
    }
}
