package org.p2psip.sip.overlay;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.MediaSatoAnswer;
import org.p2psip.control.message.MediaSatoConnect;
import org.p2psip.control.message.MediaSatoRequest;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.control.message.PortShutdownAnswer;
import org.p2psip.control.message.SatoFailed;
import org.p2psip.control.message.SatoReady;
import org.p2psip.control.message.SatoTeardown;
import org.p2psip.control.message.SignallingSatoAnswer;
import org.p2psip.control.message.SignallingSatoRequest;
import org.p2psip.control.message.UserDeregister;
import org.p2psip.control.message.UserLookup;
import org.p2psip.control.message.UserLookupAnswer;
import org.p2psip.control.message.UserRegister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2PSIP-Port's end of the overlay peer internal control protocol (paper Figure 1, the
 * {@code <~~~>} link between the modified SIP proxy and the Overlay Manager). The port LISTENS on its
 * control socket; the OM connects, and the port sends its requests (user records, SATOs) back over
 * that connection. Every method returns a future that completes on {@code executor}, never on the
 * control connection's reader thread; failures complete it with {@link OverlayException}.
 */
public final class OverlayLink implements ControlHandler, Closeable {
    private static final Logger log = LoggerFactory.getLogger(OverlayLink.class);
    /** Role this side announces in the control protocol's hello. */
    public static final String ROLE = "p2psip-port";
    private volatile java.util.function.Consumer<Boolean> viewWatch;

    private volatile java.util.function.BiPredicate<String, String> mediaFailed;
    private final Executor executor;
    private final Duration requestTimeout;
    private final Duration satoTimeout;
    private final Supplier<Map<String, String>> status;
    private final Runnable shutdown;
    private final Map<String, CompletableFuture<SignallingSato>> satos = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<ControlMessage>> teardowns = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong overloaded = new java.util.concurrent.atomic.AtomicLong();
    private final int maxOutstanding;
    /**
     * Forgets unclaimed SATO outcomes and starts the shutdown: one daemon thread this link owns (the
     * JVM's default async executor starts a new thread per task on machines with two cores or fewer).
     */
    private final java.util.concurrent.ScheduledThreadPoolExecutor timer;
    private volatile ControlServer server;
    /** The overlay side's transport ({@code tcp}, or {@code tls} in a secured overlay): the one sato.ready must name. */
    private volatile String overlayTransport = SatoReady.TCP;

    public OverlayLink(Executor executor, Duration requestTimeout, Duration satoTimeout, int maxOutstanding,
                       Supplier<Map<String, String>> status, Runnable shutdown) {
        this.executor = executor;
        this.maxOutstanding = maxOutstanding;
        this.requestTimeout = requestTimeout;
        this.satoTimeout = satoTimeout;
        this.status = status;
        this.shutdown = shutdown;
        this.timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "p2psip-port-overlay-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Starts listening on {@code socket} (the OM connects there). */
    public void listen(Path socket, String name) throws IOException {
        server = ControlServer.listen(socket, ROLE, name, this);
    }

    /** Whether an Overlay Manager is connected right now. */
    public boolean isConnected() {
        return connection() != null;
    }

    /** The transport this port's overlay side runs ({@code tcp} or {@code tls}); a sato.ready naming another fails the SATO. */
    public void overlayTransport(String transport) {
        overlayTransport = transport;
    }

    private ControlConnection connection() {
        ControlServer s = server;
        if (s == null) {
            return null;
        }
        ControlConnection any = null;
        for (ControlConnection c : s.connections()) {
            if (!c.isOpen()) {
                continue;
            }
            if ("om".equals(c.remoteRole())) {
                return c;
            }
            any = c;
        }
        return any;
    }

    private CompletableFuture<ControlMessage> send(ControlMessage request) {
        ControlConnection c = connection();
        if (c == null) {
            return CompletableFuture.failedFuture(new OverlayException(ErrorCode.DISCONNECTED,
                    "Overlay Manager not connected to the P2PSIP-Port's control socket"));
        }
        // overload control: beyond this many unanswered requests the OM (or its lookup service) is not
        // keeping up; failing at once (503 to the UA) beats queueing until every SIP thread waits on it
        if (outstanding.incrementAndGet() > maxOutstanding) {
            outstanding.decrementAndGet();
            overloaded.incrementAndGet();
            return CompletableFuture.failedFuture(new OverlayException(ErrorCode.RESOURCE_EXHAUSTED,
                    "Overlay Manager overloaded: " + maxOutstanding + " requests unanswered"));
        }
        CompletableFuture<ControlMessage> answer = c.request(request, requestTimeout);
        // counted answered when the answer arrives (on the control reader), not when a worker gets to it:
        // the bound is on what the OM owes, and answers waiting for the port's own workers are bounded by
        // their queue (PortWorkers); counting those refused REGISTERs in bursts while the core was half idle
        answer.whenComplete((m, e) -> outstanding.decrementAndGet());
        return answer
                .handleAsync((m, e) -> {
                    if (e != null) {
                        throw asOverlayException(request.type(), e);
                    }
                    return m;
                }, executor);
    }

    /** Requests sent to the OM and not yet answered (nor timed out). */
    public int unanswered() {
        return outstanding.get();
    }

    /** Requests refused because too many were unanswered. */
    public long overloadRejections() {
        return overloaded.get();
    }

    private OverlayException asOverlayException(String what, Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof OverlayException) {
            return (OverlayException) t;
        }
        if (t instanceof ControlException) {
            ControlException ce = (ControlException) t;
            return new OverlayException(ce.code(), what + ": " + ce.getMessage());
        }
        if (t instanceof TimeoutException) {
            return new OverlayException(ErrorCode.TIMEOUT, what + ": no answer from the Overlay Manager within "
                    + requestTimeout.toMillis() + " ms");
        }
        return new OverlayException(ErrorCode.INTERNAL, what + ": " + t);
    }

    // ---- user records (lookup service) ----------------------------------------------------------

    /** {@code user.register}: the OM stores {@code user} -> this peer for {@code ttlSeconds}. */
    public CompletableFuture<Void> registerUser(String user, int ttlSeconds) {
        return send(new UserRegister(user, ttlSeconds).toMessage()).thenApply(m -> null);
    }

    /** {@code user.deregister}: the OM removes the record {@code user} -> this peer. */
    public CompletableFuture<Void> deregisterUser(String user) {
        return send(new UserDeregister(user).toMessage()).thenApply(m -> null);
    }

    /** {@code user.lookup}: every peer {@code user} is registered at ({@code NOT_FOUND} is an empty list). */
    public CompletableFuture<List<PeerRecord>> lookupUser(String user) {
        return lookupUser(user, null);
    }

    /** {@link #lookupUser(String)} for the INVITE of call {@code call} (named to the OM for the web view's ladder). */
    public CompletableFuture<List<PeerRecord>> lookupUser(String user, String call) {
        ControlMessage req = new UserLookup(user, call).toMessage();
        return send(req).handle((m, e) -> {
            if (e != null) {
                OverlayException oe = asOverlayException(req.type(), e);
                if (oe.code() == ErrorCode.NOT_FOUND) {
                    return List.<PeerRecord>of();
                }
                throw oe;
            }
            UserLookupAnswer answer;
            try {
                answer = UserLookupAnswer.from(m);
            } catch (ControlException ce) {
                throw new OverlayException(ErrorCode.BAD_REQUEST, "bad user.lookup answer: " + ce.getMessage());
            }
            List<PeerRecord> out = new ArrayList<>();
            for (String p : answer.peers()) {
                out.add(new PeerRecord(p, answer.isSelf(p)));
            }
            return out;
        });
    }

    // ---- signalling SATOs -----------------------------------------------------------------------

    /**
     * {@code sato.signalling.request}: asks for a signalling SATO for {@code call} towards {@code peer};
     * completes when {@code sato.ready} arrives (or fails on {@code sato.failed} or timeout; the SATO is
     * then torn down). {@code onId} learns the SATO id as soon as the OM answers, so a caller that gives
     * up early can tear it down.
     */
    public CompletableFuture<SignallingSato> requestSignallingSato(String call, String peer,
                                                                   java.util.function.Consumer<String> onId) {
        return send(new SignallingSatoRequest(call, peer).toMessage())
                .thenCompose(m -> {
                    String id;
                    try {
                        id = SignallingSatoAnswer.from(m).sato();
                    } catch (ControlException ce) {
                        throw new OverlayException(ErrorCode.INTERNAL, "sato.signalling.request answered without a sato id");
                    }
                    onId.accept(id);
                    CompletableFuture<SignallingSato> ready = satos.computeIfAbsent(id, k -> new CompletableFuture<>());
                    return ready.orTimeout(satoTimeout.toMillis(), TimeUnit.MILLISECONDS)
                            .handleAsync((s, e) -> {
                                satos.remove(id);
                                if (e == null) {
                                    return s;
                                }
                                Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                                if (t instanceof TimeoutException) {
                                    teardown(id, "not ready within " + satoTimeout.toMillis() + " ms");
                                    throw new OverlayException(ErrorCode.TIMEOUT, "signalling SATO " + id + " towards "
                                            + peer + " not ready within " + satoTimeout.toMillis() + " ms");
                                }
                                throw asOverlayException("signalling SATO " + id, t);
                            }, executor);
                });
    }

    /** {@code sato.teardown}, fire and forget (failures are logged; {@link #drain} waits for those in flight). */
    public void teardown(String sato, String reason) {
        if (sato == null) {
            return;
        }
        CompletableFuture<SignallingSato> pending = satos.remove(sato);
        if (pending != null) {
            pending.completeExceptionally(new OverlayException(ErrorCode.NOT_FOUND, "SATO " + sato + " torn down: " + reason));
        }
        CompletableFuture<ControlMessage> f = send(new SatoTeardown(sato, reason).toMessage());
        teardowns.add(f);
        f.whenComplete((m, e) -> {
            teardowns.remove(f);
            if (e != null) {
                log.debug("sato.teardown {} failed: {}", sato, e.getMessage());
            }
        });
    }

    /** Waits up to {@code max} for the teardowns still in flight (the port is stopping). */
    public void drain(Duration max) {
        CompletableFuture<?>[] all = teardowns.toArray(new CompletableFuture<?>[0]);
        try {
            CompletableFuture.allOf(all).get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            log.debug("{} teardown(s) unanswered at stop", teardowns.size());
        }
    }

    // ---- media SATOs (SDP rewriting) ------------------------------------------------------------

    /** {@code sato.media.request}: a media session on the local RTP-Port for one {@code m=} line. */
    public CompletableFuture<MediaAllocation> requestMedia(String call, int stream, String media, String signalling) {
        return send(new MediaSatoRequest(call, stream, media, signalling).toMessage()).thenApply(m -> {
            try {
                MediaSatoAnswer a = MediaSatoAnswer.from(m);
                HostPort ua = HostPort.parse(a.ua());
                HostPort overlay = HostPort.parse(a.overlay());
                return new MediaAllocation(a.sato(), ua, rtcp(a.uaRtcp(), ua), overlay, rtcp(a.overlayRtcp(), overlay));
            } catch (ControlException | IllegalArgumentException e) {
                throw new OverlayException(ErrorCode.BAD_REQUEST, "bad sato.media.request answer " + m + ": " + e.getMessage());
            }
        });
    }

    private static HostPort rtcp(String text, HostPort rtp) {
        return text == null || text.isEmpty() ? new HostPort(rtp.host(), rtp.port() + 1) : HostPort.parse(text);
    }

    /** {@code sato.media.connect}: both media ends of {@code sato} are known ("Connect RTP"). */
    public CompletableFuture<Void> connectMedia(String sato, HostPort remote, HostPort remoteRtcp, HostPort ua, HostPort uaRtcp) {
        return send(new MediaSatoConnect(sato, text(remote), text(remoteRtcp), text(ua), text(uaRtcp)).toMessage())
                .thenApply(m -> null);
    }

    private static String text(HostPort address) {
        return address == null ? null : address.toString();
    }

    // ---- OM -> P2PSIP-Port ----------------------------------------------------------------------

    @Override
    public ControlMessage onRequest(ControlConnection from, ControlMessage request) throws ControlException {
        switch (request.type()) {
            case MessageTypes.PORT_STATUS:
                return P2psipPortStatus.of(status.get()).answer(request);
            case MessageTypes.VIEW_WATCH: {
                java.util.function.Consumer<Boolean> w = viewWatch;
                if (w == null) {
                    throw new ControlException(ErrorCode.UNAVAILABLE, "view.watch: the P2PSIP-Port is still starting");
                }
                w.accept(org.p2psip.control.message.ViewWatch.from(request).on());
                return ControlMessage.responseTo(request);
            }
            case MessageTypes.PORT_SHUTDOWN: {
                Thread t = new Thread(shutdown, "p2psip-port-shutdown");
                t.setDaemon(false);
                // answer first, then stop: the stop closes this very connection
                timer.schedule(t::start, 50, TimeUnit.MILLISECONDS);
                return new PortShutdownAnswer(null).answer(request);
            }
            default:
                throw ControlHandler.unknownType(request);
        }
    }

    /** Who turns the call ladder's messages on and off ({@code view.watch} from the OM). */
    public void onViewWatch(java.util.function.Consumer<Boolean> handler) {
        viewWatch = handler;
    }

    /** Tells the OM one SIP message of a call ({@code view.sip}); dropped when the OM is not connected. */
    public void tellView(org.p2psip.control.message.ViewSip message) {
        ControlConnection c = connection();
        if (c == null) {
            return;
        }
        try {
            c.sendEvent(message.toMessage());
        } catch (ControlException e) {
            log.debug("view.sip not sent: {}", e.getMessage());
        }
    }

    /** Who ends a call whose media SATO the OM reports failed ({@code sato.failed}); true if it was one. */
    public void onMediaFailed(java.util.function.BiPredicate<String, String> handler) {
        mediaFailed = handler;
    }

    @Override
    public void onEvent(ControlConnection from, ControlMessage event) {
        switch (event.type()) {
            case MessageTypes.SATO_READY:
                onReady(event);
                break;
            case MessageTypes.SATO_FAILED:
                try {
                    SatoFailed failed = SatoFailed.from(event);
                    String why = failed.reason() == null ? "no reason given" : failed.reason();
                    java.util.function.BiPredicate<String, String> media = mediaFailed;
                    if (media != null && media.test(failed.sato(), why)) {
                        break; // a running call's media SATO: the call is ended
                    }
                    fail(failed.sato(), why);
                } catch (ControlException e) {
                    log.debug("ignoring {}: {}", event, e.getMessage());
                }
                break;
            default:
                log.debug("ignoring event {}", event);
        }
    }

    /** {@code sato.ready}: the signalling SATO's far end, where this port sends the call's SIP. */
    private void onReady(ControlMessage event) {
        SatoReady ready;
        try {
            ready = SatoReady.from(event);
        } catch (ControlException e) {
            String id = event.get(Fields.SATO);
            if (id == null || id.isEmpty()) {
                log.warn("sato.ready without a sato id: {}", event);
            } else {
                fail(id, "sato.ready with a bad address: " + e.getMessage());
            }
            return;
        }
        HostPort address;
        try {
            address = HostPort.parse(ready.address());
        } catch (IllegalArgumentException e) {
            fail(ready.sato(), "sato.ready with a bad address: " + e.getMessage());
            return;
        }
        HostPort peer;
        try {
            peer = ready.peer() == null ? null : HostPort.parse(ready.peer());
        } catch (IllegalArgumentException e) {
            fail(ready.sato(), "sato.ready with a bad peer address: " + e.getMessage());
            return;
        }
        if (!overlayTransport.equalsIgnoreCase(ready.transport())) {
            fail(ready.sato(), "sato.ready offers transport '" + ready.transport() + "'; this P2PSIP-Port forwards over "
                    + overlayTransport + " only" + ("tls".equals(overlayTransport) ? " (a secured overlay)" : ""));
            return;
        }
        CompletableFuture<SignallingSato> f = satos.computeIfAbsent(ready.sato(), k -> new CompletableFuture<>());
        f.complete(new SignallingSato(ready.sato(), ready.transport().toLowerCase(), address, peer));
        scheduleForget(ready.sato(), f);
    }

    private void fail(String id, String reason) {
        CompletableFuture<SignallingSato> f = satos.computeIfAbsent(id, k -> new CompletableFuture<>());
        f.completeExceptionally(new OverlayException(ErrorCode.UNAVAILABLE, "SATO " + id + " failed: " + reason));
        scheduleForget(id, f);
        log.info("SATO {} failed: {}", id, reason);
    }

    /** An event may come before anyone waits for it; forget unclaimed ones after the SATO timeout. */
    private void scheduleForget(String id, CompletableFuture<SignallingSato> f) {
        try {
            timer.schedule(() -> satos.remove(id, f), satoTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            satos.remove(id, f); // closing
        }
    }

    @Override
    public void onConnected(ControlConnection connection) {
        log.info("Overlay Manager connected ({} {})", connection.remoteRole(), connection.remoteName());
    }

    @Override
    public void onClosed(ControlConnection connection) {
        log.info("Overlay Manager connection closed ({} {})", connection.remoteRole(), connection.remoteName());
    }

    /** The control socket path, or null before {@link #listen}. */
    public Path socket() {
        ControlServer s = server;
        return s == null ? null : s.path();
    }

    @Override
    public void close() {
        ControlServer s = server;
        if (s != null) {
            s.close();
        }
        satos.values().forEach(f -> f.completeExceptionally(
                new OverlayException(ErrorCode.DISCONNECTED, "P2PSIP-Port closing")));
        satos.clear();
        timer.shutdownNow();
    }
}
