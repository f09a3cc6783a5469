package org.p2psip.phone;

import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests inside the call's dialog, which follow its route set (the proxies' Record-Route): the
 * ACK that completes an answered call, BYE from the other side (200, the call ends; 481 for an
 * unknown call), and the phone's own BYE.
 */
final class InDialogRequests {

    private static final Logger log = LoggerFactory.getLogger(InDialogRequests.class);

    private final SipEndpoint ua;
    private final ClientTransactions transactions;
    private final CurrentCall current;

    InDialogRequests(SipEndpoint ua, ClientTransactions transactions, CurrentCall current) {
        this.ua = ua;
        this.transactions = transactions;
        this.current = current;
    }

    /** An ACK for the 200 OK of the call this phone answered. */
    void onAck(Request req) {
        Call c = current.get();
        if (c != null && !c.outgoing && c.callId.equals(SipMessages.callId(req))) {
            c.acked.complete(null);
        }
    }

    /** A BYE: the other side hangs up. */
    void onBye(RequestEvent e) {
        Request req = e.getRequest();
        ServerTransaction st = ua.serverTransaction(e);
        Call c = current.get();
        if (c != null && c.callId.equals(SipMessages.callId(req))) {
            ua.respond(st, req, Response.OK, null);
            c.acked.complete(null);
            c.established = true;
            c.end("remote hangup (BYE from " + c.peer + ")");
        } else {
            ua.respond(st, req, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
        }
    }

    /**
     * Ends the current call: BYE if it is established (waits for the answer up to the request timeout),
     * otherwise just stops. No-op without a call.
     */
    void hangup() {
        Call c = current.get();
        if (c == null || c.isOver()) {
            return;
        }
        if (c.established && c.dialog != null) {
            try {
                Request bye = c.dialog.createRequest(Request.BYE);
                ClientTransactions.Outgoing o = transactions.sendInDialog(c.dialog, bye);
                ResponseEvent ev = transactions.await(o, ua.cfg().requestTimeout(), "BYE");
                if (ev == null) {
                    log.debug("no answer to BYE within {}", ua.cfg().requestTimeout());
                } else if (ev.getResponse().getStatusCode() / 100 != 2) {
                    log.debug("BYE answered {}", SipMessages.status(ev.getResponse()));
                }
            } catch (SipException | PhoneException | RuntimeException e) {
                // e.g. the other side hung up at the same moment and the dialog is gone
                log.debug("BYE not sent: {}", e.toString());
            }
        }
        c.end("local hangup");
    }
}
