package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.TransactionUnavailableException;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.control.ErrorCode;
import org.p2psip.sip.call.CallTable;
import org.p2psip.sip.call.CallerSide;
import org.p2psip.sip.message.Responses;
import org.p2psip.sip.overlay.OverlayException;
import org.p2psip.sip.overlay.PeerRecord;
import org.p2psip.sip.registrar.Binding;
import org.p2psip.sip.sdp.MediaSession.Direction;
import org.p2psip.sip.stack.SipStacks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 Sec. 16.6, request forwarding, one branch per target (parallel forking): a contact
 * registered here goes out on the UA side; another peer is reached over a signalling SATO (the
 * caller's side of the call asks for it, {@link CallerSide}) on the overlay side, over TCP. Each
 * branch gets Max-Forwards, RFC 5658 double Record-Route on initial requests, a Via with the
 * loop-detection branch, SDP rewritten where it crosses the overlay boundary, and a client
 * transaction; INVITE branches get Timer C. Also CANCEL (16.10): answered 200, then every pending
 * branch is cancelled (one still waiting for its SATO is dropped).
 */
final class BranchForwarding {
    private static final Logger log = LoggerFactory.getLogger(BranchForwarding.class);

    private final Interfaces ifs;
    private final LoopDetector loops;
    private final CallTable calls;
    private final SdpCrossing sdp;
    private final ResponseProcessing responses;
    private final Replies replies;
    private final ScheduledExecutorService timer;
    private final long timerCMillis;
    private final ForwardingPolicy overlayPeers;
    private final OverlayDetours detours;
    private final AtomicLong satoRequests = new AtomicLong();

    BranchForwarding(Interfaces ifs, LoopDetector loops, CallTable calls, SdpCrossing sdp, ResponseProcessing responses,
                     Replies replies, ScheduledExecutorService timer, long timerCMillis, ForwardingPolicy overlayPeers,
                     OverlayDetours detours) {
        this.detours = detours;
        this.ifs = ifs;
        this.loops = loops;
        this.calls = calls;
        this.sdp = sdp;
        this.responses = responses;
        this.replies = replies;
        this.timer = timer;
        this.timerCMillis = timerCMillis;
        this.overlayPeers = overlayPeers;
    }

    long satoRequests() {
        return satoRequests.get();
    }

    /** Starts one branch per target, unless the request was cancelled meanwhile (then 487). */
    void fork(ResponseContext ctx, List<Target> targets) {
        List<Branch> started = new ArrayList<>();
        synchronized (ctx) {
            if (ctx.canceled) {
                ctx.finalSent = true;
            } else {
                ctx.started = true;
                for (Target t : targets) {
                    Branch b = new Branch(ctx, t);
                    ctx.branches.add(b);
                    started.add(b);
                }
            }
        }
        if (started.isEmpty()) {
            responses.sendFinal(ctx, replies.response(ctx.request, Response.REQUEST_TERMINATED, null));
            return;
        }
        for (Branch b : started) {
            startBranch(b);
        }
    }

    private void startBranch(Branch b) {
        Request r = (Request) b.ctx.template.clone();
        if (b.target instanceof Target.Local local) {
            Binding binding = local.binding();
            r.setRequestURI((URI) binding.uri().clone());
            transmit(b, r, Side.UA, RouteProcessing.bindingHop(binding), null);
        } else if (b.target instanceof Target.Fixed fixed) {
            transmit(b, r, fixed.side(), fixed.hop(), null);
        } else {
            towardsPeer(b, r, ((Target.Remote) b.target).peer());
        }
    }

    /** A branch to another peer: signalling SATO (and, in parallel, the offer's media SATOs), then the overlay. */
    private void towardsPeer(Branch b, Request r, PeerRecord peer) {
        ResponseContext ctx = b.ctx;
        CallerSide call = calls.callerSide(ctx.callId);
        // the media SATOs are asked for while the signalling SATO is being set up, not after
        CompletableFuture<String> offer = sdp.direction(ctx.in, Side.OVERLAY) != null && SdpCrossing.isSdp(r)
                ? call.requestMediaSatos(SdpCrossing.body(r)) : null;
        satoRequests.incrementAndGet();
        call.requestSignallingSato(peer, id -> b.sato = id).whenComplete((sato, e) -> {
            if (e != null) {
                OverlayException oe = Replies.overlayFailure(e);
                log.info("no signalling SATO for {} towards {}: {}", ctx.callId, peer.record(), oe.getMessage());
                if (b.sato != null) {
                    call.releaseSignallingSato(b.sato, "SATO failed");
                }
                // the far peer measured unreachable (directly and through every relay): 480, the user is
                // registered but cannot be reached now (RFC 3261 21.4.18); the OM failing otherwise: 503
                int code = oe.code() == ErrorCode.TIMEOUT ? Response.REQUEST_TIMEOUT
                        : oe.code() == ErrorCode.PEER_UNREACHABLE ? Response.TEMPORARILY_UNAVAILABLE
                        : Response.SERVICE_UNAVAILABLE;
                responses.branchFailed(b, code, "signalling SATO towards " + peer.record() + ": "
                        + Responses.reason(oe.getMessage()));
                return;
            }
            synchronized (ctx) {
                if (b.isFinal) {
                    call.releaseSignallingSato(sato.sato(), "branch cancelled");
                    return;
                }
            }
            overlayPeers.overlayPeer(sato.address().host(), sato.address().port());
            if (sato.peer() != null) {
                // the call's in-dialog requests to the far port (its Record-Route) take the same detour
                overlayPeers.overlayPeer(sato.peer().host(), sato.peer().port());
                detours.detour(sato.peer(), sato.address());
            } else {
                detours.direct(sato.address());
            }
            transmit(b, r, Side.OVERLAY, new NextHop(sato.address().host(), sato.address().port(), ifs.overlayTransport()), offer);
        });
    }

    /** Adds Max-Forwards, Record-Route and Via, rewrites SDP if it crosses the overlay boundary, and sends over a new client transaction. */
    private void transmit(Branch b, Request r, Side out, NextHop hop, CompletableFuture<String> rewrittenSdp) {
        ResponseContext ctx = b.ctx;
        try {
            decrementMaxForwards(r);
            if (ctx.initial) {
                boolean same = out == ctx.in && hop.transport().equalsIgnoreCase(ctx.inTransport);
                if (!same) {
                    r.addFirst(ifs.recordRoute(ctx.in, ctx.inTransport));
                }
                r.addFirst(ifs.recordRoute(out, hop.transport()));
            }
            r.addFirst(ifs.via(out, hop.transport(), loops.branch(ctx.loopHash)));
        } catch (SipException | InvalidArgumentException e) {
            responses.branchFailed(b, Response.SERVER_INTERNAL_ERROR, "cannot build the forwarded request: " + e.getMessage());
            return;
        }
        ((SIPMessage) r).setApplicationData(hop);
        synchronized (ctx) {
            b.hop = hop;
            b.out = out;
        }
        Direction dir = sdp.direction(ctx.in, out);
        if (dir != null && SdpCrossing.isSdp(r)) {
            CompletableFuture<String> sdpF = rewrittenSdp != null ? rewrittenSdp
                    : calls.call(ctx.callId).sdp(dir, SdpCrossing.body(r));
            sdpF.whenComplete((body, e) -> {
                if (e != null) {
                    log.warn("SDP of {} {} not rewritten: {}", ctx.method, ctx.callId, Replies.cause(e));
                    responses.branchFailed(b, Response.SERVICE_UNAVAILABLE, "media relay unavailable: "
                            + Responses.reason(Replies.cause(e)));
                    return;
                }
                SdpCrossing.setBody(r, body);
                sendBranch(b, r, out);
            });
        } else {
            sendBranch(b, r, out);
        }
    }

    private void sendBranch(Branch b, Request r, Side out) {
        ResponseContext ctx = b.ctx;
        ClientTransaction ct;
        try {
            ct = ifs.provider(out).getNewClientTransaction(r);
        } catch (TransactionUnavailableException e) {
            responses.branchFailed(b, Response.SERVICE_UNAVAILABLE, "cannot reach " + b.hop + ": " + e.getMessage());
            return;
        }
        ct.setApplicationData(b);
        synchronized (ctx) {
            if (b.isFinal) {
                return; // cancelled while the SDP was being rewritten
            }
            b.ct = ct;
        }
        try {
            ct.sendRequest();
            ifs.ladder().sent(ct.getRequest(), b.out);
        } catch (SipException e) {
            log.info("{} to {} failed: {}", ctx.method, b.hop, e.getMessage());
            responses.branchFailed(b, Response.SERVICE_UNAVAILABLE, "cannot reach " + b.hop);
            return;
        }
        if (ctx.isInvite()) {
            b.timerC = timer.schedule(() -> timerC(b), timerCMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** RFC 3261 16.8: an INVITE branch without a final response: CANCEL if it had a provisional one, else 408. */
    private void timerC(Branch b) {
        ResponseContext ctx = b.ctx;
        boolean fail;
        synchronized (ctx) {
            if (b.isFinal) {
                return;
            }
            fail = !b.provisional;
            if (!fail) {
                b.cancel(ifs);
            }
        }
        log.info("Timer C fired on {} of {}", b, ctx.callId);
        if (fail) {
            responses.branchFailed(b, Response.REQUEST_TIMEOUT, null);
        }
    }

    static void decrementMaxForwards(Request r) throws InvalidArgumentException, SipException {
        MaxForwardsHeader mf = (MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME);
        if (mf == null) {
            r.addHeader(SipStacks.factories().header().createMaxForwardsHeader(70));
        } else {
            mf.decrementMaxForwards();
        }
    }

    // ---- CANCEL (RFC 3261 16.10) -----------------------------------------------------------------------

    void cancel(ServerTransaction st, Request cancel) {
        ResponseContext ctx = responses.pendingInvite(ResponseContext.cancelKey(cancel));
        if (ctx == null) {
            replies.respond(st, cancel, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        replies.respond(st, cancel, Response.OK, null);
        boolean answerNow = false;
        synchronized (ctx) {
            if (ctx.canceled || ctx.finalSent) {
                return;
            }
            ctx.canceled = true;
            for (Branch b : ctx.branches) {
                if (b.isFinal) {
                    continue;
                }
                if (b.ct == null && b.sato != null && calls.get(ctx.callId) instanceof CallerSide caller) {
                    // still waiting for its SATO or SDP: it never left
                    caller.releaseSignallingSato(b.sato, "call cancelled");
                }
                b.stop(ifs);
            }
            if (ctx.started && ctx.allFinal() && !ctx.finalSent) {
                answerNow = true;
                ctx.finalSent = true;
            }
        }
        if (answerNow) {
            responses.sendFinal(ctx, replies.response(ctx.request, Response.REQUEST_TERMINATED, null));
        }
    }
}
