package org.p2psip.sip.proxy;

import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.call.CallTable;
import org.p2psip.sip.call.CallerSide;
import org.p2psip.sip.call.PortCall;
import org.p2psip.sip.message.Responses;
import org.p2psip.sip.sdp.MediaSession.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 Sec. 16.7, response processing, on the {@link ResponseContext} of each request forwarded
 * statefully: provisional responses go upstream at once, the first 2xx at once (the other branches
 * are cancelled), otherwise the best final response once every branch has one (6xx cancels the
 * rest; a downstream 503 becomes 500). SDP in responses crossing the port is rewritten by the
 * call's side, in arrival order. A final response leaving ends the call where it should (and with it
 * its SATOs). Also the pending INVITEs a CANCEL is matched against (16.10).
 */
final class ResponseProcessing {
    private static final Logger log = LoggerFactory.getLogger(ResponseProcessing.class);

    private final Interfaces ifs;
    private final CallTable calls;
    private final PhoneBye byes;
    private final SdpCrossing sdp;
    private final Executor executor;
    private final Replies replies;
    private final Map<String, ResponseContext> invites = new ConcurrentHashMap<>();
    /** Initial INVITEs counted as in set-up ({@link #callsInSetup}). */
    private final java.util.concurrent.atomic.AtomicInteger settingUp = new java.util.concurrent.atomic.AtomicInteger();
    private final CallOutcomes outcomes = new CallOutcomes();

    private final AdmissionGate admission;

    ResponseProcessing(Interfaces ifs, CallTable calls, SdpCrossing sdp, Executor executor, Replies replies, PhoneBye byes,
                       AdmissionGate admission) {
        this.admission = admission;
        this.byes = byes;
        this.ifs = ifs;
        this.calls = calls;
        this.sdp = sdp;
        this.executor = executor;
        this.replies = replies;
    }

    // ---- pending INVITEs (what CANCEL looks for) ----------------------------------------------------

    void invitePending(ResponseContext ctx) {
        if (ctx.initial && ctx.settingUp.compareAndSet(false, true)) {
            settingUp.incrementAndGet();
        }
        ResponseContext old = invites.put(ctx.cancelKey, ctx);
        if (old != null && old != ctx) {
            notSettingUp(old, 0, null);
        }
    }

    /**
     * {@code ctx}'s call rings or has its answer ({@code code} through branch {@code b}; 0: neither):
     * no longer counted among the calls in set-up. A call that rings or is answered tells overload
     * control its set-up time and where it went.
     */
    private void notSettingUp(ResponseContext ctx, int code, Branch b) {
        if (ctx.settingUp.compareAndSet(true, false)) {
            settingUp.decrementAndGet();
            if (code > 100 && code < 300 && b != null) {
                admission.setUp(destination(b.target), System.nanoTime() - ctx.arrivedNanos);
            }
        }
    }

    /** Where a branch went, for the set-up times of overload control: a peer, this port's phones, a fixed hop. */
    private static String destination(Target t) {
        if (t instanceof Target.Remote r) {
            return r.peer().record();
        }
        if (t instanceof Target.Fixed f) {
            return f.hop().toString();
        }
        return "a phone registered here";
    }

    /** The final responses to initial INVITEs that left this port, by class. */
    CallOutcomes outcomes() {
        return outcomes;
    }

    /** INVITEs received and not yet answered finally (ringing ones included). */
    int pendingInvites() {
        return invites.size();
    }

    /**
     * The calls in set-up (overload control): initial INVITEs whose callee's phone does not ring yet
     * and that have no final answer. A call that rings waits for a person, not for this peer's work.
     */
    int callsInSetup() {
        return settingUp.get();
    }

    ResponseContext pendingInvite(String cancelKey) {
        return invites.get(cancelKey);
    }

    void inviteTerminated(Request invite) {
        ResponseContext ctx = invites.remove(ResponseContext.cancelKey(invite));
        if (ctx != null) {
            notSettingUp(ctx, 0, null);
        }
    }

    // ---- responses from a branch --------------------------------------------------------------------

    void onResponse(Branch b, Response resp) {
        ResponseContext ctx = b.ctx;
        int code = resp.getStatusCode();
        Response out = (Response) resp.clone();
        out.removeFirst(ViaHeader.NAME);
        boolean forward = false;
        boolean cancelOthers = false;
        boolean releaseSato = false;
        Response finalToSend = null;
        synchronized (ctx) {
            if (code < 200) {
                b.provisional = true;
                if (b.cancelPending) {
                    b.cancel(ifs);
                }
                forward = code > 100 && !ctx.finalSent;
                if (forward) {
                    notSettingUp(ctx, code, b); // it rings: the overlay's part of the set-up is done
                }
            } else if (b.isFinal) {
                // a 2xx from a second UA of a forked INVITE after this branch was closed: pass it on statelessly
                forward = code < 300;
            } else {
                b.isFinal = true;
                stopTimerC(b);
                if (code < 300) {
                    ctx.got2xx = true;
                    forward = true;
                    ctx.finalSent = true;
                    cancelOthers = true;
                } else {
                    releaseSato = true;
                    if (!ctx.finalSent) {
                        ctx.offerBest(out);
                        cancelOthers = code >= 600;
                        finalToSend = finalIfAllAnswered(ctx);
                    }
                }
            }
            if (cancelOthers) {
                for (Branch o : ctx.branches) {
                    if (o != b && !o.isFinal) {
                        o.stop(ifs);
                    }
                }
            }
        }
        if (releaseSato && b.sato != null && ctx.initial && calls.get(ctx.callId) instanceof CallerSide caller) {
            caller.releaseSignallingSato(b.sato, "branch answered " + code);
        }
        if (forward) {
            relayUpstream(ctx, b, out);
        }
        if (finalToSend != null) {
            sendFinal(ctx, finalToSend);
        }
    }

    /** A branch ends without a response of its own (SATO failed, transport error, timeout): it counts as {@code code}. */
    void branchFailed(Branch b, int code, String reason) {
        ResponseContext ctx = b.ctx;
        Response finalToSend;
        synchronized (ctx) {
            if (b.isFinal) {
                return;
            }
            b.isFinal = true;
            stopTimerC(b);
            if (ctx.finalSent) {
                return;
            }
            // a 503 made here keeps its code (only a downstream 503 becomes 500, RFC 3261 16.7 item 6)
            String phrase = reason == null ? null
                    : code == Response.SERVICE_UNAVAILABLE ? "Service Unavailable (" + reason + ")"
                    : code == Response.TEMPORARILY_UNAVAILABLE ? "Temporarily Unavailable (" + reason + ")"
                    : reason;
            ctx.offerBest(replies.response(ctx.request, code, phrase));
            finalToSend = finalIfAllAnswered(ctx);
        }
        if (finalToSend != null) {
            sendFinal(ctx, finalToSend);
        }
    }

    private static void stopTimerC(Branch b) {
        if (b.timerC != null) {
            b.timerC.cancel(false);
        }
    }

    /** The best final response once every branch has one, else null. Caller holds the lock. */
    private static Response finalIfAllAnswered(ResponseContext ctx) {
        if (!ctx.allFinal()) {
            return null;
        }
        ctx.finalSent = true;
        return ctx.best;
    }

    /** Forwards a provisional or 2xx response upstream, with SDP rewritten, in arrival order. */
    private void relayUpstream(ResponseContext ctx, Branch b, Response out) {
        int code = out.getStatusCode();
        Direction dir = b.out == null ? null : sdp.direction(b.out, ctx.in);
        CompletableFuture<Void> rewritten = CompletableFuture.completedFuture(null);
        if (dir != null && SdpCrossing.isSdp(out)) {
            rewritten = calls.call(ctx.callId).sdp(dir, SdpCrossing.body(out)).handle((s, e) -> {
                if (e != null) {
                    log.warn("SDP of {} {} to {} not rewritten, forwarded as is: {}", code, ctx.method, ctx.callId,
                            Replies.cause(e));
                } else {
                    SdpCrossing.setBody(out, s);
                }
                return null;
            });
        }
        if (code >= 200) {
            setUpEnded(ctx, code, b);
            if (code < 300 && ctx.initial && ctx.isInvite()) {
                // the dialog at this port's phone, should the Overlay Manager report the call's media dead
                PortCall call = calls.get(ctx.callId);
                if (call != null) {
                    call.onPhoneHangup(byes.forDialog(ctx.request, out, ctx.in, ctx.inTransport, b));
                }
            }
        }
        sendInOrder(ctx, out, rewritten);
        if (code >= 200) {
            afterFinal(ctx, code);
        }
    }

    /** Sends {@code r} upstream after every response before it and after {@code ready}; on this thread when nothing waits. */
    private void sendInOrder(ResponseContext ctx, Response r, CompletableFuture<Void> ready) {
        synchronized (ctx) {
            if (ctx.upstream.isDone() && ready.isDone()) {
                // the usual case (media SATO allocated with the offer): no hand-off to another thread
                sendUpstream(ctx, r);
            } else {
                ctx.upstream = ctx.upstream.thenCombine(ready, (x, y) -> null)
                        .thenRunAsync(() -> sendUpstream(ctx, r), executor);
            }
        }
    }

    /** The proxy answers the request itself with {@code code} (unless a final response went already). */
    void finish(ResponseContext ctx, int code, String reason) {
        synchronized (ctx) {
            if (ctx.finalSent) {
                return;
            }
            ctx.finalSent = true;
        }
        replies.countIfRejected(code);
        sendFinal(ctx, replies.response(ctx.request, code, reason));
    }

    void sendFinal(ResponseContext ctx, Response r) {
        int code = r.getStatusCode();
        if (code == Response.SERVICE_UNAVAILABLE && !r.getReasonPhrase().startsWith("Service Unavailable (")) {
            // RFC 3261 16.7 item 6: a 503 from downstream becomes 500
            try {
                r.setStatusCode(Response.SERVER_INTERNAL_ERROR);
                r.setReasonPhrase("Server Internal Error (downstream: " + Responses.reason(r.getReasonPhrase()) + ")");
            } catch (ParseException e) {
                log.debug("cannot rewrite 503: {}", e.getMessage());
            }
        }
        setUpEnded(ctx, r.getStatusCode(), null);
        sendInOrder(ctx, r, CompletableFuture.completedFuture(null));
        afterFinal(ctx, code);
    }

    /**
     * The INVITE has its final answer: no longer a call in set-up. Done before the answer leaves, so
     * that whoever receives it finds the count already lower (overload control admits the next call).
     */
    private void setUpEnded(ResponseContext ctx, int code, Branch b) {
        if (ctx.isInvite()) {
            invites.remove(ctx.cancelKey, ctx);
            notSettingUp(ctx, code, b);
        }
    }

    private void sendUpstream(ResponseContext ctx, Response r) {
        // on the ladder before it leaves: the phone's answer to it (the ACK of a 200) may be back before this thread goes on
        ifs.ladder().sent(r, ctx.in);
        try {
            ctx.st.sendResponse(r);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            if (r.getStatusCode() / 100 == 2) {
                // a second 2xx after the server transaction ended: stateless (RFC 3261 16.7 item 5)
                try {
                    ResponseByVia.send(ifs.provider(ctx.in), r);
                } catch (SipException e2) {
                    log.info("could not forward {} for {}: {}", r.getStatusCode(), ctx.callId, e2.getMessage());
                }
            } else if (r.getStatusCode() >= 300) {
                // e.g. a downstream final response that lost its Vias: answer with our own of the same class
                log.info("could not forward {} for {} ({}); answering it ourselves", r.getStatusCode(), ctx.callId,
                        e.getMessage());
                try {
                    ctx.st.sendResponse(replies.response(ctx.request, r.getStatusCode(), null));
                } catch (SipException | InvalidArgumentException | IllegalStateException e2) {
                    log.debug("could not answer {} for {}: {}", r.getStatusCode(), ctx.callId, e2.getMessage());
                }
            } else {
                log.debug("could not forward {} for {}: {}", r.getStatusCode(), ctx.callId, e.getMessage());
            }
        }
    }

    /** The call-level consequences of a final response leaving this proxy. */
    private void afterFinal(ResponseContext ctx, int code) {
        setUpEnded(ctx, code, null);
        if (Request.BYE.equals(ctx.method)) {
            calls.end(ctx.callId, "BYE answered " + code);
        } else if (ctx.initial && ctx.isInvite()) {
            outcomes.finalResponse(code);
            PortCall call = calls.get(ctx.callId);
            if (call == null) {
                return;
            }
            if (code >= 300) {
                if (!call.isEstablished()) {
                    calls.end(ctx.callId, "INVITE answered " + code);
                }
            } else if (code >= 200) {
                call.established();
            }
        } else if (ctx.initial && !Request.INVITE.equals(ctx.method) && code >= 200) {
            PortCall call = calls.get(ctx.callId);
            if (call != null && !call.isEstablished()) {
                calls.end(ctx.callId, ctx.method + " answered " + code);
            }
        }
    }
}
