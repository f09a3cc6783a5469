package org.p2psip.phone;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.stack.SipStacks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small SIP user agent on JAIN-SIP for tests, the demo and teaching: it registers with its proxy,
 * places or answers one call at a time with PCMU audio (a 440 Hz tone), counts the RTP it receives,
 * hangs up and reports. Not a softphone: no audio devices, no codecs besides PCMU, no authentication.
 *
 * <p>SIP over UDP. Every out-of-dialog request (REGISTER, INVITE, CANCEL) goes to the configured proxy
 * through a pre-loaded loose Route; in-dialog requests (ACK, BYE) follow the dialog's route set, i.e. the
 * Record-Route of the proxies. Registrations are refreshed at half the granted lifetime and removed
 * (Expires: 0) on {@link #close()}. Every blocking method has a deadline; failures are
 * {@link PhoneException}s with a message for humans. Each step is reported to
 * {@link PhoneConfig#steps()}.
 *
 * <pre>{@code
 * try (Phone bob = Phone.start(PhoneConfig.builder("bob", proxy).build())) {
 *     bob.register();
 *     bob.answer(Duration.ofSeconds(30));
 *     bob.awaitHangup(Duration.ofSeconds(10));
 *     MediaStats s = bob.stats();
 * }
 * }</pre>
 */
public final class Phone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Phone.class);

    /** Default time the caller waits for the callee to answer before cancelling. */
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** How long the callee waits for the ACK of its 200 OK (64*T1, RFC 3261 13.3.1.4). */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(32);
    private static final String USER_AGENT = "p2psip-phone/0.1";

    private final PhoneConfig cfg;
    private final SipStack stack;
    private final SipProvider provider;
    private final String host;
    private final int port;
    private final AddressFactory af;
    private final HeaderFactory hf;
    private final MessageFactory mf;
    private final Address aor;
    private final Address contact;
    private final ScheduledExecutorService timer;
    private final Map<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();

    private final Object regLock = new Object();
    private final CallIdHeader regCallId;
    private final String regFromTag = newTag();
    private long regCSeq;
    private volatile boolean registered;
    private volatile int grantedExpires;
    private ScheduledFuture<?> refresh;

    private volatile Call call;
    private volatile boolean closed;

    private Phone(PhoneConfig cfg, SipStack stack, SipProvider provider, ListeningPoint lp) throws ParseException {
        this.cfg = cfg;
        this.stack = stack;
        this.provider = provider;
        this.host = lp.getIPAddress();
        this.port = lp.getPort();
        SipStacks.Factories f = SipStacks.factories();
        this.af = f.address();
        this.hf = f.header();
        this.mf = f.message();
        this.aor = af.createAddress(af.createSipURI(cfg.user(), cfg.domain()));
        SipURI c = af.createSipURI(cfg.user(), host);
        c.setPort(port);
        this.contact = af.createAddress(c);
        this.regCallId = provider.getNewCallId();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phone-" + cfg.user() + "-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates the phone's SIP stack and binds its UDP port; nothing is sent yet. */
    public static Phone start(PhoneConfig cfg) throws PhoneException {
        Objects.requireNonNull(cfg, "cfg");
        SipStack stack = null;
        try {
            stack = SipStacks.builder("phone-" + cfg.user()).automaticDialogSupport(true).threadPoolSize(4).create();
            ListeningPoint lp = SipStacks.listen(stack, cfg.listenHost(), cfg.listenPort(), ListeningPoint.UDP);
            SipProvider provider = stack.createSipProvider(lp);
            Phone phone = new Phone(cfg, stack, provider, lp);
            provider.addSipListener(phone.new Listener());
            phone.step("phone " + cfg.user() + " listening on " + phone.host + ":" + phone.port + "/udp, proxy "
                    + PhoneConfig.hostString(cfg.proxy()) + ":" + cfg.proxy().getPort());
            return phone;
        } catch (InvalidArgumentException | SipException | ParseException | java.util.TooManyListenersException
                | RuntimeException e) {
            SipStacks.shutdown(stack);
            throw new PhoneException("cannot start phone " + cfg.user() + " on " + cfg.listenHost() + ":"
                    + cfg.listenPort() + ": " + e.getMessage(), e);
        }
    }

    /** The address of record, e.g. {@code sip:alice@127.0.0.1}. */
    public String addressOfRecord() {
        return aor.getURI().toString();
    }

    /** Where the phone receives SIP (UDP). */
    public InetSocketAddress sipAddress() {
        return new InetSocketAddress(host, port);
    }

    public boolean isRegistered() {
        return registered;
    }

    /** The registration lifetime the registrar granted last (seconds), 0 if not registered. */
    public int grantedExpires() {
        return registered ? grantedExpires : 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Registration

    /**
     * Registers the phone's contact for its AoR with the proxy and keeps the registration fresh until
     * {@link #unregister()} or {@link #close()}.
     *
     * @throws PhoneException on a non-2xx answer ("registration of alice failed: 403 Forbidden") or when
     *         no answer comes within the request timeout
     */
    public void register() throws PhoneException {
        checkOpen();
        int granted = sendRegister(cfg.registerExpires());
        step("registered " + addressOfRecord() + " (expires " + granted + " s)");
    }

    /** Removes the registration (REGISTER with Expires: 0). No-op when not registered. */
    public void unregister() throws PhoneException {
        synchronized (regLock) {
            if (refresh != null) {
                refresh.cancel(false);
                refresh = null;
            }
            if (!registered) {
                return;
            }
            registered = false;
        }
        sendRegister(0);
        step("unregistered " + addressOfRecord());
    }

    private int sendRegister(int expires) throws PhoneException {
        String what = expires == 0 ? "unregistration of " + cfg.user() : "registration of " + cfg.user();
        ResponseEvent ev;
        synchronized (regLock) {
            Outgoing o;
            try {
                SipURI registrar = af.createSipURI(null, cfg.domain());
                Request r = newRequest(Request.REGISTER, registrar, aor, regCallId, ++regCSeq, regFromTag);
                r.addHeader(hf.createExpiresHeader(expires));
                o = start(r, null);
            } catch (ParseException | InvalidArgumentException | SipException e) {
                throw new PhoneException(what + " failed: " + e.getMessage(), e);
            }
            ev = await(o, cfg.requestTimeout(), what);
            if (ev == null) {
                throw new PhoneException(what + " failed: no answer from " + proxyString() + " within "
                        + cfg.requestTimeout().toSeconds() + " s");
            }
            Response resp = ev.getResponse();
            int code = resp.getStatusCode();
            if (code / 100 != 2) {
                throw new PhoneException(what + " failed: " + status(resp), code, null);
            }
            if (expires == 0) {
                return 0;
            }
            int granted = grantedExpires(resp, expires);
            if (granted <= 0) {
                throw new PhoneException(what + " failed: the registrar did not keep the contact");
            }
            grantedExpires = granted;
            registered = true;
            scheduleRefresh(Math.max(1, granted / 2));
            return granted;
        }
    }

    private void scheduleRefresh(long delaySeconds) {
        if (refresh != null) {
            refresh.cancel(false);
        }
        if (closed) {
            return;
        }
        refresh = timer.schedule(this::refreshRegistration, delaySeconds, TimeUnit.SECONDS);
    }

    private void refreshRegistration() {
        if (closed || !registered) {
            return;
        }
        try {
            int granted = sendRegister(cfg.registerExpires());
            step("registration refreshed (expires " + granted + " s)");
        } catch (PhoneException e) {
            step("registration refresh failed, retrying: " + e.getMessage());
            synchronized (regLock) {
                if (registered) {
                    scheduleRefresh(Math.max(1, Math.min(5, grantedExpires / 4)));
                }
            }
        }
    }

    private int grantedExpires(Response resp, int requested) {
        SipURI mine = (SipURI) contact.getURI();
        for (Iterator<?> it = resp.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            ContactHeader ch = (ContactHeader) it.next();
            if (ch.getAddress() != null && ch.getAddress().getURI() instanceof SipURI u
                    && Objects.equals(u.getUser(), mine.getUser()) && u.getHost().equalsIgnoreCase(mine.getHost())
                    && effectivePort(u) == mine.getPort() && ch.getExpires() >= 0) {
                return ch.getExpires();
            }
        }
        ExpiresHeader eh = (ExpiresHeader) resp.getHeader(ExpiresHeader.NAME);
        return eh != null ? eh.getExpires() : requested;
    }

    private static int effectivePort(SipURI u) {
        return u.getPort() > 0 ? u.getPort() : 5060;
    }

    // ---------------------------------------------------------------------------------------------
    // Calls

    /** {@link #call(String, Duration)} with {@link #DEFAULT_ANSWER_TIMEOUT}. */
    public void call(String user) throws PhoneException {
        call(user, DEFAULT_ANSWER_TIMEOUT);
    }

    /**
     * Calls {@code sip:user@domain} through the proxy and returns once the call is answered, acknowledged
     * and the tone is being sent. If there is no final answer within {@code answerTimeout} the INVITE is
     * cancelled.
     *
     * @throws PhoneException "call to bob failed: 404 Not Found", "... no answer within 30 s (cancelled)",
     *         "... no response (SIP transaction timeout)", an unusable SDP answer, ...
     */
    public void call(String user, Duration answerTimeout) throws PhoneException {
        checkOpen();
        PhoneConfig.checkUser(user, "callee");
        Call current = call;
        if (current != null && !current.ended.isDone()) {
            throw new PhoneException("call to " + user + " failed: already in a call with " + current.peer);
        }
        String fail = "call to " + user + " failed: ";
        RtpSession rtp = openRtp(fail);
        Call c;
        Outgoing o;
        SipURI target;
        try {
            target = af.createSipURI(user, cfg.domain());
            CallIdHeader callId = provider.getNewCallId();
            Request invite = newRequest(Request.INVITE, target, af.createAddress(target), callId, 1, newTag());
            invite.setContent(Sdp.offer(cfg.user(), System.currentTimeMillis(), sdpHost(rtp), rtp.rtpPort()),
                    hf.createContentTypeHeader("application", "sdp"));
            c = new Call(true, user, rtp, callId.getCallId());
            call = c;
            o = start(invite, resp -> onProvisional(c, resp));
            c.dialog = o.ct.getDialog();
            c.inviteCt = o.ct;
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            rtp.close();
            throw new PhoneException(fail + e.getMessage(), e);
        }
        step("calling " + target);
        ResponseEvent ev;
        try {
            ev = await(o, answerTimeout, "call to " + user);
        } catch (PhoneException e) {
            end(c, "failed");
            throw e;
        }
        if (ev == null) {
            ev = cancel(c, o, answerTimeout);
            if (ev == null || ev.getResponse().getStatusCode() / 100 != 2) {
                end(c, "not answered");
                throw new PhoneException(fail + "no answer within " + answerTimeout.toSeconds() + " s"
                        + (c.cancelled ? " (cancelled)" : ""));
            }
            // The 200 OK crossed our CANCEL: the call exists, so acknowledge and end it properly.
            acknowledge(c, ev);
            c.established = true;
            hangup();
            throw new PhoneException(fail + "answered only after " + answerTimeout.toSeconds()
                    + " s, when it had been cancelled; hung up");
        }
        Response resp = ev.getResponse();
        int code = resp.getStatusCode();
        if (code >= 300) {
            end(c, "rejected: " + status(resp));
            throw new PhoneException(fail + status(resp), code, null);
        }
        acknowledge(c, ev);
        c.established = true;
        Sdp.Audio answer;
        try {
            answer = Sdp.parse(body(resp));
            if (!answer.offersPcmu() || answer.port() == 0) {
                throw new IllegalArgumentException("the answer does not accept PCMU audio");
            }
        } catch (IllegalArgumentException e) {
            hangup();
            throw new PhoneException(fail + "unusable SDP answer: " + e.getMessage(), 0, e);
        }
        InetSocketAddress remote = new InetSocketAddress(answer.address(), answer.port());
        rtp.startSending(remote);
        step("answered by " + user + ": sending PCMU from " + sdpHost(rtp) + ":" + rtp.rtpPort() + " to "
                + answer.address() + ":" + answer.port());
    }

    private void onProvisional(Call c, Response resp) {
        int code = resp.getStatusCode();
        c.provisional = true;
        if ((code == Response.RINGING || code == Response.SESSION_PROGRESS) && !c.ringing) {
            c.ringing = true;
            step("ringing (" + status(resp) + ")");
        }
    }

    /** Sends CANCEL for an unanswered INVITE (if a provisional response allows it) and waits for the INVITE's final response. */
    private ResponseEvent cancel(Call c, Outgoing o, Duration waited) throws PhoneException {
        if (!c.provisional) {
            step("no answer within " + waited.toSeconds() + " s and no provisional response: giving up");
            pending.remove(o.ct);
            return null;
        }
        step("no answer within " + waited.toSeconds() + " s: cancelling");
        try {
            Request cancel = o.ct.createCancel();
            ClientTransaction ct = provider.getNewClientTransaction(cancel);
            ct.sendRequest();
            c.cancelled = true;
        } catch (SipException e) {
            log.debug("CANCEL failed: {}", e.toString());
            pending.remove(o.ct);
            return null;
        }
        return await(o, cfg.requestTimeout(), "call to " + c.peer);
    }

    private void acknowledge(Call c, ResponseEvent ev) throws PhoneException {
        Dialog d = ev.getDialog() != null ? ev.getDialog() : ev.getClientTransaction().getDialog();
        c.dialog = d;
        try {
            CSeqHeader cseq = (CSeqHeader) ev.getResponse().getHeader(CSeqHeader.NAME);
            Request ack = d.createAck(cseq.getSeqNumber());
            d.sendAck(ack);
        } catch (InvalidArgumentException | SipException e) {
            end(c, "failed");
            throw new PhoneException("call to " + c.peer + " failed: cannot send ACK: " + e.getMessage(), e);
        }
    }

    /**
     * Waits up to {@code timeout} for an incoming call and answers it: 200 OK with an SDP answer, then
     * waits for the ACK and starts sending the tone. (Incoming INVITEs are answered with 180 Ringing as
     * soon as they arrive.)
     *
     * @throws PhoneException if no call comes, the caller cancels, or the ACK never arrives
     */
    public void answer(Duration timeout) throws PhoneException {
        checkOpen();
        Incoming in;
        try {
            in = incoming.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhoneException("interrupted while waiting for a call");
        }
        if (in == null) {
            throw new PhoneException("no incoming call within " + timeout.toSeconds() + " s");
        }
        String fail = "answering the call from " + in.from + " failed: ";
        RtpSession rtp = openRtp(fail);
        Call c = new Call(false, in.from, rtp, in.callId);
        c.inviteSt = in.st;
        call = c;
        try {
            Response ok = mf.createResponse(Response.OK, in.request);
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(in.toTag);
            ok.addHeader(hf.createContactHeader(contact));
            ok.addHeader(hf.createUserAgentHeader(List.of(USER_AGENT)));
            ok.setContent(Sdp.answer(cfg.user(), System.currentTimeMillis(), sdpHost(rtp), rtp.rtpPort(), in.offer),
                    hf.createContentTypeHeader("application", "sdp"));
            in.st.sendResponse(ok);
            c.dialog = in.st.getDialog();
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            end(c, "failed");
            throw new PhoneException(fail + (in.cancelled ? "the caller cancelled" : e.getMessage()), e);
        }
        step("answered the call from " + in.from);
        try {
            c.acked.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            end(c, "no ACK");
            throw new PhoneException(fail + "no ACK within " + ACK_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            end(c, "failed");
            throw new PhoneException(fail + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(c, "interrupted");
            throw new PhoneException(fail + "interrupted");
        }
        c.established = true;
        if (c.ended.isDone()) {
            throw new PhoneException(fail + "the call ended before it started (" + c.ended.getNow("") + ")");
        }
        InetSocketAddress remote = new InetSocketAddress(in.offer.address(), in.offer.port());
        rtp.startSending(remote);
        step("call with " + in.from + " established: sending PCMU from " + sdpHost(rtp) + ":" + rtp.rtpPort()
                + " to " + in.offer.address() + ":" + in.offer.port());
    }

    /** Whether a call is set up or being set up and has not ended. */
    public boolean inCall() {
        Call c = call;
        return c != null && !c.ended.isDone();
    }

    /**
     * Waits until media arrives in the current call (at least one valid RTP packet).
     *
     * @return whether it did within {@code timeout}
     */
    public boolean awaitMedia(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (stats().packetsReceived() > 0) {
                return true;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return stats().packetsReceived() > 0;
    }

    /**
     * Waits until the current call ends (the other side hangs up).
     *
     * @return the reason ("remote hangup (BYE from bob)", "local hangup", ...) or {@code null} if it is still
     *         going after {@code timeout}
     */
    public String awaitHangup(Duration timeout) throws InterruptedException {
        Call c = call;
        if (c == null) {
            return "no call";
        }
        try {
            return c.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    /** Why the last call ended, or {@code null} while it goes on (or if there was none). */
    public String endReason() {
        Call c = call;
        return c == null ? null : c.ended.getNow(null);
    }

    /**
     * Ends the current call: BYE if it is established (waits for the answer up to the request timeout),
     * otherwise just stops. No-op without a call.
     */
    public void hangup() {
        Call c = call;
        if (c == null || c.ended.isDone()) {
            return;
        }
        if (c.established && c.dialog != null) {
            try {
                Request bye = c.dialog.createRequest(Request.BYE);
                ClientTransaction ct = provider.getNewClientTransaction(bye);
                Pending p = new Pending(null);
                pending.put(ct, p);
                c.dialog.sendRequest(ct);
                Outgoing o = new Outgoing(ct, p);
                ResponseEvent ev = await(o, cfg.requestTimeout(), "BYE");
                if (ev == null) {
                    log.debug("no answer to BYE within {}", cfg.requestTimeout());
                } else if (ev.getResponse().getStatusCode() / 100 != 2) {
                    log.debug("BYE answered {}", status(ev.getResponse()));
                }
            } catch (SipException | PhoneException | RuntimeException e) {
                // e.g. the other side hung up at the same moment and the dialog is gone
                log.debug("BYE not sent: {}", e.toString());
            }
        }
        end(c, "local hangup");
    }

    /**
     * Media statistics of the current call, or of the last one once it ended ({@link MediaStats#NONE}
     * before the first call).
     */
    public MediaStats stats() {
        Call c = call;
        if (c == null) {
            return MediaStats.NONE;
        }
        MediaStats f = c.finalStats;
        return f != null ? f : c.rtp.stats();
    }

    /** Hangs up, rejects unanswered incoming calls, unregisters, and stops the SIP stack. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            hangup();
            Incoming in;
            while ((in = incoming.poll()) != null) {
                reject(in, Response.TEMPORARILY_UNAVAILABLE);
            }
            try {
                unregister();
            } catch (PhoneException e) {
                step(e.getMessage());
            }
        } finally {
            closed = true;
            timer.shutdownNow();
            Call c = call;
            if (c != null) {
                end(c, "phone closed");
            }
            SipStacks.shutdown(stack, provider);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void end(Call c, String reason) {
        if (c.ended.complete(reason)) {
            c.rtp.stopSending();
            c.finalStats = c.rtp.stats();
            c.rtp.close();
            if (c.established) {
                step("hung up: " + reason);
            }
        }
    }

    private RtpSession openRtp(String fail) throws PhoneException {
        try {
            return RtpSession.open(InetAddress.getByName(cfg.mediaHost()));
        } catch (IOException e) {
            throw new PhoneException(fail + "cannot open RTP ports: " + e.getMessage(), e);
        }
    }

    private String sdpHost(RtpSession rtp) {
        return rtp.localAddress().getHostAddress();
    }

    private Request newRequest(String method, SipURI requestUri, Address to, CallIdHeader callId, long cseq,
            String fromTag) throws ParseException, InvalidArgumentException {
        FromHeader from = hf.createFromHeader(aor, fromTag);
        ToHeader toH = hf.createToHeader(to, null);
        ViaHeader via = hf.createViaHeader(host, port, ListeningPoint.UDP, null);
        via.setRPort();
        Request r = mf.createRequest(requestUri, method, callId, hf.createCSeqHeader(cseq, method), from, toH,
                List.of(via), hf.createMaxForwardsHeader(70));
        r.addHeader(hf.createContactHeader(contact));
        SipURI proxyUri = af.createSipURI(null, PhoneConfig.hostString(cfg.proxy()));
        proxyUri.setPort(cfg.proxy().getPort());
        proxyUri.setLrParam();
        r.addHeader(hf.createRouteHeader(af.createAddress(proxyUri)));
        r.addHeader(hf.createUserAgentHeader(List.of(USER_AGENT)));
        return r;
    }

    private Outgoing start(Request r, Consumer<Response> provisional) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(r);
        Pending p = new Pending(provisional);
        pending.put(ct, p);
        try {
            ct.sendRequest();
        } catch (SipException | RuntimeException e) {
            pending.remove(ct);
            throw e;
        }
        return new Outgoing(ct, p);
    }

    /** The final response, or null if none came within {@code timeout}; a transaction timeout throws. */
    private ResponseEvent await(Outgoing o, Duration timeout, String what) throws PhoneException {
        try {
            ResponseEvent ev = o.pending.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            pending.remove(o.ct);
            return ev;
        } catch (TimeoutException e) {
            return null; // still pending: the caller decides (CANCEL, give up)
        } catch (ExecutionException e) {
            pending.remove(o.ct);
            Throwable cause = e.getCause();
            throw new PhoneException(what + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(o.ct);
            throw new PhoneException(what + " failed: interrupted");
        }
    }

    private void reject(Incoming in, int code) {
        respond(in.st, in.request, code, in.toTag);
    }

    private void respond(ServerTransaction st, Request req, int code, String toTag) {
        try {
            Response r = mf.createResponse(code, req);
            if (toTag != null) {
                ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
            }
            if (code == Response.METHOD_NOT_ALLOWED) {
                r.addHeader(hf.createAllowHeader("INVITE, ACK, BYE, CANCEL, OPTIONS"));
            }
            if (st != null) {
                st.sendResponse(r);
            } else {
                provider.sendResponse(r);
            }
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            log.debug("could not send {} to {}: {}", code, req.getMethod(), e.toString());
        }
    }

    private ServerTransaction serverTransaction(RequestEvent e) {
        ServerTransaction st = e.getServerTransaction();
        if (st != null) {
            return st;
        }
        try {
            return provider.getNewServerTransaction(e.getRequest());
        } catch (SipException | RuntimeException ex) {
            log.debug("no server transaction for {}: {}", e.getRequest().getMethod(), ex.toString());
            return null; // retransmission (already handled) or stateless answer
        }
    }

    private String proxyString() {
        return PhoneConfig.hostString(cfg.proxy()) + ":" + cfg.proxy().getPort();
    }

    private void checkOpen() throws PhoneException {
        if (closed) {
            throw new PhoneException("phone " + cfg.user() + " is closed");
        }
    }

    private void step(String line) {
        try {
            cfg.steps().accept(line);
        } catch (RuntimeException e) {
            log.debug("step listener failed: {}", e.toString());
        }
    }

    private static String status(Response r) {
        return r.getStatusCode() + " " + (r.getReasonPhrase() == null ? "" : r.getReasonPhrase()).trim();
    }

    private static String body(javax.sip.message.Message m) {
        byte[] raw = m.getRawContent();
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    private static String callId(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }

    private static String fromUser(Request r) {
        FromHeader f = (FromHeader) r.getHeader(FromHeader.NAME);
        if (f != null && f.getAddress().getURI() instanceof SipURI u && u.getUser() != null) {
            return u.getUser();
        }
        return f == null ? "?" : f.getAddress().getURI().toString();
    }

    private static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------------------------------------
    // State

    private static final class Pending {
        final CompletableFuture<ResponseEvent> done = new CompletableFuture<>();
        final Consumer<Response> provisional;

        Pending(Consumer<Response> provisional) {
            this.provisional = provisional;
        }
    }

    private record Outgoing(ClientTransaction ct, Pending pending) {
    }

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
            this.from = fromUser(request);
            this.callId = callId(request);
        }
    }

    private static final class Call {
        final boolean outgoing;
        final String peer;
        final RtpSession rtp;
        final String callId;
        final CompletableFuture<Void> acked = new CompletableFuture<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();
        volatile Dialog dialog;
        volatile ClientTransaction inviteCt;
        volatile ServerTransaction inviteSt;
        volatile boolean provisional;
        volatile boolean ringing;
        volatile boolean cancelled;
        volatile boolean established;
        volatile MediaStats finalStats;

        Call(boolean outgoing, String peer, RtpSession rtp, String callId) {
            this.outgoing = outgoing;
            this.peer = peer;
            this.rtp = rtp;
            this.callId = callId;
        }
    }

    /** JAIN-SIP events, delivered on the stack's event thread: never blocks. */
    private final class Listener implements SipListener {

        @Override
        public void processRequest(RequestEvent e) {
            Request req = e.getRequest();
            try {
                switch (req.getMethod()) {
                    case Request.INVITE -> onInvite(e);
                    case Request.ACK -> onAck(req);
                    case Request.BYE -> onBye(e);
                    case Request.CANCEL -> onCancel(e);
                    case Request.OPTIONS -> respond(serverTransaction(e), req, Response.OK, null);
                    default -> respond(serverTransaction(e), req, Response.METHOD_NOT_ALLOWED, null);
                }
            } catch (RuntimeException ex) {
                log.warn("phone {}: error handling {}: {}", cfg.user(), req.getMethod(), ex.toString(), ex);
            }
        }

        private void onInvite(RequestEvent e) {
            Request req = e.getRequest();
            if (e.getDialog() != null && e.getDialog().getState() != null
                    && req.getHeader(ToHeader.NAME) instanceof ToHeader to && to.getTag() != null) {
                // re-INVITE: not supported by this phone
                respond(serverTransaction(e), req, Response.NOT_ACCEPTABLE_HERE, null);
                return;
            }
            ServerTransaction st = serverTransaction(e);
            if (st == null) {
                return; // retransmission
            }
            String tag = newTag();
            Call c = call;
            if (closed) {
                respond(st, req, Response.TEMPORARILY_UNAVAILABLE, tag);
                return;
            }
            if ((c != null && !c.ended.isDone()) || !incoming.isEmpty()) {
                respond(st, req, Response.BUSY_HERE, tag);
                step("incoming call from " + fromUser(req) + " rejected: busy");
                return;
            }
            Sdp.Audio offer;
            try {
                offer = Sdp.parse(body(req));
                if (!offer.offersPcmu() || offer.port() == 0) {
                    throw new IllegalArgumentException("offer does not include PCMU audio");
                }
            } catch (IllegalArgumentException ex) {
                respond(st, req, Response.NOT_ACCEPTABLE_HERE, tag);
                step("incoming call from " + fromUser(req) + " rejected: " + ex.getMessage());
                return;
            }
            Incoming in = new Incoming(req, st, offer, tag);
            try {
                Response ringing = mf.createResponse(Response.RINGING, req);
                ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(tag);
                ringing.addHeader(hf.createContactHeader(contact));
                st.sendResponse(ringing);
            } catch (ParseException | SipException | InvalidArgumentException ex) {
                log.debug("180 Ringing not sent: {}", ex.toString());
            }
            incoming.add(in);
            step("incoming call from " + in.from + ": ringing");
        }

        private void onAck(Request req) {
            Call c = call;
            if (c != null && !c.outgoing && c.callId.equals(callId(req))) {
                c.acked.complete(null);
            }
        }

        private void onBye(RequestEvent e) {
            Request req = e.getRequest();
            ServerTransaction st = serverTransaction(e);
            Call c = call;
            if (c != null && c.callId.equals(callId(req))) {
                respond(st, req, Response.OK, null);
                c.acked.complete(null);
                c.established = true;
                end(c, "remote hangup (BYE from " + c.peer + ")");
            } else {
                respond(st, req, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            }
        }

        private void onCancel(RequestEvent e) {
            Request req = e.getRequest();
            ServerTransaction st = serverTransaction(e);
            String id = callId(req);
            for (Incoming in : incoming) {
                if (in.callId.equals(id) && incoming.remove(in)) {
                    in.cancelled = true;
                    respond(st, req, Response.OK, null);
                    reject(in, Response.REQUEST_TERMINATED);
                    step("call from " + in.from + " cancelled by the caller");
                    return;
                }
            }
            Call c = call;
            if (c != null && !c.outgoing && c.callId.equals(id)) {
                respond(st, req, Response.OK, null); // already answered: the CANCEL has no effect
                return;
            }
            respond(st, req, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
        }

        @Override
        public void processResponse(ResponseEvent e) {
            ClientTransaction ct = e.getClientTransaction();
            Pending p = ct == null ? null : pending.get(ct);
            if (p == null) {
                log.debug("phone {}: response without waiting request: {}", cfg.user(),
                        e.getResponse().getStatusCode());
                return;
            }
            int code = e.getResponse().getStatusCode();
            if (code < 200) {
                if (p.provisional != null) {
                    p.provisional.accept(e.getResponse());
                }
            } else {
                p.done.complete(e);
            }
        }

        @Override
        public void processTimeout(TimeoutEvent e) {
            if (!e.isServerTransaction()) {
                Pending p = pending.get(e.getClientTransaction());
                if (p != null) {
                    p.done.completeExceptionally(new PhoneException(
                            "no response from " + proxyString() + " (SIP transaction timeout)"));
                }
            } else {
                log.debug("phone {}: server transaction timeout", cfg.user());
            }
        }

        @Override
        public void processIOException(IOExceptionEvent e) {
            log.debug("phone {}: I/O error towards {}:{}", cfg.user(), e.getHost(), e.getPort());
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent e) {
            // nothing to clean: pending entries are removed by their waiters
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent e) {
            log.debug("phone {}: dialog terminated", cfg.user());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Phone[%s at %s:%d]", cfg.user(), host, port);
    }
}
