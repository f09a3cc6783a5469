package org.p2psip.sip.proxy;

import java.util.ArrayList;
import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.call.CallerSide;
import org.p2psip.sip.message.Responses;
import org.p2psip.control.ErrorCode;
import org.p2psip.sip.overlay.OverlayException;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.overlay.PeerRecord;
import org.p2psip.sip.registrar.Binding;
import org.p2psip.sip.registrar.Registrar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 Sec. 16.5, determining the request targets, by the user part of the Request-URI: the
 * contacts registered here (the registrar's bindings), and for a request from a local UA also the
 * other peers the lookup service names ({@code user.lookup} through the OM, the caller's side's first
 * step: {@link CallerSide#lookUpCallee}). A request from the overlay goes to local contacts only.
 * Nobody anywhere: 404; the lookup service failing with nobody here: 503; not found while the ring
 * is cut off from part of the overlay (the OM says PEER_UNREACHABLE): 480.
 */
final class TargetLocation {
    private static final Logger log = LoggerFactory.getLogger(TargetLocation.class);

    private final Registrar registrar;
    private final OverlayLink overlay;
    private final BranchForwarding branches;
    private final ResponseProcessing responses;

    TargetLocation(Registrar registrar, OverlayLink overlay, BranchForwarding branches, ResponseProcessing responses) {
        this.registrar = registrar;
        this.overlay = overlay;
        this.branches = branches;
        this.responses = responses;
    }

    /** Finds the targets of {@code target}'s user and forks to them (or answers the request). */
    void locate(ResponseContext ctx, SipURI target) {
        String user = target.getUser();
        if (user == null) {
            if (Request.OPTIONS.equals(ctx.method)) {
                responses.finish(ctx, Response.OK, null);
            } else {
                responses.finish(ctx, Response.NOT_FOUND, "Not Found (no user part in the Request-URI)");
            }
            return;
        }
        List<Target> local = new ArrayList<>();
        for (Binding b : registrar.lookup(user)) {
            local.add(new Target.Local(b));
        }
        if (ctx.in == Side.OVERLAY) {
            // delivered by another peer: only the contacts registered here count (no second overlay hop)
            if (local.isEmpty()) {
                responses.finish(ctx, Response.NOT_FOUND, "Not Found (" + user + " is not registered at this peer)");
            } else {
                branches.fork(ctx, local);
            }
            return;
        }
        CallerSide.lookUpCallee(overlay, user, ctx.callId).whenComplete((peers, e) -> {
            List<Target> targets = new ArrayList<>(local);
            if (e != null) {
                OverlayException oe = Replies.overlayFailure(e);
                if (local.isEmpty()) {
                    log.info("lookup of {} failed: {}", user, oe.getMessage());
                    if (oe.code() == ErrorCode.PEER_UNREACHABLE) {
                        // the part of the overlay that may hold the user's record is cut off (a partition)
                        responses.finish(ctx, Response.TEMPORARILY_UNAVAILABLE, "Temporarily Unavailable ("
                                + Responses.reason(oe.getMessage()) + ")");
                    } else {
                        responses.finish(ctx, Response.SERVICE_UNAVAILABLE, "Service Unavailable (lookup service: "
                                + Responses.reason(oe.getMessage()) + ")");
                    }
                    return;
                }
                log.info("lookup of {} failed ({}); trying the local contacts only", user, oe.getMessage());
            } else {
                for (PeerRecord p : peers) {
                    targets.add(new Target.Remote(p));
                }
            }
            if (targets.isEmpty()) {
                responses.finish(ctx, Response.NOT_FOUND, null);
            } else {
                branches.fork(ctx, targets);
            }
        });
    }
}
