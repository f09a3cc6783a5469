package org.p2psip.phone;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answering calls (the UAS side of RFC 3261 Sec. 13.3): an incoming INVITE gets 180 Ringing at once
 * and waits for {@link #answer}, which sends 200 OK with the SDP answer and waits for the ACK. A busy
 * or closed phone answers 486 or 480, an offer without PCMU 488, a re-INVITE 488; a CANCEL of a
 * ringing call gets 200 and the INVITE 487.
 */
final class IncomingCalls {

    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class);

    /** How long the callee waits for the ACK of its 200 OK (64*T1, RFC 3261 13.3.1.4). */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(32);

    /** A ringing INVITE not yet answered. */
    private static final class Incoming {
        final Request request;
        final ServerTransaction st;
        final Sdp.Audio offer;
        final String toTag;
        final String from;
        final String callId;
        volatile boolean cancelled;

        Incoming(Request request, ServerTransaction st, Sdp.Audio offer, String toTag) {
            this.request = request;
            this.st = st;
            this.offer = offer;
            this.toTag = toTag;
            this.from = SipMessages.fromUser(request);
            this.callId = SipMessages.callId(request);
        }
    }

    private final SipEndpoint ua;
    private final CurrentCall current;
    private final BlockingQueue<Incoming> ringing = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicLong reInvites = new java.util.concurrent.atomic.AtomicLong();

    IncomingCalls(SipEndpoint ua, CurrentCall current) {
        this.ua = ua;
        this.current = current;
    }

    /** re-INVITEs received (and refused with 488) so far. */
    long reInvites() {
        return reInvites.get();
    }

    /** An INVITE from the listener: 180 Ringing and queued, or rejected. Never blocks. */
    void onInvite(RequestEvent e) {
        Request req = e.getRequest();
        if (e.getDialog() != null && e.getDialog().getState() != null
                && req.getHeader(ToHeader.NAME) instanceof ToHeader to && to.getTag() != null) {
            // re-INVITE: not supported by this phone
            reInvites.incrementAndGet();
            ua.respond(ua.serverTransaction(e), req, Response.NOT_ACCEPTABLE_HERE, null);
            return;
        }
        ServerTransaction st = ua.serverTransaction(e);
        if (st == null) {
            return; // retransmission
        }
        String tag = SipMessages.newTag();
        if (ua.isClosed()) {
            ua.respond(st, req, Response.TEMPORARILY_UNAVAILABLE, tag);
            return;
        }
        if (current.busy() || !ringing.isEmpty()) {
            ua.respond(st, req, Response.BUSY_HERE, tag);
            ua.step("incoming call from " + SipMessages.fromUser(req) + " rejected: busy");
            return;
        }
        Sdp.Audio offer;
        try {
            offer = CallMedia.pcmu(SipMessages.body(req), "offer does not include PCMU audio");
        } catch (IllegalArgumentException ex) {
            ua.respond(st, req, Response.NOT_ACCEPTABLE_HERE, tag);
            ua.step("incoming call from " + SipMessages.fromUser(req) + " rejected: " + ex.getMessage());
            return;
        }
        Incoming in = new Incoming(req, st, offer, tag);
        try {
            st.sendResponse(ua.dialogResponse(Response.RINGING, req, tag));
        } catch (ParseException | SipException | InvalidArgumentException ex) {
            log.debug("180 Ringing not sent: {}", ex.toString());
        }
        ringing.add(in);
        ua.step("incoming call from " + in.from + ": ringing");
    }

    /** A CANCEL: ends a ringing call (200, then 487 for the INVITE); too late for an answered one. */
    void onCancel(RequestEvent e) {
        Request req = e.getRequest();
        ServerTransaction st = ua.serverTransaction(e);
        String id = SipMessages.callId(req);
        for (Incoming in : ringing) {
            if (in.callId.equals(id) && ringing.remove(in)) {
                in.cancelled = true;
                ua.respond(st, req, Response.OK, null);
                reject(in, Response.REQUEST_TERMINATED);
                ua.step("call from " + in.from + " cancelled by the caller");
                return;
            }
        }
        Call c = current.get();
        if (c != null && !c.outgoing && c.callId.equals(id)) {
            ua.respond(st, req, Response.OK, null); // already answered: the CANCEL has no effect
            return;
        }
        ua.respond(st, req, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
    }

    /** See {@link Phone#answer(Duration)}. */
    void answer(Duration timeout) throws PhoneException {
        Incoming in;
        try {
            in = ringing.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhoneException("interrupted while waiting for a call");
        }
        if (in == null) {
            throw new PhoneException("no incoming call within " + timeout.toSeconds() + " s");
        }
        String fail = "answering the call from " + in.from + " failed: ";
        CallMedia media = CallMedia.open(ua.cfg().mediaHost(), fail);
        Call c = new Call(false, in.from, media, in.callId, ua::step);
        c.inviteSt = in.st;
        current.set(c);
        try {
            Response ok = ua.dialogResponse(Response.OK, in.request, in.toTag);
            ok.addHeader(ua.headers().createUserAgentHeader(List.of(SipEndpoint.USER_AGENT)));
            ok.setContent(Sdp.answer(ua.cfg().user(), System.currentTimeMillis(), media.host(), media.rtpPort(),
                    in.offer), ua.sdpContentType());
            in.st.sendResponse(ok);
            c.dialog = in.st.getDialog();
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            c.end("failed");
            throw new PhoneException(fail + (in.cancelled ? "the caller cancelled" : e.getMessage()), e);
        }
        ua.step("answered the call from " + in.from);
        awaitAck(c, fail);
        c.established = true;
        if (c.isOver()) {
            throw new PhoneException(fail + "the call ended before it started (" + c.ended.getNow("") + ")");
        }
        ua.step("call with " + in.from + " established: " + media.startSending(in.offer));
    }

    private static void awaitAck(Call c, String fail) throws PhoneException {
        try {
            c.acked.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            c.end("no ACK");
            throw new PhoneException(fail + "no ACK within " + ACK_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            c.end("failed");
            throw new PhoneException(fail + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.end("interrupted");
            throw new PhoneException(fail + "interrupted");
        }
    }

    /** Answers every ringing call 480 (the phone is closing). */
    void rejectRinging() {
        Incoming in;
        while ((in = ringing.poll()) != null) {
            reject(in, Response.TEMPORARILY_UNAVAILABLE);
        }
    }

    private void reject(Incoming in, int code) {
        ua.respond(in.st, in.request, code, in.toTag);
    }
}
