package org.p2psip.sip.call;

import java.util.concurrent.CompletableFuture;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.sdp.MediaSession;
import org.p2psip.sip.sdp.MediaSession.Direction;

/**
 * The callee's side of one call at this P2PSIP-Port: SIP2 in the Figure 4 ladder of
 * {@code docs/architecture.md}, where UA2 (the callee) is registered. One instance per call, from
 * the first SDP of the call crossing this port until the call ends. The steps, in order, as SIP2
 * sees them:
 * <ol>
 * <li>The INVITE arrives over the signalling SATO (SIP1's TCP connection to this port's overlay
 *     listener; the SATO itself belongs to the OMs, this port holds none). The proxy delivers it to
 *     the contacts registered here only.</li>
 * <li>{@link #requestMediaSatos}: its SDP (the caller's overlay-facing media address, RTP1 or a relay)
 *     gets a {@code sato.media.request} per active {@code m=} line (RTP2 is allocated) and is
 *     rewritten towards the phone: UA2 sees RTP2's UA-facing address.</li>
 * <li>{@link #connectRtp(String)}: the phone's 200 OK carries UA2's own media address: both ends of
 *     each stream are known, {@code sato.media.connect} ("Connect RTP": RTP2 ua -> UA2, overlay <- the
 *     caller's side), and the SDP going back to SIP1 carries RTP2's overlay-facing address.</li>
 * <li>{@link #teardown}: the call ends (BYE answered, INVITE failed or cancelled, the port stopping):
 *     {@code sato.teardown} for every media SATO.</li>
 * </ol>
 * Later SDP (re-INVITE from either UA, a late offer) takes steps 2 and 3 again by direction.
 */
public final class CalleeSide extends PortCall {

    CalleeSide(String callId, OverlayLink overlay) {
        super(callId, overlay);
    }

    // ---- 2. media SATOs for the INVITE from the overlay --------------------------------------------

    /** SDP from SIP1 going to UA2: a media SATO per new stream; completes with the SDP rewritten to RTP2's UA side. */
    public CompletableFuture<String> requestMediaSatos(String sdp) {
        return media().rewrite(Direction.TO_UA, sdp);
    }

    // ---- 3. Connect RTP on the phone's answer ------------------------------------------------------

    /** UA2's SDP going to SIP1 (its 200 OK's): Connect RTP where both ends are known; completes with the SDP rewritten to RTP2's overlay side. */
    public CompletableFuture<String> connectRtp(String sdp) {
        return media().rewrite(Direction.TO_OVERLAY, sdp);
    }

    // ---- 4. teardown -----------------------------------------------------------------------------------

    @Override
    public void teardown(String reason) {
        MediaSession media;
        synchronized (this) {
            if (!markEnded()) {
                return;
            }
            media = mediaIfAny();
        }
        tearDownMedia(media, reason);
    }

    /** SDP from SIP1 towards UA2 is step 2, from UA2 towards SIP1 step 3, whichever message carries it. */
    @Override
    public CompletableFuture<String> sdp(Direction direction, String sdp) {
        return direction == Direction.TO_UA ? requestMediaSatos(sdp) : connectRtp(sdp);
    }
}
