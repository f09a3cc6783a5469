package org.p2psip.phone;

import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.TooManyListenersException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import org.p2psip.sip.stack.SipStacks;

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
 * <p>The phone is a façade over its parts, each one job in SIP's terms: {@link SipEndpoint} (stack,
 * AoR, Contact, building requests and responses), {@link SipDispatcher} (the SIP listener),
 * {@link ClientTransactions} (waiting for responses), {@link Registration} (REGISTER and its refresh),
 * {@link OutgoingCalls} (INVITE, CANCEL, ACK), {@link IncomingCalls} (180, 200 OK, rejections),
 * {@link InDialogRequests} (ACK and BYE in the dialog), {@link Call} and {@link CallMedia} (one call and
 * its RTP).
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

    /** Default time the caller waits for the callee to answer before cancelling. */
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final SipEndpoint ua;
    private final Registration registration;
    private final CurrentCall current = new CurrentCall();
    private final InDialogRequests dialog;
    private final OutgoingCalls outgoing;
    private final IncomingCalls incoming;

    private Phone(SipEndpoint ua) throws TooManyListenersException {
        this.ua = ua;
        ClientTransactions transactions = new ClientTransactions(ua);
        this.registration = new Registration(ua, transactions);
        this.dialog = new InDialogRequests(ua, transactions, current);
        this.outgoing = new OutgoingCalls(ua, transactions, current, dialog);
        this.incoming = new IncomingCalls(ua, current);
        ua.provider().addSipListener(new SipDispatcher(ua, transactions, incoming, dialog));
    }

    /** Creates the phone's SIP stack and binds its UDP port; nothing is sent yet. */
    public static Phone start(PhoneConfig cfg) throws PhoneException {
        Objects.requireNonNull(cfg, "cfg");
        SipStack stack = null;
        try {
            stack = SipStacks.builder("phone-" + cfg.user()).automaticDialogSupport(true).threadPoolSize(4).create();
            ListeningPoint lp = SipStacks.listen(stack, cfg.listenHost(), cfg.listenPort(), ListeningPoint.UDP);
            SipProvider provider = stack.createSipProvider(lp);
            Phone phone = new Phone(new SipEndpoint(cfg, stack, provider, lp));
            phone.ua.step("phone " + cfg.user() + " listening on " + phone.ua.host() + ":" + phone.ua.port()
                    + "/udp, proxy " + phone.ua.proxyString());
            return phone;
        } catch (InvalidArgumentException | SipException | ParseException | TooManyListenersException
                | RuntimeException e) {
            SipStacks.shutdown(stack);
            throw new PhoneException("cannot start phone " + cfg.user() + " on " + cfg.listenHost() + ":"
                    + cfg.listenPort() + ": " + e.getMessage(), e);
        }
    }

    /** The address of record, e.g. {@code sip:alice@127.0.0.1}. */
    public String addressOfRecord() {
        return ua.aor().getURI().toString();
    }

    /** Where the phone receives SIP (UDP). */
    public InetSocketAddress sipAddress() {
        return new InetSocketAddress(ua.host(), ua.port());
    }

    public boolean isRegistered() {
        return registration.isRegistered();
    }

    /** The registration lifetime the registrar granted last (seconds), 0 if not registered. */
    public int grantedExpires() {
        return registration.grantedExpires();
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
        ua.checkOpen();
        registration.register();
    }

    /** Removes the registration (REGISTER with Expires: 0). No-op when not registered. */
    public void unregister() throws PhoneException {
        registration.unregister();
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
        ua.checkOpen();
        PhoneConfig.checkUser(user, "callee");
        outgoing.call(user, answerTimeout);
    }

    /**
     * Waits up to {@code timeout} for an incoming call and answers it: 200 OK with an SDP answer, then
     * waits for the ACK and starts sending the tone. (Incoming INVITEs are answered with 180 Ringing as
     * soon as they arrive.)
     *
     * @throws PhoneException if no call comes, the caller cancels, or the ACK never arrives
     */
    public void answer(Duration timeout) throws PhoneException {
        ua.checkOpen();
        incoming.answer(timeout);
    }

    /** Whether a call is set up or being set up and has not ended. */
    public boolean inCall() {
        return current.busy();
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
        Call c = current.get();
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
        Call c = current.get();
        return c == null ? null : c.ended.getNow(null);
    }

    /**
     * Ends the current call: BYE if it is established (waits for the answer up to the request timeout),
     * otherwise just stops. No-op without a call.
     */
    public void hangup() {
        dialog.hangup();
    }

    /**
     * Stops ({@code true}) or resumes sending RTP in the current call, receiving all along: a muted
     * phone with silence suppression, or one that holds the call without telling (no re-INVITE).
     * False if no call is going on.
     */
    public boolean mute(boolean on) {
        return current.mute(on);
    }

    /** re-INVITEs this phone received (it refuses them with 488): a change of the media path it was told about. */
    public long reInvitesReceived() {
        return incoming.reInvites();
    }

    /**
     * Media statistics of the current call, or of the last one once it ended ({@link MediaStats#NONE}
     * before the first call).
     */
    public MediaStats stats() {
        return current.stats();
    }

    /**
     * The media the current call (or the last one) received since this was last called, or since the call's
     * media started: loss, jitter and one-way delay of that interval ({@link MediaInterval}); null before the
     * first call.
     *
     * @param endMillis the end of the interval in milliseconds since reporting started (it goes into the line)
     */
    public MediaInterval takeMediaInterval(long endMillis) {
        return current.takeInterval(endMillis);
    }

    /** Hangs up, rejects unanswered incoming calls, unregisters, and stops the SIP stack. Idempotent. */
    @Override
    public void close() {
        if (ua.isClosed()) {
            return;
        }
        try {
            hangup();
            incoming.rejectRinging();
            try {
                unregister();
            } catch (PhoneException e) {
                ua.step(e.getMessage());
            }
        } finally {
            ua.markClosed();
            registration.stopRefreshing();
            Call c = current.get();
            if (c != null) {
                c.end("phone closed");
            }
            ua.stopStack();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Phone[%s at %s:%d]", ua.cfg().user(), ua.host(), ua.port());
    }
}
