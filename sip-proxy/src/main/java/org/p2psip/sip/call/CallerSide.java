package org.p2psip.sip.call;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.overlay.PeerRecord;
import org.p2psip.sip.overlay.SignallingSato;
import org.p2psip.sip.sdp.MediaSession;
import org.p2psip.sip.sdp.MediaSession.Direction;

/**
 * The caller's side of one call at this P2PSIP-Port: SIP1 in the Figure 4 ladder of
 * {@code docs/architecture.md}, where UA1 (the caller) is registered. One instance per call, from
 * its first branch towards another peer until the call ends. The steps, in order, as SIP1 sees them:
 * <ol>
 * <li>{@link #lookUpCallee}: UA1's INVITE names the callee; {@code user.lookup} asks the OM which
 *     peers the callee's user record names (the lookup service, a DHT). None: 404.</li>
 * <li>{@link #requestSignallingSato}: per peer, {@code sato.signalling.request}; the OM negotiates
 *     with the callee's OM and answers {@code sato.ready} (tcp, SIP2's overlay listener), where the
 *     INVITE then goes. {@code sato.failed} or a timeout: 503 or 408 for that branch.</li>
 * <li>{@link #requestMediaSatos}: in parallel with step 2, the INVITE's SDP: {@code sato.media.request}
 *     per active {@code m=} line; the OM allocates RTP1, decides on a relay (RTP3) and answers the
 *     RTP-Port addresses; the SDP sent to SIP2 carries the overlay-facing one (RTP1's, or the relay's
 *     leg b).</li>
 * <li>{@link #connectRtp(String)}: the 200 OK's SDP arrives from SIP2 (RTP2's overlay side): both ends
 *     of each stream are known, {@code sato.media.connect} ("Connect RTP"), and the SDP UA1 receives
 *     carries RTP1's UA-facing address.</li>
 * <li>{@link #teardown}: the call ends (BYE answered, INVITE failed or cancelled, the port stopping):
 *     {@code sato.teardown} for the signalling SATO and every media SATO. A forked branch that lost
 *     gives up its signalling SATO at once ({@link #releaseSignallingSato}).</li>
 * </ol>
 * Later SDP (re-INVITE, a late offer in the 200 OK or ACK) takes steps 3 and 4 again by direction.
 */
public final class CallerSide extends PortCall {
    private final List<String> signalling = new ArrayList<>();
    /** The signalling SATO passed along with media requests: the one the OM named last. */
    private volatile String lastSignalling;

    CallerSide(String callId, OverlayLink overlay) {
        super(callId, overlay);
    }

    /** The call reached this port from the overlay first and now leaves it for another peer too. */
    CallerSide(PortCall before) {
        super(before);
    }

    // ---- 1. look up the callee's user record ---------------------------------------------------------

    /** {@code user.lookup}: the other peers {@code user} is registered at (this peer and repeats left out). */
    public static CompletableFuture<List<PeerRecord>> lookUpCallee(OverlayLink overlay, String user, String call) {
        return overlay.lookupUser(user, call).thenApply(peers -> {
            List<PeerRecord> others = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (PeerRecord p : peers) {
                if (!p.self() && seen.add(p.record())) {
                    others.add(p);
                }
            }
            return others;
        });
    }

    // ---- 2. signalling SATO towards the callee's peer ------------------------------------------------

    /**
     * {@code sato.signalling.request} towards {@code callee}; completes on {@code sato.ready} with the
     * address to send the INVITE to. {@code onId} learns the SATO id as soon as the OM names it.
     */
    public CompletableFuture<SignallingSato> requestSignallingSato(PeerRecord callee, Consumer<String> onId) {
        return overlay.requestSignallingSato(callId, callee.record(), id -> {
            onId.accept(id);
            holdSignallingSato(id);
        });
    }

    private synchronized void holdSignallingSato(String sato) {
        if (isEnded()) {
            overlay.teardown(sato, "call already ended");
            return;
        }
        signalling.add(sato);
        lastSignalling = sato;
    }

    // ---- 3. media SATOs for the offer -----------------------------------------------------------------

    /** UA1's SDP going to SIP2: a media SATO per new stream; completes with the SDP rewritten to the overlay-facing addresses. */
    public CompletableFuture<String> requestMediaSatos(String sdp) {
        return media().rewrite(Direction.TO_OVERLAY, sdp);
    }

    @Override
    String signallingSatoForMedia() {
        return lastSignalling;
    }

    // ---- 4. Connect RTP when the answer arrives -------------------------------------------------------

    /** SDP from SIP2 (the 200 OK's): Connect RTP where both ends are known; completes with the SDP rewritten for UA1. */
    public CompletableFuture<String> connectRtp(String sdp) {
        return media().rewrite(Direction.TO_UA, sdp);
    }

    // ---- 5. teardown -------------------------------------------------------------------------------------

    /** A branch that lost (or failed) gives its signalling SATO back before the call ends. */
    public synchronized void releaseSignallingSato(String sato, String reason) {
        if (signalling.remove(sato)) {
            overlay.teardown(sato, reason);
        }
    }

    @Override
    public void teardown(String reason) {
        List<String> satos;
        MediaSession media;
        synchronized (this) {
            if (!markEnded()) {
                return;
            }
            satos = new ArrayList<>(signalling);
            signalling.clear();
            media = mediaIfAny();
        }
        for (String s : satos) {
            overlay.teardown(s, reason); // sato.teardown: the signalling SATO
        }
        tearDownMedia(media, reason); // sato.teardown: every media SATO
    }

    @Override
    public synchronized int signallingSatos() {
        return signalling.size();
    }

    /** SDP from UA1 towards SIP2 is step 3, from SIP2 towards UA1 step 4, whichever message carries it. */
    @Override
    public CompletableFuture<String> sdp(Direction direction, String sdp) {
        return direction == Direction.TO_OVERLAY ? requestMediaSatos(sdp) : connectRtp(sdp);
    }
}
