package org.p2psip.sip.proxy;

import java.util.ArrayList;
import java.util.List;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.sdp.MediaSession;

/**
 * What one call (Call-ID) holds at this P2PSIP-Port: its signalling SATOs (one per call and far peer,
 * as in the paper) and its media session. Released when the call ends.
 */
final class CallState {
    final String callId;
    final long createdMillis = System.currentTimeMillis();
    private final OverlayLink overlay;
    private final List<String> satos = new ArrayList<>();
    private MediaSession media;
    private boolean ended;
    private boolean established;

    CallState(String callId, OverlayLink overlay) {
        this.callId = callId;
        this.overlay = overlay;
    }

    /** Adds a signalling SATO; false (and the SATO is torn down) if the call already ended. */
    synchronized boolean addSato(String sato) {
        if (ended) {
            overlay.teardown(sato, "call already ended");
            return false;
        }
        satos.add(sato);
        if (media != null) {
            media.signalling(sato);
        }
        return true;
    }

    /** Tears one SATO down before the call ends (a forked branch that lost). */
    synchronized void releaseSato(String sato, String reason) {
        if (satos.remove(sato)) {
            overlay.teardown(sato, reason);
        }
    }

    synchronized MediaSession media() {
        if (media == null) {
            media = new MediaSession(callId, overlay);
            if (!satos.isEmpty()) {
                media.signalling(satos.get(0));
            }
        }
        return media;
    }

    synchronized void established() {
        established = true;
    }

    synchronized boolean isEstablished() {
        return established;
    }

    synchronized int satoCount() {
        return satos.size();
    }

    /** Tears every SATO of the call down (idempotent). */
    void end(String reason) {
        List<String> copy;
        MediaSession m;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            copy = new ArrayList<>(satos);
            satos.clear();
            m = media;
        }
        for (String s : copy) {
            overlay.teardown(s, reason);
        }
        if (m != null) {
            m.release(reason);
        }
    }
}
