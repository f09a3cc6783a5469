package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;

/**
 * {@code sato.teardown} from the P2PSIP-Port (the call ended): a media SATO releases its RTP-Port
 * sessions here and on the relay; a signalling SATO is torn down here and on the callee's OM.
 */
final class SatoTeardown {
    private final MediaSatos media;
    private final SignallingSatos signalling;

    SatoTeardown(MediaSatos media, SignallingSatos signalling) {
        this.media = media;
        this.signalling = signalling;
    }

    ControlMessage teardown(ControlMessage r) throws ControlException {
        org.p2psip.control.message.SatoTeardown req = org.p2psip.control.message.SatoTeardown.from(r);
        String id = req.sato();
        String reason = req.reason() != null ? req.reason() : "call ended";
        media.steps.step(null, id, CallSteps.PORT, CallSteps.OM, "sato.teardown", "SATO " + id + " (" + reason + ")");
        if (!media.end(id, reason) && !signalling.end(id, reason)) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no SATO " + id);
        }
        return ControlMessage.responseTo(r);
    }
}
