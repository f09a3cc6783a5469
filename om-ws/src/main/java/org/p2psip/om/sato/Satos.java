package org.p2psip.om.sato;

import org.p2psip.om.OverlayManager;
import org.p2psip.om.types.OmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small things the SATO request handlers share. */
final class Satos {
    private static final Logger log = LoggerFactory.getLogger(Satos.class);

    private Satos() {
    }

    /** Closes SATO {@code id}, logging (not throwing) if it is already gone. */
    static void closeQuietly(OverlayManager om, String id, String reason) {
        try {
            om.closeSato(id, reason);
        } catch (OmException e) {
            log.debug("closing SATO {}: {}", id, e.getMessage());
        }
    }

    /** A Call-ID short enough for one line of the flow. */
    static String shortCall(String call) {
        return call.length() > 12 ? call.substring(0, 12) + "…" : call;
    }
}
