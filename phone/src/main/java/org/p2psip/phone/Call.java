package org.p2psip.phone;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;

/**
 * The phone's one call, placed or answered: its dialog and INVITE transaction, how far it got
 * (provisional response, ringing, cancelled, ACKed, established), its media, and why it ended.
 */
final class Call {

    final boolean outgoing;
    /** The other side's user name. */
    final String peer;
    final CallMedia media;
    final String callId;
    /** The callee's side: completed by the ACK (or a BYE) for its 200 OK. */
    final CompletableFuture<Void> acked = new CompletableFuture<>();
    /** Completed once with the reason the call ended. */
    final CompletableFuture<String> ended = new CompletableFuture<>();
    volatile Dialog dialog;
    volatile ClientTransaction inviteCt;
    volatile ServerTransaction inviteSt;
    volatile boolean provisional;
    volatile boolean ringing;
    volatile boolean cancelled;
    volatile boolean established;
    /** The INVITE was sent again with credentials after a digest challenge. */
    volatile boolean authenticated;
    private final Consumer<String> steps;

    Call(boolean outgoing, String peer, CallMedia media, String callId, Consumer<String> steps) {
        this.outgoing = outgoing;
        this.peer = peer;
        this.media = media;
        this.callId = callId;
        this.steps = steps;
    }

    boolean isOver() {
        return ended.isDone();
    }

    /** Ends the call once: stops the media and, if it was established, reports {@code hung up: REASON}. */
    void end(String reason) {
        if (ended.complete(reason)) {
            media.stop();
            if (established) {
                steps.accept("hung up: " + reason);
            }
        }
    }
}
