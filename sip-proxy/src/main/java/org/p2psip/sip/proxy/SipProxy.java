package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.p2psip.control.ErrorCode;
import org.p2psip.sip.overlay.HostPort;
import org.p2psip.sip.overlay.OverlayException;
import org.p2psip.sip.overlay.OverlayLink;
import org.p2psip.sip.overlay.PeerRecord;
import org.p2psip.sip.overlay.SignallingSato;
import org.p2psip.sip.registrar.Binding;
import org.p2psip.sip.registrar.Registrar;
import org.p2psip.sip.sdp.MediaSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy core of the P2PSIP-Port: a transaction-stateful RFC 3261 proxy on JAIN-SIP whose only
 * change is the routing (paper Sec. 5.1.1, draft Sec. 4). An initial request from a local UA is
 * routed by the user part of its Request-URI: the local registrar gives the contacts registered here,
 * the lookup service ({@code user.lookup} through the OM) the other peers the user is registered at.
 * A remote peer is reached over a signalling SATO the OM sets up ({@code sato.signalling.request},
 * then {@code sato.ready}); the request goes to the far P2PSIP-Port's overlay listener over TCP,
 * Record-Routed on both interfaces (RFC 5658 double Record-Route), so every later request of the
 * dialog follows the same path. Requests arriving from the overlay are delivered to local contacts
 * only. Max-Forwards, loop detection, Proxy-Require, CANCEL, Timer C and response selection follow
 * RFC 3261 Sec. 16.
 */
public final class SipProxy implements SipListener {
    private static final Logger log = LoggerFactory.getLogger(SipProxy.class);
    private static final String SERVER = "p2psip-port";

    private final Interfaces ifs;
    private final Registrar registrar;
    private final OverlayLink overlay;
    private final ProxySettings settings;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final CallTable calls;
    private final LoopDetector loops = new LoopDetector();
    private final RegisterHandler registerHandler;
    private final Map<String, ForwardContext> invites = new ConcurrentHashMap<>();
    private final Set<String> overlayPeers = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong satoRequests = new AtomicLong();

    public SipProxy(Interfaces ifs, Registrar registrar, OverlayLink overlay, ProxySettings settings, Executor executor,
                    ScheduledExecutorService timer, MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {
        this.ifs = ifs;
        this.registrar = registrar;
        this.overlay = overlay;
        this.settings = settings;
        this.executor = executor;
        this.timer = timer;
        this.messages = messages;
        this.headers = headers;
        this.calls = new CallTable(overlay);
        this.registerHandler = new RegisterHandler(registrar, messages, headers);
        timer.scheduleWithFixedDelay(() -> calls.expire(settings.maxCallMillis()), 60, 60, TimeUnit.SECONDS);
    }

    // =============================================================================== requests

    @Override
    public void processRequest(RequestEvent ev) {
        Request req = ev.getRequest();
        SipProvider provider = (SipProvider) ev.getSource();
        Side in = ifs.sideOf(provider);
        requests.incrementAndGet();
        try {
            if (Request.ACK.equals(req.getMethod())) {
                forwardAck(req, in);
                return;
            }
            ServerTransaction st = ev.getServerTransaction();
            if (st == null) {
                st = provider.getNewServerTransaction(req);
            }
            handle(st, req, in);
        } catch (TransactionAlreadyExistsException e) {
            log.debug("retransmission of {} absorbed", req.getMethod());
        } catch (TransactionUnavailableException e) {
            log.info("no server transaction for {}: {}", req.getMethod(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("failed to process {}", req.getMethod(), e);
        }
    }

    private void handle(ServerTransaction st, Request req, Side in) {
        String method = req.getMethod();
        if (Request.CANCEL.equals(method)) {
            cancel(st, req);
            return;
        }
        // RFC 3261 16.3: request validation
        // the RI's parser reads any start-line version as 2.0, but keeps the sender's version in its Via
        ViaHeader sender = (ViaHeader) req.getHeader(ViaHeader.NAME);
        String version = sender instanceof gov.nist.javax.sip.header.Via
                && ((gov.nist.javax.sip.header.Via) sender).getSentProtocol() != null
                ? ((gov.nist.javax.sip.header.Via) sender).getSentProtocol().getProtocolVersion() : "2.0";
        if (version != null && !"2.0".equals(version.trim())) {
            respond(st, req, Response.VERSION_NOT_SUPPORTED, null);
            return;
        }
        URI ruri = req.getRequestURI();
        if (!(ruri instanceof SipURI)) {
            respond(st, req, Response.UNSUPPORTED_URI_SCHEME, null);
            return;
        }
        MaxForwardsHeader mf = (MaxForwardsHeader) req.getHeader(MaxForwardsHeader.NAME);
        if (mf != null && mf.getMaxForwards() <= 0) {
            if (Request.OPTIONS.equals(method) && ((SipURI) ruri).getUser() == null && ifs.isOwn((SipURI) ruri)) {
                respond(st, req, Response.OK, null);
            } else {
                respond(st, req, Response.TOO_MANY_HOPS, null);
            }
            return;
        }
        Iterator<?> pr = req.getHeaders(ProxyRequireHeader.NAME);
        if (pr.hasNext()) {
            Response r = response(req, Response.BAD_EXTENSION, null);
            while (pr.hasNext()) {
                try {
                    UnsupportedHeader u = headers.createUnsupportedHeader(((ProxyRequireHeader) pr.next()).getOptionTag());
                    r.addHeader(u);
                } catch (ParseException e) {
                    log.debug("bad Proxy-Require: {}", e.getMessage());
                }
            }
            send(st, r);
            return;
        }
        String hash = loops.hash(req);
        if (loops.isLoop(req, hash, ifs)) {
            log.info("loop detected for {} {}", method, ruri);
            respond(st, req, Response.LOOP_DETECTED, null);
            return;
        }
        if (in == Side.OVERLAY) {
            ViaHeader top = (ViaHeader) req.getHeader(ViaHeader.NAME);
            overlayPeers.add(top.getHost() + ":" + top.getPort());
        }
        // RFC 3261 16.4: route information pre-processing
        Request template = (Request) req.clone();
        Side popped = preprocessRoute(template);
        if (Request.REGISTER.equals(method)) {
            if (in == Side.OVERLAY) {
                respond(st, req, Response.FORBIDDEN, "Forbidden (REGISTER is for local user agents)");
            } else {
                registerHandler.register(st, req);
            }
            return;
        }
        ToHeader to = (ToHeader) req.getHeader(ToHeader.NAME);
        boolean inDialog = to.getTag() != null;
        String transport = ((ViaHeader) req.getHeader(ViaHeader.NAME)).getTransport();
        ForwardContext ctx = new ForwardContext(this, st, req, template, hash, in, transport,
                ((CallIdHeader) req.getHeader(CallIdHeader.NAME)).getCallId(), !inDialog, cancelKey(req));
        if (ctx.isInvite()) {
            send(st, response(req, Response.TRYING, null));
            invites.put(ctx.cancelKey, ctx);
        }
        RouteHeader route = (RouteHeader) template.getHeader(RouteHeader.NAME);
        if (route != null) {
            URI next = route.getAddress().getURI();
            if (!(next instanceof SipURI)) {
                finish(ctx, Response.UNSUPPORTED_URI_SCHEME, "Unsupported URI Scheme (Route)");
                return;
            }
            fork(ctx, List.of(new Target.Fixed(hop((SipURI) next, popped), popped == null ? Side.UA : popped)));
            return;
        }
        SipURI target = (SipURI) template.getRequestURI();
        if (inDialog && !ifs.isOwn(target)) {
            fork(ctx, List.of(new Target.Fixed(uaHop(target, popped), popped == null ? Side.UA : popped)));
            return;
        }
        locate(ctx, target);
    }

    /** RFC 3261 16.4: strict-route fix-up, then every Route value that is this proxy is removed; the side of the last one removed is where the request leaves. */
    private Side preprocessRoute(Request r) {
        URI ruri = r.getRequestURI();
        if (ruri instanceof SipURI && ifs.isOwn((SipURI) ruri) && ((SipURI) ruri).getUser() == null
                && r.getHeader(RouteHeader.NAME) != null) {
            // a strict router upstream put our Record-Route value in the Request-URI
            List<RouteHeader> routes = new ArrayList<>();
            for (Iterator<?> it = r.getHeaders(RouteHeader.NAME); it.hasNext(); ) {
                routes.add((RouteHeader) it.next());
            }
            RouteHeader last = routes.get(routes.size() - 1);
            r.setRequestURI(last.getAddress().getURI());
            r.removeHeader(RouteHeader.NAME);
            for (int i = 0; i < routes.size() - 1; i++) {
                r.addHeader(routes.get(i));
            }
        }
        Side side = null;
        while (true) {
            RouteHeader rh = (RouteHeader) r.getHeader(RouteHeader.NAME);
            if (rh == null) {
                break;
            }
            URI u = rh.getAddress().getURI();
            if (!(u instanceof SipURI) || !ifs.isOwn((SipURI) u)) {
                break;
            }
            side = ifs.sideOf((SipURI) u);
            r.removeFirst(RouteHeader.NAME);
        }
        return side;
    }

    /** Locates the user part of the Request-URI: local registrar, plus the lookup service for requests from local UAs. */
    private void locate(ForwardContext ctx, SipURI target) {
        String user = target.getUser();
        if (user == null) {
            if (Request.OPTIONS.equals(ctx.method)) {
                finish(ctx, Response.OK, null);
            } else {
                finish(ctx, Response.NOT_FOUND, "Not Found (no user part in the Request-URI)");
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
                finish(ctx, Response.NOT_FOUND, "Not Found (" + user + " is not registered at this peer)");
            } else {
                fork(ctx, local);
            }
            return;
        }
        overlay.lookupUser(user).whenComplete((peers, e) -> {
            List<Target> targets = new ArrayList<>(local);
            if (e != null) {
                OverlayException oe = unwrap(e);
                if (local.isEmpty()) {
                    log.info("lookup of {} failed: {}", user, oe.getMessage());
                    finish(ctx, Response.SERVICE_UNAVAILABLE, "Service Unavailable (lookup service: " + oneLine(oe.getMessage()) + ")");
                    return;
                }
                log.info("lookup of {} failed ({}); trying the local contacts only", user, oe.getMessage());
            } else {
                Set<String> seen = new LinkedHashSet<>();
                for (PeerRecord p : peers) {
                    if (!p.self() && seen.add(p.record())) {
                        targets.add(new Target.Remote(p));
                    }
                }
            }
            if (targets.isEmpty()) {
                finish(ctx, Response.NOT_FOUND, null);
            } else {
                fork(ctx, targets);
            }
        });
    }

    private void fork(ForwardContext ctx, List<Target> targets) {
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
            sendFinal(ctx, response(ctx.request, Response.REQUEST_TERMINATED, null));
            return;
        }
        for (Branch b : started) {
            startBranch(b);
        }
    }

    private void startBranch(Branch b) {
        ForwardContext ctx = b.ctx;
        Request r = (Request) ctx.template.clone();
        if (b.target instanceof Target.Local) {
            Binding binding = ((Target.Local) b.target).binding();
            r.setRequestURI((URI) binding.uri().clone());
            NextHop hop = binding.natted()
                    ? new NextHop(binding.flow().host(), binding.flow().port(), binding.flow().transport())
                    : uriHop((SipURI) binding.uri());
            transmit(b, r, Side.UA, hop, null);
        } else if (b.target instanceof Target.Fixed) {
            Target.Fixed f = (Target.Fixed) b.target;
            transmit(b, r, f.side(), f.hop(), null);
        } else {
            PeerRecord peer = ((Target.Remote) b.target).peer();
            CallState call = calls.getOrCreate(ctx.callId);
            // the media SATO is asked for while the signalling SATO is being set up, not after
            MediaSession.Direction dir = direction(ctx.in, Side.OVERLAY);
            CompletableFuture<String> sdp = dir != null && isSdp(r) ? call.media().rewrite(dir, body(r)) : null;
            satoRequests.incrementAndGet();
            overlay.requestSignallingSato(ctx.callId, peer.record(), id -> {
                b.sato = id;
                call.addSato(id);
            }).whenComplete((sato, e) -> {
                if (e != null) {
                    OverlayException oe = unwrap(e);
                    log.info("no signalling SATO for {} towards {}: {}", ctx.callId, peer.record(), oe.getMessage());
                    if (b.sato != null) {
                        call.releaseSato(b.sato, "SATO failed");
                    }
                    branchFailed(b, oe.code() == ErrorCode.TIMEOUT ? Response.REQUEST_TIMEOUT : Response.SERVICE_UNAVAILABLE,
                            "signalling SATO towards " + peer.record() + ": " + oneLine(oe.getMessage()));
                    return;
                }
                synchronized (ctx) {
                    if (b.isFinal) {
                        call.releaseSato(sato.sato(), "branch cancelled");
                        return;
                    }
                }
                overlayPeers.add(sato.address().host() + ":" + sato.address().port());
                transmit(b, r, Side.OVERLAY, new NextHop(sato.address().host(), sato.address().port(), "tcp"), sdp);
            });
        }
    }

    /** Adds Max-Forwards, Record-Route and Via, rewrites SDP if it crosses the overlay boundary, and sends over a new client transaction. */
    private void transmit(Branch b, Request r, Side out, NextHop hop, CompletableFuture<String> rewrittenSdp) {
        ForwardContext ctx = b.ctx;
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
            branchFailed(b, Response.SERVER_INTERNAL_ERROR, "cannot build the forwarded request: " + e.getMessage());
            return;
        }
        ((SIPMessage) r).setApplicationData(hop);
        synchronized (ctx) {
            b.hop = hop;
            b.out = out;
        }
        MediaSession.Direction dir = direction(ctx.in, out);
        if (dir != null && isSdp(r)) {
            CompletableFuture<String> sdpF = rewrittenSdp != null ? rewrittenSdp
                    : calls.getOrCreate(ctx.callId).media().rewrite(dir, body(r));
            sdpF.whenComplete((sdp, e) -> {
                if (e != null) {
                    log.warn("SDP of {} {} not rewritten: {}", ctx.method, ctx.callId, cause(e));
                    branchFailed(b, Response.SERVICE_UNAVAILABLE, "media relay unavailable: " + oneLine(cause(e)));
                    return;
                }
                setBody(r, sdp);
                sendBranch(b, r, out);
            });
        } else {
            sendBranch(b, r, out);
        }
    }

    private void sendBranch(Branch b, Request r, Side out) {
        ForwardContext ctx = b.ctx;
        ClientTransaction ct;
        try {
            ct = ifs.provider(out).getNewClientTransaction(r);
        } catch (TransactionUnavailableException e) {
            branchFailed(b, Response.SERVICE_UNAVAILABLE, "cannot reach " + b.hop + ": " + e.getMessage());
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
        } catch (SipException e) {
            log.info("{} to {} failed: {}", ctx.method, b.hop, e.getMessage());
            branchFailed(b, Response.SERVICE_UNAVAILABLE, "cannot reach " + b.hop);
            return;
        }
        if (ctx.isInvite()) {
            b.timerC = timer.schedule(() -> timerC(b), settings.timerCMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void timerC(Branch b) {
        ForwardContext ctx = b.ctx;
        boolean fail;
        synchronized (ctx) {
            if (b.isFinal) {
                return;
            }
            fail = !b.provisional;
            if (!fail) {
                sendCancel(b);
            }
        }
        log.info("Timer C fired on {} of {}", b, ctx.callId);
        if (fail) {
            branchFailed(b, Response.REQUEST_TIMEOUT, null);
        }
    }

    private static void decrementMaxForwards(Request r) throws InvalidArgumentException, SipException {
        MaxForwardsHeader mf = (MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME);
        if (mf == null) {
            r.addHeader(SipProxyHeaders.maxForwards(70));
        } else {
            mf.decrementMaxForwards();
        }
    }

    // =============================================================================== CANCEL

    private static String cancelKey(Request r) {
        ViaHeader v = (ViaHeader) r.getHeader(ViaHeader.NAME);
        return v.getBranch() + "|" + v.getHost() + ":" + v.getPort() + "|"
                + ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
    }

    private void cancel(ServerTransaction st, Request cancel) {
        ForwardContext ctx = invites.get(cancelKey(cancel));
        if (ctx == null) {
            respond(st, cancel, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        respond(st, cancel, Response.OK, null);
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
                if (b.ct == null) {
                    // still waiting for its SATO or SDP: it never left
                    b.isFinal = true;
                    if (b.sato != null) {
                        CallState call = calls.get(ctx.callId);
                        if (call != null) {
                            call.releaseSato(b.sato, "call cancelled");
                        }
                    }
                } else {
                    sendCancel(b);
                }
            }
            if (ctx.started && ctx.allFinal() && !ctx.finalSent) {
                answerNow = true;
                ctx.finalSent = true;
            }
        }
        if (answerNow) {
            sendFinal(ctx, response(ctx.request, Response.REQUEST_TERMINATED, null));
        }
    }

    /** Sends CANCEL on a branch now if it had a provisional response, else once it has one (RFC 3261 9.1). Caller holds the context lock. */
    private void sendCancel(Branch b) {
        if (b.cancelSent || b.ct == null) {
            return;
        }
        if (!b.provisional) {
            b.cancelPending = true;
            return;
        }
        b.cancelSent = true;
        try {
            Request c = b.ct.createCancel();
            ((SIPMessage) c).setApplicationData(b.hop);
            ClientTransaction cct = ifs.provider(b.out).getNewClientTransaction(c);
            cct.sendRequest();
        } catch (SipException e) {
            log.info("CANCEL towards {} failed: {}", b.hop, e.getMessage());
        }
    }

    // =============================================================================== responses

    @Override
    public void processResponse(ResponseEvent ev) {
        Response resp = ev.getResponse();
        ClientTransaction ct = ev.getClientTransaction();
        if (ct == null) {
            forwardStray(resp, ifs.sideOf((SipProvider) ev.getSource()));
            return;
        }
        Object data = ct.getApplicationData();
        if (data instanceof Branch) {
            onResponse((Branch) data, resp);
        }
    }

    private void onResponse(Branch b, Response resp) {
        ForwardContext ctx = b.ctx;
        int code = resp.getStatusCode();
        Response out = (Response) resp.clone();
        out.removeFirst(ViaHeader.NAME);
        boolean forward = false;
        boolean cancelOthers = false;
        boolean releaseSato = false;
        Response finalToSend = null;
        synchronized (ctx) {
            if (code < 200) {
                b.provisional = true;
                if (b.cancelPending) {
                    sendCancel(b);
                }
                forward = code > 100 && !ctx.finalSent;
            } else if (b.isFinal) {
                // a 2xx from a second UA of a forked INVITE after this branch was closed: pass it on statelessly
                forward = code < 300;
            } else {
                b.isFinal = true;
                if (b.timerC != null) {
                    b.timerC.cancel(false);
                }
                if (code < 300) {
                    ctx.got2xx = true;
                    forward = true;
                    ctx.finalSent = true;
                    cancelOthers = true;
                } else {
                    releaseSato = true;
                    if (!ctx.finalSent) {
                        if (ctx.best == null || ForwardContext.rank(code) < ForwardContext.rank(ctx.best.getStatusCode())) {
                            ctx.best = out;
                        }
                        if (code >= 600) {
                            cancelOthers = true;
                        }
                        if (ctx.allFinal()) {
                            ctx.finalSent = true;
                            finalToSend = ctx.best;
                        }
                    }
                }
            }
            if (cancelOthers) {
                for (Branch o : ctx.branches) {
                    if (o != b && !o.isFinal) {
                        if (o.ct == null) {
                            o.isFinal = true;
                        } else {
                            sendCancel(o);
                        }
                    }
                }
            }
        }
        if (releaseSato && b.sato != null && ctx.initial) {
            CallState call = calls.get(ctx.callId);
            if (call != null) {
                call.releaseSato(b.sato, "branch answered " + code);
            }
        }
        if (forward) {
            relayUpstream(ctx, b, out);
        }
        if (finalToSend != null) {
            sendFinal(ctx, finalToSend);
        }
    }

    private void branchFailed(Branch b, int code, String reason) {
        ForwardContext ctx = b.ctx;
        Response finalToSend = null;
        synchronized (ctx) {
            if (b.isFinal) {
                return;
            }
            b.isFinal = true;
            if (b.timerC != null) {
                b.timerC.cancel(false);
            }
            if (ctx.finalSent) {
                return;
            }
            // a 503 made here keeps its code (only a downstream 503 becomes 500, RFC 3261 16.7 item 6)
            Response r = response(ctx.request, code, code == Response.SERVICE_UNAVAILABLE && reason != null
                    ? "Service Unavailable (" + reason + ")" : reason);
            if (ctx.best == null || ForwardContext.rank(code) < ForwardContext.rank(ctx.best.getStatusCode())) {
                ctx.best = r;
            }
            if (ctx.allFinal()) {
                ctx.finalSent = true;
                finalToSend = ctx.best;
            }
        }
        if (finalToSend != null) {
            sendFinal(ctx, finalToSend);
        }
    }

    /** Forwards a provisional or 2xx response upstream, with SDP rewritten, in arrival order. */
    private void relayUpstream(ForwardContext ctx, Branch b, Response out) {
        int code = out.getStatusCode();
        MediaSession.Direction dir = b.out == null ? null : direction(b.out, ctx.in);
        if (dir != null && isSdp(out)) {
            CallState call = calls.getOrCreate(ctx.callId);
            CompletableFuture<Void> rewritten = call.media().rewrite(dir, body(out)).handle((s, e) -> {
                if (e != null) {
                    log.warn("SDP of {} {} to {} not rewritten, forwarded as is: {}", code, ctx.method, ctx.callId, cause(e));
                } else {
                    setBody(out, s);
                }
                return null;
            });
            synchronized (ctx) {
                if (ctx.upstream.isDone() && rewritten.isDone()) {
                    // the usual case (media SATO allocated with the offer): no hand-off to another thread
                    sendUpstream(ctx, out);
                } else {
                    ctx.upstream = ctx.upstream.thenCombine(rewritten, (x, y) -> null)
                            .thenRunAsync(() -> sendUpstream(ctx, out), executor);
                }
            }
        } else {
            synchronized (ctx) {
                if (ctx.upstream.isDone()) {
                    sendUpstream(ctx, out);
                } else {
                    ctx.upstream = ctx.upstream.thenRunAsync(() -> sendUpstream(ctx, out), executor);
                }
            }
        }
        if (code >= 200) {
            afterFinal(ctx, code);
        }
    }

    private void sendFinal(ForwardContext ctx, Response r) {
        int code = r.getStatusCode();
        if (code == Response.SERVICE_UNAVAILABLE && !r.getReasonPhrase().startsWith("Service Unavailable (")) {
            // RFC 3261 16.7 item 6: a 503 from downstream becomes 500
            try {
                r.setStatusCode(Response.SERVER_INTERNAL_ERROR);
                r.setReasonPhrase("Server Internal Error (downstream: " + oneLine(r.getReasonPhrase()) + ")");
            } catch (ParseException e) {
                log.debug("cannot rewrite 503: {}", e.getMessage());
            }
        }
        synchronized (ctx) {
            if (ctx.upstream.isDone()) {
                sendUpstream(ctx, r);
            } else {
                ctx.upstream = ctx.upstream.thenRunAsync(() -> sendUpstream(ctx, r), executor);
            }
        }
        afterFinal(ctx, code);
    }

    private void sendUpstream(ForwardContext ctx, Response r) {
        try {
            ctx.st.sendResponse(r);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            if (r.getStatusCode() / 100 == 2) {
                // a second 2xx after the server transaction ended: stateless (RFC 3261 16.7 item 5)
                try {
                    ifs.provider(ctx.in).sendResponse(r);
                } catch (SipException e2) {
                    log.info("could not forward {} for {}: {}", r.getStatusCode(), ctx.callId, e2.getMessage());
                }
            } else if (r.getStatusCode() >= 300) {
                // e.g. a downstream final response that lost its Vias: answer with our own of the same class
                log.info("could not forward {} for {} ({}); answering it ourselves", r.getStatusCode(), ctx.callId,
                        e.getMessage());
                try {
                    ctx.st.sendResponse(response(ctx.request, r.getStatusCode(), null));
                } catch (SipException | InvalidArgumentException | IllegalStateException e2) {
                    log.debug("could not answer {} for {}: {}", r.getStatusCode(), ctx.callId, e2.getMessage());
                }
            } else {
                log.debug("could not forward {} for {}: {}", r.getStatusCode(), ctx.callId, e.getMessage());
            }
        }
    }

    /** The call-level consequences of a final response leaving this proxy. */
    private void afterFinal(ForwardContext ctx, int code) {
        if (ctx.isInvite()) {
            invites.remove(ctx.cancelKey, ctx);
        }
        if (Request.BYE.equals(ctx.method)) {
            calls.end(ctx.callId, "BYE answered " + code);
        } else if (ctx.initial && ctx.isInvite()) {
            CallState call = calls.get(ctx.callId);
            if (call == null) {
                return;
            }
            if (code >= 300) {
                if (!call.isEstablished()) {
                    calls.end(ctx.callId, "INVITE answered " + code);
                }
            } else if (code >= 200) {
                call.established();
            }
        } else if (ctx.initial && !Request.INVITE.equals(ctx.method) && code >= 200) {
            CallState call = calls.get(ctx.callId);
            if (call != null && !call.isEstablished()) {
                calls.end(ctx.callId, ctx.method + " answered " + code);
            }
        }
    }

    /** A response without a client transaction (a retransmitted 2xx): forwarded statelessly by its Via. */
    private void forwardStray(Response resp, Side arrived) {
        ViaHeader top = (ViaHeader) resp.getHeader(ViaHeader.NAME);
        if (top == null || !ifs.isOwn(top.getHost(), top.getPort())) {
            log.debug("dropping stray response {} not via this proxy", resp.getStatusCode());
            return;
        }
        Response out = (Response) resp.clone();
        out.removeFirst(ViaHeader.NAME);
        ViaHeader next = (ViaHeader) out.getHeader(ViaHeader.NAME);
        if (next == null) {
            return;
        }
        Side to = arrived == Side.OVERLAY ? Side.UA
                : overlayPeers.contains(next.getHost() + ":" + next.getPort()) ? Side.OVERLAY : Side.UA;
        MediaSession.Direction dir = direction(arrived, to);
        CallState call = calls.get(((CallIdHeader) resp.getHeader(CallIdHeader.NAME)).getCallId());
        Runnable send = () -> {
            try {
                ifs.provider(to).sendResponse(out);
            } catch (SipException e) {
                log.debug("stray {} not forwarded: {}", resp.getStatusCode(), e.getMessage());
            }
        };
        if (dir != null && call != null && isSdp(out)) {
            call.media().rewrite(dir, body(out)).whenComplete((s, e) -> {
                if (s != null) {
                    setBody(out, s);
                }
                send.run();
            });
        } else {
            send.run();
        }
    }

    // =============================================================================== ACK (2xx)

    /** An ACK for a 2xx is its own transaction: forwarded statelessly along its Route set (RFC 3261 16.11). */
    private void forwardAck(Request req, Side in) {
        Request r = (Request) req.clone();
        Side popped = preprocessRoute(r);
        Side out = popped == null ? Side.UA : popped;
        NextHop hop;
        RouteHeader route = (RouteHeader) r.getHeader(RouteHeader.NAME);
        if (route != null && route.getAddress().getURI() instanceof SipURI) {
            hop = hop((SipURI) route.getAddress().getURI(), popped);
        } else if (r.getRequestURI() instanceof SipURI && !ifs.isOwn((SipURI) r.getRequestURI())) {
            hop = uaHop((SipURI) r.getRequestURI(), popped);
        } else {
            log.debug("ACK for this proxy itself dropped");
            return;
        }
        try {
            MaxForwardsHeader mf = (MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME);
            if (mf != null && mf.getMaxForwards() <= 0) {
                log.debug("ACK with Max-Forwards 0 dropped");
                return;
            }
            decrementMaxForwards(r);
            ViaHeader v = (ViaHeader) req.getHeader(ViaHeader.NAME);
            r.addFirst(ifs.via(out, hop.transport(), LoopDetector.PREFIX + "a" + Long.toHexString(
                    (v.getBranch() + v.getHost() + v.getPort()).hashCode() & 0xffffffffL)));
        } catch (SipException | InvalidArgumentException e) {
            log.info("ACK not forwarded: {}", e.getMessage());
            return;
        }
        ((SIPMessage) r).setApplicationData(hop);
        MediaSession.Direction dir = direction(in, out);
        CallState call = calls.get(((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId());
        Runnable send = () -> {
            try {
                ifs.provider(out).sendRequest(r);
            } catch (SipException e) {
                log.info("ACK to {} failed: {}", hop, e.getMessage());
            }
        };
        if (dir != null && call != null && isSdp(r)) {
            call.media().rewrite(dir, body(r)).whenComplete((s, e) -> {
                if (s != null) {
                    setBody(r, s);
                }
                send.run();
            });
        } else {
            send.run();
        }
    }

    // =============================================================================== helpers

    /** The next hop for a Route URI; over the overlay always TCP. */
    private NextHop hop(SipURI uri, Side popped) {
        NextHop h = uriHop(uri);
        if (popped == Side.OVERLAY && !"tcp".equalsIgnoreCase(h.transport())) {
            return new NextHop(h.host(), h.port(), "tcp");
        }
        return h;
    }

    /** The next hop for a UA's URI: its NAT flow if it registered from behind one, else the URI itself. */
    private NextHop uaHop(SipURI uri, Side popped) {
        if (popped != Side.OVERLAY) {
            Binding b = registrar.findByContact(uri);
            if (b != null && b.natted()) {
                return new NextHop(b.flow().host(), b.flow().port(), b.flow().transport());
            }
        }
        return hop(uri, popped);
    }

    static NextHop uriHop(SipURI uri) {
        String host = uri.getMAddrParam() != null ? uri.getMAddrParam() : uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String transport = uri.getTransportParam();
        if (transport == null) {
            transport = uri.isSecure() ? "tcp" : "udp";
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (uri.isSecure() ? 5061 : 5060);
        return new NextHop(host, port, transport.toLowerCase());
    }

    private MediaSession.Direction direction(Side from, Side to) {
        if (!settings.sdpRewrite() || from == to) {
            return null;
        }
        return to == Side.OVERLAY ? MediaSession.Direction.TO_OVERLAY : MediaSession.Direction.TO_UA;
    }

    private static boolean isSdp(Message m) {
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        return ct != null && "application".equalsIgnoreCase(ct.getContentType())
                && "sdp".equalsIgnoreCase(ct.getContentSubType()) && m.getRawContent() != null
                && m.getRawContent().length > 0;
    }

    private static String body(Message m) {
        return new String(m.getRawContent(), StandardCharsets.UTF_8);
    }

    private static void setBody(Message m, String sdp) {
        try {
            m.setContent(sdp.getBytes(StandardCharsets.UTF_8), (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME));
        } catch (ParseException e) {
            throw new IllegalStateException("cannot set SDP body: " + e.getMessage(), e);
        }
    }

    Response response(Request req, int code, String reason) {
        return SipProxyHeaders.response(messages, req, code, reason);
    }

    private void respond(ServerTransaction st, Request req, int code, String reason) {
        if (code >= 300) {
            rejected.incrementAndGet();
        }
        send(st, response(req, code, reason));
    }

    private void finish(ForwardContext ctx, int code, String reason) {
        synchronized (ctx) {
            if (ctx.finalSent) {
                return;
            }
            ctx.finalSent = true;
        }
        if (code >= 300) {
            rejected.incrementAndGet();
        }
        sendFinal(ctx, response(ctx.request, code, reason));
    }

    private static void send(ServerTransaction st, Response r) {
        try {
            st.sendResponse(r);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            log.debug("could not send {}: {}", r.getStatusCode(), e.getMessage());
        }
    }

    private static OverlayException unwrap(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof OverlayException) {
            return (OverlayException) t;
        }
        return new OverlayException(ErrorCode.INTERNAL, String.valueOf(t));
    }

    private static String cause(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    static String oneLine(String s) {
        String t = s == null ? "unknown error" : s.replaceAll("[\\r\\n]+", " ");
        return t.length() > 120 ? t.substring(0, 120) : t;
    }

    // =============================================================================== stack events

    @Override
    public void processTimeout(TimeoutEvent ev) {
        if (!ev.isServerTransaction() && ev.getClientTransaction() != null
                && ev.getClientTransaction().getApplicationData() instanceof Branch) {
            Branch b = (Branch) ev.getClientTransaction().getApplicationData();
            log.debug("{} timed out", b);
            branchFailed(b, Response.REQUEST_TIMEOUT, null);
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
                invites.remove(cancelKey(st.getRequest()));
            }
        }
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent ev) {
        // the proxy creates no dialogs
    }

    // =============================================================================== status

    public int activeCalls() {
        return calls.size();
    }

    public long endedCalls() {
        return calls.endedCount();
    }

    public long requestsReceived() {
        return requests.get();
    }

    public long requestsRejected() {
        return rejected.get();
    }

    public long satoRequests() {
        return satoRequests.get();
    }

    /** Releases every SATO still held (the port is stopping). */
    public void releaseAll(String reason) {
        calls.endAll(reason);
    }

    static String serverName() {
        return SERVER;
    }
}
