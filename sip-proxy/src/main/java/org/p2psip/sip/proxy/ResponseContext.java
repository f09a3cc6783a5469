package org.p2psip.sip.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sip.ServerTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The response context of one request forwarded statefully (RFC 3261 Sec. 16.6 item 1, used by
 * {@link ResponseProcessing}, 16.7): its server transaction, its branches (several when a user has
 * several contacts or is registered at several peers: parallel forking), the best final response so
 * far, and CANCEL state. Mutable fields are guarded by the context's lock.
 */
final class ResponseContext {
    final ServerTransaction st;
    /** The request as received. */
    final Request request;
    /** The request after Route pre-processing: every branch starts from a copy of it. */
    final Request template;
    final String loopHash;
    final Side in;
    final String inTransport;
    final String callId;
    final String method;
    /** Initial (out-of-dialog) request: Record-Route is added, and its failure ends the call. */
    final boolean initial;
    /** What a CANCEL for this request is matched by (RFC 3261 16.10). */
    final String cancelKey;
    final List<Branch> branches = new ArrayList<>();
    boolean started;
    boolean canceled;
    boolean finalSent;
    boolean got2xx;
    /**
     * Counted among the calls in set-up (overload control): an initial INVITE from its arrival until
     * the callee's phone rings (a provisional above 100 goes upstream) or a final answer leaves.
     */
    final java.util.concurrent.atomic.AtomicBoolean settingUp = new java.util.concurrent.atomic.AtomicBoolean();
    Response best;
    /** Responses go upstream in order even when an SDP rewrite waits for the OM. */
    CompletableFuture<Void> upstream = CompletableFuture.completedFuture(null);

    /** When the request reached this port ({@link System#nanoTime}): a call's set-up time counts from here. */
    final long arrivedNanos = System.nanoTime();

    ResponseContext(ServerTransaction st, Request request, Request template, String loopHash, Side in) {
        this.st = st;
        this.request = request;
        this.template = template;
        this.loopHash = loopHash;
        this.in = in;
        this.method = request.getMethod();
        inTransport = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport();
        callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        initial = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null;
        cancelKey = cancelKey(request);
    }

    /** The top Via's branch and sent-by and the Call-ID: equal for an INVITE and its CANCEL. */
    static String cancelKey(Request r) {
        ViaHeader v = (ViaHeader) r.getHeader(ViaHeader.NAME);
        return v.getBranch() + "|" + v.getHost() + ":" + v.getPort() + "|"
                + ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
    }

    boolean isInvite() {
        return Request.INVITE.equals(method);
    }

    /** Rank of a final response for the choice of RFC 3261 Sec. 16.7 item 6 (lower is better). */
    static int rank(int code) {
        if (code >= 600) {
            return 0;
        }
        if (code >= 300 && code < 400) {
            return 1;
        }
        if (code >= 400 && code < 500) {
            return code == 408 ? 3 : 2;
        }
        return 5;
    }

    /** Keeps {@code r} if it beats the best final response so far. Caller holds the lock. */
    void offerBest(Response r) {
        if (best == null || rank(r.getStatusCode()) < rank(best.getStatusCode())) {
            best = r;
        }
    }

    boolean allFinal() {
        for (Branch b : branches) {
            if (!b.isFinal) {
                return false;
            }
        }
        return true;
    }
}
