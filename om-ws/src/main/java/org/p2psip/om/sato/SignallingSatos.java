package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.SatoReady;
import org.p2psip.control.message.SignallingSatoAnswer;
import org.p2psip.control.message.SignallingSatoRequest;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.RingView;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling SATO of a call (Figure 4). Opening (the caller's OM, {@code sato.signalling.request}):
 * connect and negotiate with the callee's OM (reliable transport: the P2PSIP-Ports' TCP overlay
 * listeners), set it up, and plan the call's media ({@link #plan}: paths measured, relay policy). Accepting (the callee's OM) happens over the OM IF; here the callee's OM only
 * finds the accepted SATO of a call again.
 */
final class SignallingSatos {
    /** The call ladder's recorder (the peer's web view); {@link CallSteps#NONE} unless one is set. */
    volatile CallSteps steps = CallSteps.NONE;
    private static final Logger log = LoggerFactory.getLogger(SignallingSatos.class);
    private static final Logger relayLog = LoggerFactory.getLogger(RelayPolicy.LOG);

    private final String peerName;
    private final OverlayManager om;
    private final PeerRecord self;
    private final RelayPolicy policy;
    private final CallPlans plans;
    /** A far OM found lost (OM IF pings) this recently and answering no path probe is not tried again. */
    private static final long LOST_RECENTLY_MS = 30_000;
    /** How long a far OM that answered no path probe gets to set a signalling SATO up. */
    static final long UNREACHABLE_BUDGET_MS = 2000;
    /**
     * The same while ring members stop answering (a partition forming): the lookup may have used up to
     * 2.5 s already, and the caller must hear 480 within 5 s; a reachable OM sets a SATO up in far less.
     */
    static final long PARTITION_BUDGET_MS = 1000;

    SignallingSatos(String peerName, OverlayManager om, PeerRecord self, RelayPolicy policy, CallPlans plans) {
        this.peerName = peerName;
        this.om = om;
        this.self = self;
        this.policy = policy;
        this.plans = plans;
    }

    /** Initiator: {@code sato.signalling.request}; answers the SATO id, then sends {@code sato.ready} on {@code from}. */
    ControlMessage open(ControlConnection from, ControlMessage r) throws ControlException {
        SignallingSatoRequest req = SignallingSatoRequest.from(r);
        String call = req.call();
        PeerRecord peer;
        try {
            peer = PeerRecord.parse(req.peer());
        } catch (IllegalArgumentException e) {
            throw new ControlException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        // Sec. 5.2, measured first: the paths decide the media's relay and whether the signalling itself
        // must avoid a congested direct path (then it goes through the relay peer's TCP relay)
        long t0 = System.nanoTime();
        RelayPolicy.Decision media = policy.decide(peer);
        boolean detour = routeSignalling(peer, policy.signallingRoute(peer, media));
        // what measuring the paths added to this call's set-up (logged with the decision)
        double decidedMs = (System.nanoTime() - t0) / 1e6;
        steps.step(call, null, CallSteps.PORT, CallSteps.OM, "sato.signalling.request", "signalling SATO for call " + call
                + " towards peer " + peer.shortId() + " (" + peer.om() + ")");
        steps.step(call, null, CallSteps.OM, CallSteps.OM, "path measured", media.reason() + String.format(java.util.Locale.ROOT,
                " (%.1f ms)", decidedMs));
        Flow.step(peerName, "OM1: signalling SATO for call {} -> connect and negotiate with OM2 {} at {} (reliable{})",
                Satos.shortCall(call), peer.shortId(), peer.om(), detour ? ", through relay "
                        + NodeIds.shortId(om.detourRoutes().of(peer.om()).relayNodeId()) : "");
        long lostAt = media.unreachable() ? om.lostWithin(peer.om(), LOST_RECENTLY_MS) : -1;
        if (lostAt >= 0) {
            // no answer to path probes now, and its OM IF did not answer lately: gone or cut off
            // (a partition); no SOAP connect timeout to wait for: the P2PSIP-Port answers 480 at once
            String why = "far OM " + peer.om() + " unreachable: " + media.reason() + "; its OM IF did not answer at "
                    + java.time.Instant.ofEpochMilli(lostAt) + " either";
            Flow.step(peerName, "OM1: signalling SATO towards {} not tried: {}", peer.shortId(), why);
            plans.failed(call, new OmException(OmException.Kind.UNREACHABLE, "om", why));
            throw new ControlException(ErrorCode.PEER_UNREACHABLE, why);
        }
        Sato s;
        try {
            try {
                s = media.unreachable() ? openBounded(call, peer) : openSignallingSato(call, peer);
            } catch (OmException e) {
                if (!detour || e.kind() != OmException.Kind.UNREACHABLE) {
                    throw e;
                }
                // the detour itself failed (the relay refused or is gone): a congested path beats none
                om.detourRoutes().direct(peer.om(), "the detour failed: " + e.getMessage());
                detour = false;
                Flow.step(peerName, "OM1: the detour to {} failed ({}); trying the direct path", peer.shortId(), e.getMessage());
                s = openSignallingSato(call, peer);
            }
        } catch (OmException e) {
            if (e.kind() == OmException.Kind.UNREACHABLE) {
                om.unreachable(peer.om());
            }
            Flow.step(peerName, "OM1: signalling SATO towards {} failed: {}", peer.shortId(), e.getMessage());
            steps.step(call, null, CallSteps.FAR_OM, CallSteps.OM, "failed", "signalling SATO towards " + peer.om() + ": " + e.getMessage());
            plans.failed(call, e);
            // the far OM does not answer (measured so, or its OM IF is unreachable): the callee's peer is gone
            // or cut off; the P2PSIP-Port answers 480
            boolean gone = media.unreachable() || e.kind() == OmException.Kind.UNREACHABLE;
            throw new ControlException(gone ? ErrorCode.PEER_UNREACHABLE : ErrorCode.UNAVAILABLE,
                    "signalling SATO towards " + peer.om() + " failed: " + e.getMessage()
                            + (media.unreachable() ? " (" + media.reason() + ")" : ""));
        }
        boolean secure = s.transport() == TransportKind.TLS;
        if (!s.negotiatedBefore()) {
            steps.step(call, s.id(), CallSteps.OM, CallSteps.FAR_OM, "NegotiateTransport", "signalling SATO " + s.id()
                    + (secure ? ", reliable and secure" : ", reliable") + ": the far OM chose " + s.transport()
                    + ", its P2PSIP-Port at " + s.remoteEndpoint() + (detour ? " (through a relay's TCP relay)" : ""));
        }
        steps.step(call, s.id(), CallSteps.OM, CallSteps.FAR_OM, "SetupSato", "signalling SATO " + s.id() + " set up at "
                + peer.om() + " (node " + peer.shortId() + ")" + (s.negotiatedBefore() ? " on " + s.transport()
                + ", the transport it chose for the last SATO (no NegotiateTransport within 30 s of one), its P2PSIP-Port at "
                + s.remoteEndpoint() + (detour ? " (through a relay's TCP relay)" : "") : ""));
        plans.decided(plan(call, s.id(), peer, media, decidedMs));
        // through the detour the P2PSIP-Port connects to the local end of a tunnel through the relay peer
        Address sipPeer = detour ? om.detourRoutes().connectTo(peer.om(), s.remoteEndpoint()) : s.remoteEndpoint();
        steps.step(call, s.id(), CallSteps.OM, CallSteps.PORT, "sato.ready", "signalling SATO " + s.id() + ": connect to "
                + sipPeer);
        Flow.step(peerName, "OM1: signalling SATO {} ready: {} to P2PSIP-Port 2 at {}{}", s.id(), s.transport(),
                s.remoteEndpoint(), detour ? " (through the relay, locally " + sipPeer + ")" : "");
        ControlMessage answer = new SignallingSatoAnswer(s.id()).answer(r);
        // the event follows the answer on the same connection; the port matches it by SATO id
        ControlMessage ready = new SatoReady(s.id(), secure ? TransportKind.TLS.wire() : SatoReady.TCP, sipPeer.toString(),
                detour ? s.remoteEndpoint().toString() : null).toMessage();
        // right after the answer, by the worker that sends it: no thread or timer per call
        from.sendEventAfterAnswer(r, ready);
        return answer;
    }

    /**
     * The caller's peer if this OM accepted the call's signalling SATO (it is the callee's OM), else
     * null. {@code sato} is the signalling SATO the request names, or null: the callee's P2PSIP-Port
     * names none, and then the SATO is found by {@code call} in the SATO table's index.
     */
    PeerRecord acceptedPeer(String call, String sato) {
        Sato s = sato != null ? om.satos().get(sato) : om.satos().acceptedSignalling(call);
        if (s == null || s.purpose() != Purpose.SIGNALLING || s.role() != Sato.Role.ACCEPTOR || s.peerOm() == null) {
            return null;
        }
        return new PeerRecord(s.peerNodeId(), s.peerOm(), -1);
    }

    /** Tears down signalling SATO {@code id}; false if there is no such SATO. */
    boolean end(String id, String reason) {
        plans.forget(id);
        if (om.satos().get(id) == null) {
            return false;
        }
        Satos.closeQuietly(om, id, reason);
        Flow.step(peerName, "OM: signalling SATO {} torn down ({})", id, reason);
        steps.step(null, id, CallSteps.OM, CallSteps.FAR_OM, "TeardownSato", "signalling SATO " + id + " torn down (" + reason + ")");
        return true;
    }

    /**
     * The far OM answered no path probe (gone, cut off, or a legacy OM that does not answer probes):
     * its OM IF gets {@value #UNREACHABLE_BUDGET_MS} ms to set the SATO up ({@value #PARTITION_BUDGET_MS} ms
     * while ring members are unreachable), not the SOAP connect timeout, so the caller hears 480 in
     * time; a SATO set up after that is closed again.
     */
    private Sato openBounded(String call, PeerRecord peer) throws OmException {
        CompletableFuture<Sato> f = CompletableFuture.supplyAsync(() -> {
            try {
                return openSignallingSato(call, peer);
            } catch (OmException e) {
                throw new CompletionException(e);
            }
        }); // the JVM's common pool: a bounded, JVM-owned pool; the SOAP call ends with its own timeout
        RingView ring = om.ring();
        long budget = ring != null && ring.unreachable() > 0 ? PARTITION_BUDGET_MS : UNREACHABLE_BUDGET_MS;
        try {
            return f.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(late -> Satos.closeQuietly(om, late.id(), "set up after the caller had given up"));
            throw new OmException(OmException.Kind.UNREACHABLE, peer.om().toString(), "OM at " + peer.om()
                    + " answered no path probe and did not set the SATO up within " + budget + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (c instanceof OmException oe) {
                throw oe;
            }
            throw new OmException(OmException.Kind.UNREACHABLE, peer.om().toString(), String.valueOf(c));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OmException(OmException.Kind.UNREACHABLE, peer.om().toString(), "interrupted");
        }
    }

    /**
     * Negotiates the call's signalling SATO: reliable, and in a secured overlay (the P2PSIP-Port's
     * overlay side speaks TLS) also the paper's "secure" requirement, offered as {@code tls}.
     */
    private Sato openSignallingSato(String call, PeerRecord peer) throws OmException {
        boolean secure = om.ports().transports(Purpose.SIGNALLING).contains(TransportKind.TLS);
        TransportKind t = secure ? TransportKind.TLS : TransportKind.TCP;
        Address sipOverlay = om.ports().signallingEndpoint(t);
        return om.openSato(peer.om(), peer.nodeId(), Purpose.SIGNALLING, call,
                secure ? List.of(Requirement.RELIABLE, Requirement.SECURE) : List.of(Requirement.RELIABLE),
                List.of(new TransportCandidate(t, sipOverlay)));
    }

    /**
     * Whether the signalling to {@code peer} takes a detour through a relay peer: when the measured
     * route says the direct path is congested and the chosen relay runs a TCP relay. A route found
     * fine again ends an earlier detour.
     */
    private boolean routeSignalling(PeerRecord peer, RelayPolicy.Decision route) {
        if (route.relayed() && route.survey() != null && route.relay().tcpRelay() != null && om.detourRoutes().available()) {
            om.detourRoutes().use(peer.om(), route.relay().nodeId(), route.relay().tcpRelay(), route.reason());
            return true;
        }
        if (route.survey() != null && route.survey().direct() != null && policy.broken(route.survey().direct()) == null) {
            om.detourRoutes().direct(peer.om(), route.reason());
        }
        return om.detourRoutes().of(peer.om()) != null;
    }

    /**
     * Sec. 5.2: the plan of the media of call {@code call} to {@code peer}: whether the media SATO goes
     * through a relay RTP-Port, as the relay policy decided from the measured paths (directly and, if
     * needed, through candidate relays). {@code sato} is the call's signalling SATO.
     */
    CallPlans.CallPlan plan(String call, String sato, PeerRecord peer, RelayPolicy.Decision d, double decidedMs) {
        if (d.relayed()) {
            Flow.step(peerName, "OM1: RTP-Port relay chosen on peer {} at {}", d.relay().shortId(), d.relay().om());
        }
        steps.step(call, sato, CallSteps.OM, d.relayed() ? CallSteps.RELAY : CallSteps.OM, d.relayed() ? "relay chosen" : "no relay",
                (d.relayed() ? "RTP1 -> RTP3 -> RTP2 via peer " + d.relay().shortId() + " at " + d.relay().om() : "RTP1 -> RTP2")
                        + ": " + d.reason());
        Flow.step(peerName, "OM1: media SATO for call {}: {} ({})", Satos.shortCall(call),
                d.relayed() ? "RTP1 -> RTP3 -> RTP2 via " + d.relay().shortId() : "RTP1 -> RTP2", d.reason());
        if (relayLog.isInfoEnabled()) {
            relayLog.info("relay decision for call {}: {} ({}; decided in {} ms)", call, d.unreachable() ? "far OM unreachable"
                    : d.relayed() ? "relay " + d.relay().om() : "no relay", d.reason(), String.format(java.util.Locale.ROOT, "%.2f", decidedMs));
        }
        return new CallPlans.CallPlan(call, sato, peer, d);
    }
}
