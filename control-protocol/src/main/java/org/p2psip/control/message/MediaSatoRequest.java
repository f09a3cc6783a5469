package org.p2psip.control.message;

import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code sato.media.request} (P2PSIP-Port -> OM): a media SATO for one {@code m=} line of
 * {@code call}: {@code stream} (index of the {@code m=} line, from 0), {@code media} (its type,
 * {@code audio}, ...), {@code signalling} (optional, null if absent: the call's signalling SATO at
 * this port). Answered by {@link MediaSatoAnswer}.
 */
public record MediaSatoRequest(String call, int stream, String media, String signalling) {
    public MediaSatoRequest {
        Wire.nonEmpty(call, "call");
        Wire.nonEmpty(media, "media");
    }

    public ControlMessage toMessage() {
        return Wire.withOptional(ControlMessage.request(MessageTypes.SATO_MEDIA_REQUEST).with(Fields.CALL, call)
                .with(Fields.STREAM, stream).with(Fields.MEDIA, media), Fields.SIGNALLING, signalling);
    }

    public static MediaSatoRequest from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.SATO_MEDIA_REQUEST);
        String call = Wire.require(m, Fields.CALL);
        int stream = Wire.requireInt(m, Fields.STREAM);
        if (stream < 0) {
            throw Wire.invalid(m, Fields.STREAM, m.get(Fields.STREAM), "must be >= 0");
        }
        return new MediaSatoRequest(call, stream, Wire.require(m, Fields.MEDIA), m.get(Fields.SIGNALLING));
    }
}
