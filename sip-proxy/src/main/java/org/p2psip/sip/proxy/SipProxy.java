package org.p2psip.sip.proxy;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.sip.auth.DigestAuthenticator;
import org.p2psip.sip.call.CallTable;
import org.p2psip.sip.message.Responses;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.registrar.RegisterHandler;
import org.p2psip.sip.registrar.Registrar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy core of the P2PSIP-Port: a transaction-stateful RFC 3261 proxy on JAIN-SIP whose only
 * change is the routing (paper Sec. 5.1.1, draft Sec. 4). This class is the {@link SipListener}: it
 * takes each event through the steps of RFC 3261 Sec. 16, one class each:
 * <ol>
 * <li>{@link RequestValidation} (16.3), {@link RouteProcessing} (16.4); a REGISTER then goes to the
 *     registrar ({@link RegisterHandler});</li>
 * <li>{@link TargetLocation} (16.5): contacts registered here, other peers through the lookup
 *     service;</li>
 * <li>{@link BranchForwarding} (16.6, with Timer C and CANCEL): one branch per target, another peer
 *     over a signalling SATO;</li>
 * <li>{@link ResponseProcessing} (16.7) on the request's {@link ResponseContext};</li>
 * <li>{@link StatelessForwarding} (16.11): ACK for a 2xx, stray responses.</li>
 * </ol>
 * What a call holds at this port (SATOs, SDP rewriting) is the caller's or the callee's side of it,
 * {@code org.p2psip.sip.call}.
 */
public final class SipProxy implements SipListener {
    private static final Logger log = LoggerFactory.getLogger(SipProxy.class);

    private final Interfaces ifs;
    private final CallTable calls;
    private final Replies replies;
    private final RegisterHandler registrations;
    private final RequestValidation validation;
    private final RouteProcessing routes;
    private final TargetLocation targets;
    private final BranchForwarding branches;
    private final ResponseProcessing responses;
    private final StatelessForwarding stateless;
    private final ArrivalTransport arrival;
    /** Digest authentication of the port's own users, or null (no users file). */
    private final Authentication authentication;
    private final ForwardingPolicy policy;
    private final AtomicLong requests = new AtomicLong();
    private final AdmissionGate admission;
    private final StatelessRefusals refusals;
    private final int maxPendingInvites;

    public SipProxy(Interfaces ifs, Registrar registrar, OverlayLink overlay, DigestAuthenticator auth, ProxySettings settings,
                    Executor executor,
                    ScheduledExecutorService timer, MessageFactory messages, HeaderFactory headers) {
        this.ifs = ifs;
        arrival = new ArrivalTransport(headers);
        calls = new CallTable(overlay);
        replies = new Replies(messages, headers, ifs.ladder());
        authentication = auth == null ? null : new Authentication(auth, replies, headers);
        admission = new AdmissionGate(settings.maxCallsInSetup(), settings.targetSetupMillis(), System::nanoTime);
        maxPendingInvites = settings.maxPendingInvites();
        refusals = new StatelessRefusals(replies, ifs.ladder(), System::nanoTime);
        registrations = new RegisterHandler(registrar, messages, headers);
        LoopDetector loops = new LoopDetector();
        SdpCrossing sdp = new SdpCrossing(settings.sdpRewrite(), calls);
        validation = new RequestValidation(ifs, loops, headers, replies);
        OverlayDetours detours = new OverlayDetours();
        routes = new RouteProcessing(ifs, registrar, detours);
        policy = new ForwardingPolicy(registrar);
        responses = new ResponseProcessing(ifs, calls, sdp, executor, replies, new PhoneBye(ifs, messages, headers), admission);
        // the Overlay Manager reports a call's media dead: BYE to this port's phone, the call's SATOs torn down
        overlay.onMediaFailed(calls::endDeadCall);
        branches = new BranchForwarding(ifs, loops, calls, sdp, responses, replies, timer, settings.timerCMillis(),
                policy, detours);
        targets = new TargetLocation(registrar, overlay, branches, responses);
        stateless = new StatelessForwarding(ifs, routes, sdp, policy);
        timer.scheduleWithFixedDelay(() -> calls.expire(settings.maxCallMillis()), 60, 60, TimeUnit.SECONDS);
    }

    // ---- requests -----------------------------------------------------------------------------------------

    @Override
    public void processRequest(RequestEvent ev) {
        Request req = ev.getRequest();
        SipProvider provider = (SipProvider) ev.getSource();
        Side in = ifs.sideOf(provider);
        requests.incrementAndGet();
        ifs.ladder().received(req, in);
        try {
            if (Request.ACK.equals(req.getMethod())) {
                if (StatelessRefusals.isRefusalAck(req)) {
                    return; // the ACK for a 503 of overload control: nothing to forward
                }
                stateless.forwardAck(req, in);
                return;
            }
            ServerTransaction st = ev.getServerTransaction();
            if (st == null) {
                if (refusedAtOnce(provider, req, in)) {
                    return;
                }
                arrival.prepare(req);
                st = answeredStatelessly(req, in) ? new StatelessTransaction(provider, req) : provider.getNewServerTransaction(req);
            }
            handle(st, req, in);
        } catch (TransactionAlreadyExistsException e) {
            log.debug("retransmission of {} absorbed", req.getMethod());
        } catch (TransactionUnavailableException e) {
            // the RI refuses a transaction for a request it finds incomplete (an INVITE without Contact):
            // answered statelessly, naming what is missing, instead of leaving the sender retransmitting
            log.info("{} from {} refused: {}", req.getMethod(), ev.getSource() == null ? "?" : in, e.getMessage());
            replies.statelessly(provider, req, Response.BAD_REQUEST, "Bad Request (" + Responses.reason(e.getMessage()) + ")");
        } catch (RuntimeException e) {
            log.error("failed to process {}", req.getMethod(), e);
        }
    }

    /**
     * Overload control, before anything else is spent on a new call (an INVITE without a To tag and
     * without a transaction): refused at once with 503 and Retry-After, statelessly
     * ({@link StatelessRefusals}), when the {@link AdmissionGate} refuses it, when the pending INVITEs
     * (ringing ones included, which CANCEL is matched against) are at their bound, or when it is a
     * retransmission of an INVITE refused so.
     */
    private boolean refusedAtOnce(SipProvider provider, Request req, Side in) {
        if (!Request.INVITE.equals(req.getMethod())) {
            return false;
        }
        ToHeader to = (ToHeader) req.getHeader(ToHeader.NAME);
        if (to == null || to.getTag() != null) {
            return false;
        }
        String load = refusals.earlier(req);
        if (load == null) {
            load = admission.refusal(responses.callsInSetup());
        }
        if (load == null) {
            int pending = responses.pendingInvites();
            if (pending < maxPendingInvites) {
                return false;
            }
            load = pending + " calls in set-up or ringing";
        }
        refusals.refuse(provider, req, in, load);
        return true;
    }

    /**
     * A phone's REGISTER over UDP is answered without a transaction ({@link StatelessTransaction}): the
     * registrar answers its retransmissions itself; over TCP a transaction ends with its answer anyway.
     */
    private static boolean answeredStatelessly(Request req, Side in) {
        return in == Side.UA && Request.REGISTER.equals(req.getMethod()) && StatelessTransaction.overDatagram(req);
    }

    private void handle(ServerTransaction st, Request req, Side in) {
        if (Request.CANCEL.equals(req.getMethod())) {
            branches.cancel(st, req);
            return;
        }
        String loopHash = validation.validate(st, req);
        if (loopHash == null) {
            return;
        }
        if (in == Side.OVERLAY) {
            // another peer's P2PSIP-Port: remembered as a next hop when its Via names where it really is
            ViaHeader top = (ViaHeader) req.getHeader(ViaHeader.NAME);
            if (top.getReceived() == null || top.getReceived().equals(top.getHost())) {
                policy.overlayPeer(top.getHost(), top.getPort() > 0 ? top.getPort() : 5060);
            }
        }
        if (authentication != null && in == Side.UA && !authentication.admits(st, req)) {
            return; // 401/407 sent: nothing stored, nothing forwarded
        }
        Request template = (Request) req.clone();
        Side popped = routes.preprocess(template);
        if (Request.REGISTER.equals(req.getMethod())) {
            if (in == Side.OVERLAY) {
                replies.respond(st, req, Response.FORBIDDEN, "Forbidden (REGISTER is for local user agents)");
            } else {
                registrations.register(st, req);
            }
            return;
        }
        String callId = ((CallIdHeader) req.getHeader(CallIdHeader.NAME)).getCallId();
        RouteHeader route = (RouteHeader) template.getHeader(RouteHeader.NAME);
        Side out = popped == null ? Side.UA : popped;
        NextHop chosen = null; // a next hop the sender chose: a Route value, or an in-dialog Request-URI
        if (route != null) {
            URI next = route.getAddress().getURI();
            if (!(next instanceof SipURI)) {
                replies.respond(st, req, Response.UNSUPPORTED_URI_SCHEME, "Unsupported URI Scheme (Route)");
                return;
            }
            chosen = routes.routeHop((SipURI) next, popped);
        } else if (req.getHeader(ToHeader.NAME) != null && ((ToHeader) req.getHeader(ToHeader.NAME)).getTag() != null
                && !ifs.isOwn((SipURI) template.getRequestURI())) {
            chosen = routes.contactHop((SipURI) template.getRequestURI(), popped);
        }
        if (chosen != null) {
            String refusal = policy.refusal(chosen, callId);
            if (refusal != null) {
                log.info("{} {} from {} refused: {}", req.getMethod(), callId, in, refusal);
                replies.respond(st, req, Response.FORBIDDEN, refusal);
                return;
            }
        }
        ResponseContext ctx = new ResponseContext(st, req, template, loopHash, in);
        if (ctx.initial) {
            policy.dialogRequest(req);
        }
        if (ctx.isInvite()) {
            Response trying = replies.response(req, Response.TRYING, null);
            Replies.send(st, trying);
            ifs.ladder().sent(trying, in);
            responses.invitePending(ctx);
        }
        if (chosen != null) {
            branches.fork(ctx, List.of(new Target.Fixed(chosen, out)));
            return;
        }
        SipURI target = (SipURI) template.getRequestURI();
        targets.locate(ctx, target);
    }

    // ---- responses and stack events ----------------------------------------------------------------

    @Override
    public void processResponse(ResponseEvent ev) {
        ClientTransaction ct = ev.getClientTransaction();
        ifs.ladder().received(ev.getResponse(), ifs.sideOf((SipProvider) ev.getSource()));
        if (ct == null) {
            stateless.forwardStray(ev.getResponse(), ifs.sideOf((SipProvider) ev.getSource()));
        } else if (ct.getApplicationData() instanceof Branch b) {
            if (ev.getResponse().getStatusCode() < 300) {
                policy.dialogResponse(ev.getResponse());
            }
            responses.onResponse(b, ev.getResponse());
        }
    }

    @Override
    public void processTimeout(TimeoutEvent ev) {
        if (!ev.isServerTransaction() && ev.getClientTransaction() != null
                && ev.getClientTransaction().getApplicationData() instanceof Branch b) {
            log.debug("{} timed out", b);
            responses.branchFailed(b, Response.REQUEST_TIMEOUT, null);
        }
    }

    @Override
    public void processIOException(IOExceptionEvent ev) {
        log.info("transport error towards {}:{}/{}", ev.getHost(), ev.getPort(), ev.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent ev) {
        if (ev.isServerTransaction()) {
            ServerTransaction st = ev.getServerTransaction();
            if (st != null && Request.INVITE.equals(st.getRequest().getMethod())) {
                responses.inviteTerminated(st.getRequest());
            }
        }
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent ev) {
        // the proxy creates no dialogs
    }

    // ---- status -------------------------------------------------------------------------------------------

    public int activeCalls() {
        return calls.size();
    }

    public long endedCalls() {
        return calls.endedCount();
    }

    /** Initial INVITEs answered finally through this port, by response class ({@code 2xx} .. {@code 6xx}). */
    public java.util.Map<String, Long> callOutcomes() {
        return responses.outcomes().byClass();
    }

    public long requestsReceived() {
        return requests.get();
    }

    public long requestsRejected() {
        return replies.rejected();
    }

    /** New calls refused with 503 by overload control. */
    public long callsShed() {
        return replies.shed();
    }

    public long satoRequests() {
        return branches.satoRequests();
    }

    /** Releases every SATO still held (the port is stopping). */
    public void releaseAll(String reason) {
        calls.endAll(reason);
    }
}
