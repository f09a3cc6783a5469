package org.p2psip.sip.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The response context of one request forwarded statefully (RFC 3261 Sec. 16.7): its server
 * transaction, its branches (several when a user has several contacts or is registered at several
 * peers: parallel forking), the best final response so far, and CANCEL state. Provisional responses
 * are forwarded at once, the first 2xx at once (other branches are cancelled), otherwise the best
 * final response once every branch has one.
 */
final class ForwardContext {
    final SipProxy proxy;
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
    final String cancelKey;
    final List<Branch> branches = new ArrayList<>();
    boolean started;
    boolean canceled;
    boolean finalSent;
    boolean got2xx;
    Response best;
    /** Responses go upstream in order even when an SDP rewrite waits for the OM. */
    CompletableFuture<Void> upstream = CompletableFuture.completedFuture(null);

    ForwardContext(SipProxy proxy, ServerTransaction st, Request request, Request template, String loopHash, Side in,
                   String inTransport, String callId, boolean initial, String cancelKey) {
        this.proxy = proxy;
        this.st = st;
        this.request = request;
        this.template = template;
        this.loopHash = loopHash;
        this.in = in;
        this.inTransport = inTransport;
        this.callId = callId;
        this.method = request.getMethod();
        this.initial = initial;
        this.cancelKey = cancelKey;
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

    boolean allFinal() {
        for (Branch b : branches) {
            if (!b.isFinal) {
                return false;
            }
        }
        return true;
    }
}
