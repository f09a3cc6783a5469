package org.p2psip.sip.call;

import java.util.concurrent.CompletableFuture;
import org.p2psip.sip.overlay.MediaAllocation;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.sdp.MediaSession;
import org.p2psip.sip.sdp.MediaSession.Direction;
import org.p2psip.sip.sdp.MediaSession.StreamEnds;
import org.p2psip.sip.sdp.SdpStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call (Call-ID) holding SATOs at this P2PSIP-Port: either the caller's side ({@link CallerSide},
 * SIP1 in Figure 4) or the callee's side ({@link CalleeSide}, SIP2). The Figure 4 steps are in those
 * two classes; this one keeps what both share: the call's age, whether it was answered, whether it
 * ended, its {@link MediaSession} (the SDP mechanics) and the two control messages that SDP triggers
 * on either side ({@code sato.media.request}, {@code sato.media.connect}).
 */
public abstract sealed class PortCall implements MediaSession.Satos permits CallerSide, CalleeSide {
    private static final Logger log = LoggerFactory.getLogger(PortCall.class);

    final String callId;
    final long createdMillis;
    final OverlayLink overlay;
    private MediaSession media;
    private boolean ended;
    private boolean established;
    private java.util.function.Consumer<String> phoneHangup;

    PortCall(String callId, OverlayLink overlay) {
        this.callId = callId;
        this.overlay = overlay;
        this.createdMillis = System.currentTimeMillis();
    }

    /** Takes over the media session and state of {@code before} (same Call-ID, same port). */
    PortCall(PortCall before) {
        this(before.callId, before.overlay);
        synchronized (before) {
            this.media = before.media;
            this.established = before.established;
        }
    }

    public final String callId() {
        return callId;
    }

    /**
     * Every SDP body of the call crossing between the UA side ({@link Direction#TO_UA}: from the
     * overlay to the local phone) and the overlay side ({@link Direction#TO_OVERLAY}: from the local
     * phone across the overlay); completes with the body rewritten for where it goes.
     */
    public abstract CompletableFuture<String> sdp(Direction direction, String sdp);

    /** Tears every SATO of the call down (idempotent). */
    public abstract void teardown(String reason);

    /** How many signalling SATOs the call holds. */
    public int signallingSatos() {
        return 0;
    }

    /** How to end the call at this port's own phone (a BYE inside its dialog); null: no phone here. */
    public final synchronized void onPhoneHangup(java.util.function.Consumer<String> hangup) {
        if (hangup != null) {
            phoneHangup = hangup;
        }
    }

    /** Ends the call at this port's phone, if there is one; true if a BYE went out. */
    final boolean hangUpPhone(String reason) {
        java.util.function.Consumer<String> h;
        synchronized (this) {
            h = phoneHangup;
            phoneHangup = null;
        }
        if (h == null) {
            return false;
        }
        h.accept(reason);
        return true;
    }

    /** Whether media SATO {@code sato} is one of this call's. */
    final synchronized boolean holdsMediaSato(String sato) {
        return media != null && media.holds(sato);
    }

    public final synchronized void established() {
        established = true;
    }

    public final synchronized boolean isEstablished() {
        return established;
    }

    final synchronized MediaSession media() {
        if (media == null) {
            media = new MediaSession(this);
        }
        return media;
    }

    /** Marks the call ended; false if it already was. Caller holds the lock. */
    final boolean markEnded() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    final boolean isEnded() {
        return ended;
    }

    /** The media session, if SDP of the call has crossed this port. Caller holds the lock. */
    final MediaSession mediaIfAny() {
        return media;
    }

    /** {@code sato.teardown} for every media SATO of {@code session}. */
    final void tearDownMedia(MediaSession session, String reason) {
        if (session != null) {
            session.release(a -> overlay.teardown(a.sato(), reason));
        }
    }

    /** The signalling SATO named in media requests, if this port holds one. */
    String signallingSatoForMedia() {
        return null;
    }

    @Override
    public final CompletableFuture<MediaAllocation> mediaSatoRequest(SdpStream stream) {
        return overlay.requestMedia(callId, stream.index(), stream.media(), signallingSatoForMedia());
    }

    @Override
    public final void mediaSatoConnect(MediaAllocation a, StreamEnds ends) {
        overlay.connectMedia(a.sato(), ends.remote(), ends.remoteRtcp(), ends.ua(), ends.uaRtcp()).whenComplete((x, e) -> {
            if (e != null) {
                log.warn("sato.media.connect {} for call {} failed: {}", a.sato(), callId, e.getMessage());
            }
        });
    }
}
