package org.p2psip.phone;

import java.text.ParseException;
import java.time.Duration;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placing a call (the UAC side of RFC 3261 Sec. 13.2): INVITE with an SDP offer through the proxy,
 * {@code ringing} on 180/183, ACK for the 200 OK and the tone to the answer's address; a failure
 * response ends the call; no final answer in time sends CANCEL (if a provisional response allows
 * it), and a 200 OK that crosses the CANCEL is acknowledged and hung up.
 */
final class OutgoingCalls {

    private static final Logger log = LoggerFactory.getLogger(OutgoingCalls.class);

    private final SipEndpoint ua;
    private final ClientTransactions transactions;
    private final CurrentCall current;
    private final InDialogRequests dialog;

    OutgoingCalls(SipEndpoint ua, ClientTransactions transactions, CurrentCall current, InDialogRequests dialog) {
        this.ua = ua;
        this.transactions = transactions;
        this.current = current;
        this.dialog = dialog;
    }

    /** See {@link Phone#call(String, Duration)}. */
    void call(String user, Duration answerTimeout) throws PhoneException {
        Call busy = current.get();
        if (busy != null && !busy.isOver()) {
            throw new PhoneException("call to " + user + " failed: already in a call with " + busy.peer);
        }
        String fail = "call to " + user + " failed: ";
        CallMedia media = CallMedia.open(ua.cfg().mediaHost(), fail);
        Call c;
        ClientTransactions.Outgoing o;
        SipURI target;
        long sentNanos;
        try {
            target = ua.sipUri(user);
            CallIdHeader callId = ua.provider().getNewCallId();
            Request invite = ua.newRequest(Request.INVITE, target, ua.address(target), callId, 1,
                    SipMessages.newTag());
            invite.setContent(Sdp.offer(ua.cfg().user(), System.currentTimeMillis(), media.host(), media.rtpPort()),
                    ua.sdpContentType());
            c = new Call(true, user, media, callId.getCallId(), ua::step);
            current.set(c);
            sentNanos = System.nanoTime();
            o = transactions.send(invite, resp -> onProvisional(c, resp));
            c.dialog = o.ct().getDialog();
            c.inviteCt = o.ct();
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            media.close();
            throw new PhoneException(fail + e.getMessage(), e);
        }
        ua.step("calling " + target);
        ResponseEvent ev;
        try {
            ev = transactions.await(o, answerTimeout, "call to " + user);
        } catch (PhoneException e) {
            c.end("failed");
            throw e;
        }
        if (ev == null) {
            ev = cancel(c, o, answerTimeout);
            if (ev == null || ev.getResponse().getStatusCode() / 100 != 2) {
                c.end("not answered");
                throw new PhoneException(fail + "no answer within " + answerTimeout.toSeconds() + " s"
                        + (c.cancelled ? " (cancelled)" : ""));
            }
            // The 200 OK crossed our CANCEL: the call exists, so acknowledge and end it properly.
            acknowledge(c, ev);
            c.established = true;
            dialog.hangup();
            throw new PhoneException(fail + "answered only after " + answerTimeout.toSeconds()
                    + " s, when it had been cancelled; hung up");
        }
        Response resp = ev.getResponse();
        int code = resp.getStatusCode();
        if ((code == Response.PROXY_AUTHENTICATION_REQUIRED || code == Response.UNAUTHORIZED) && ua.cfg().password() != null
                && !c.authenticated) {
            // RFC 3261 22.2: the INVITE again, same Call-ID and From tag, next CSeq, with the credentials
            c.authenticated = true;
            ua.step("challenged (" + SipMessages.status(resp) + "): calling again with credentials");
            try {
                Request again = ua.newRequest(Request.INVITE, target, ua.address(target),
                        (CallIdHeader) o.ct().getRequest().getHeader(CallIdHeader.NAME), 2,
                        ((javax.sip.header.FromHeader) o.ct().getRequest().getHeader(javax.sip.header.FromHeader.NAME)).getTag());
                again.setContent(o.ct().getRequest().getContent(), ua.sdpContentType());
                javax.sip.header.AuthorizationHeader credentials = DigestAnswer.answer(resp, again, ua.cfg().user(),
                        ua.cfg().password(), ua.headers());
                if (credentials != null) {
                    again.addHeader(credentials);
                    o = transactions.send(again, r -> onProvisional(c, r));
                    c.dialog = o.ct().getDialog();
                    c.inviteCt = o.ct();
                    ev = transactions.await(o, answerTimeout, "call to " + user);
                    if (ev == null) {
                        ev = cancel(c, o, answerTimeout);
                        if (ev == null) {
                            c.end("not answered");
                            throw new PhoneException(fail + "no answer within " + answerTimeout.toSeconds() + " s");
                        }
                    }
                    resp = ev.getResponse();
                    code = resp.getStatusCode();
                }
            } catch (ParseException | InvalidArgumentException | SipException e) {
                c.end("failed");
                throw new PhoneException(fail + e.getMessage(), e);
            }
        }
        // session request delay (RFC 6076): the INVITE sent to its final response
        long srdMillis = (System.nanoTime() - sentNanos) / 1_000_000;
        if (code >= 300) {
            ua.step("rejected after " + srdMillis + " ms: " + SipMessages.status(resp));
            c.end("rejected after " + srdMillis + " ms: " + SipMessages.status(resp));
            throw new PhoneException(fail + SipMessages.status(resp), code, null);
        }
        acknowledge(c, ev);
        c.established = true;
        Sdp.Audio answer;
        try {
            answer = CallMedia.pcmu(SipMessages.body(resp), "the answer does not accept PCMU audio");
        } catch (IllegalArgumentException e) {
            dialog.hangup();
            throw new PhoneException(fail + "unusable SDP answer: " + e.getMessage(), 0, e);
        }
        ua.step("answered by " + user + " after " + srdMillis + " ms: " + media.startSending(answer));
    }

    private void onProvisional(Call c, Response resp) {
        int code = resp.getStatusCode();
        c.provisional = true;
        if ((code == Response.RINGING || code == Response.SESSION_PROGRESS) && !c.ringing) {
            c.ringing = true;
            ua.step("ringing (" + SipMessages.status(resp) + ")");
        }
    }

    /** Sends CANCEL for an unanswered INVITE (if a provisional response allows it) and waits for the INVITE's final response. */
    private ResponseEvent cancel(Call c, ClientTransactions.Outgoing o, Duration waited) throws PhoneException {
        if (!c.provisional) {
            ua.step("no answer within " + waited.toSeconds() + " s and no provisional response: giving up");
            transactions.forget(o);
            return null;
        }
        ua.step("no answer within " + waited.toSeconds() + " s: cancelling");
        try {
            Request cancel = o.ct().createCancel();
            ClientTransaction ct = ua.provider().getNewClientTransaction(cancel);
            ct.sendRequest();
            c.cancelled = true;
        } catch (SipException e) {
            log.debug("CANCEL failed: {}", e.toString());
            transactions.forget(o);
            return null;
        }
        return transactions.await(o, ua.cfg().requestTimeout(), "call to " + c.peer);
    }

    private void acknowledge(Call c, ResponseEvent ev) throws PhoneException {
        Dialog d = ev.getDialog() != null ? ev.getDialog() : ev.getClientTransaction().getDialog();
        c.dialog = d;
        try {
            CSeqHeader cseq = (CSeqHeader) ev.getResponse().getHeader(CSeqHeader.NAME);
            Request ack = d.createAck(cseq.getSeqNumber());
            d.sendAck(ack);
        } catch (InvalidArgumentException | SipException e) {
            c.end("failed");
            throw new PhoneException("call to " + c.peer + " failed: cannot send ACK: " + e.getMessage(), e);
        }
    }
}
