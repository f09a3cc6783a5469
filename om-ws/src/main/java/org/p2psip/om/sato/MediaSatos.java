package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.MediaSatoAnswer;
import org.p2psip.control.message.MediaSatoConnect;
import org.p2psip.control.message.MediaSatoRequest;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.TransportKind;

/**
 * The media SATOs of calls (Figure 4, one per media stream), on either side of the call.
 *
 * <p>Initiator (the caller's OM, OM1): the request names the call's signalling SATO, one this OM
 * opened, or names none because it comes while that SATO is still being set up (the caller's
 * P2PSIP-Port asks for media for the INVITE's SDP in parallel with the signalling SATO);
 * the call's plan says whether a relay joins. OM1 starts a session on its RTP-Port (RTP1) and, with
 * a relay, one on the relay's RTP-Port (RTP3) over the OM IF (StartPort); when the callee's media
 * address is known it connects the chain RTP1 -> RTP3 -> RTP2 ("Connect RTP", ConnectRtp to the
 * relay's OM).
 *
 * <p>Acceptor (the callee's OM, OM2): this OM accepted the call's signalling SATO (found by call
 * id in the SATO table; the callee's P2PSIP-Port names no signalling SATO). OM2 starts a session on RTP2, whose overlay side latches onto the
 * media from RTP3 (or RTP1), or, behind a NAT, sends first.
 */
final class MediaSatos {
    /** The call ladder's recorder (the peer's web view); {@link CallSteps#NONE} unless one is set. */
    volatile CallSteps steps = CallSteps.NONE;
    /** How long a caller's media request waits for the call's signalling SATO. */
    private static final long PLAN_TIMEOUT_SECONDS = 15;

    private final String peerName;
    private final OverlayManager om;
    private final PeerRecord self;
    private final boolean nat;
    private final SatoSettings settings;
    /** Another relay when the planned one does not answer (null: none sought). */
    private volatile RelayPolicy policy;
    private final CallPlans plans;
    private final SignallingSatos signalling;
    private final Map<String, MediaChain> media = new ConcurrentHashMap<>();
    private final MediaWatch watch;
    private final AtomicInteger counter = new AtomicInteger();

    MediaSatos(String peerName, OverlayManager om, PeerRecord self, SatoSettings settings, CallPlans plans,
               SignallingSatos signalling, MediaWatch watch) {
        this.peerName = peerName;
        this.watch = watch;
        this.om = om;
        this.self = self;
        this.nat = settings.nat();
        this.settings = settings;
        this.plans = plans;
        this.signalling = signalling;
    }

    /** {@code sato.media.request}: a session on the local RTP-Port (and a relay's) for one media stream. */
    ControlMessage request(org.p2psip.control.ControlConnection from, ControlMessage r) throws ControlException {
        MediaSatoRequest req = MediaSatoRequest.from(r);
        String call = req.call();
        String signallingSato = req.signalling();
        PeerRecord caller = signalling.acceptedPeer(call, signallingSato);
        MediaChain ms = caller != null ? accept(call, caller) : initiate(call, signallingSato);
        ms.port(from);
        MediaChain.Via via = ms.via();
        Address overlay = via.relayed() ? via.session().leg(PortSession.LEG_CALLEE) : ms.local.leg(PortSession.LEG_CALLER);
        Address ua = ms.local.leg(PortSession.LEG_UA);
        return new MediaSatoAnswer(ms.id, ua.toString(), overlay.toString()).answer(r);
    }

    /** Initiator: the call's plan (waited for if the signalling SATO is still being set up), RTP1, and RTP3 if relayed. */
    private MediaChain initiate(String call, String signallingSato) throws ControlException {
        CallPlans.CallPlan plan = plans.ofSignallingSato(signallingSato);
        if (plan == null) {
            plan = plans.await(call, PLAN_TIMEOUT_SECONDS);
        }
        Sato s = newSato(call, plan.peer(), Sato.Role.INITIATOR)
                .note((plan.relayed() ? "RTP1 -> RTP3 -> RTP2, relay on " + plan.relay().shortId() : "RTP1 -> RTP2")
                        + " (" + plan.reason() + ")");
        PortSession relaySession = null;
        PeerRecord relay = plan.relay();
        try {
            PortSession local = startLocal(s, call, "OM1");
            if (relay != null) {
                try {
                    relaySession = startRelay(relay, s.id());
                } catch (OmException e) {
                    if (e.kind() != OmException.Kind.UNREACHABLE || policy == null) {
                        throw e;
                    }
                    // the relay found in the lookup service does not answer (gone, or beyond a partition): another
                    om.unreachable(relay.om());
                    RelayPolicy.Decision d = policy.replacement(plan.peer(), java.util.Set.of(relay.nodeId()),
                            "relay " + relay.shortId() + " unreachable", false, java.time.Duration.ofMillis(150));
                    Flow.step(peerName, "OM1: relay on peer {} unreachable ({}): {}", relay.shortId(), e.getMessage(), d.reason());
                    if (d.relayed()) {
                        relay = d.relay();
                        relaySession = startRelay(relay, s.id());
                    } else if (!nat && !plan.peer().nat()) {
                        relay = null; // between public peers the direct path beats no media
                    } else {
                        throw e;
                    }
                    s.note((relay != null ? "RTP1 -> RTP3 -> RTP2, relay on " + relay.shortId() : "RTP1 -> RTP2") + " ("
                            + d.reason() + ")");
                }
            }
            boolean forced = settings.relayPolicy() == RelayPolicy.Mode.ALWAYS || nat || plan.peer().nat();
            MediaChain.Via via = relay != null ? new MediaChain.Via(relay, relaySession) : MediaChain.Via.DIRECT;
            return remember(new MediaChain(s.id(), call, Sato.Role.INITIATOR, local, plan.peer(), via, forced));
        } catch (OmException e) {
            throw failed(s.id(), call, e);
        }
    }

    private PortSession startRelay(PeerRecord relay, String satoId) throws OmException {
        PortSession session = om.startRemotePort(relay.om(), satoId, PortKind.RTP_PORT,
                Map.of(Fields.ROLE, RtpAllocate.RELAY, Fields.TRANSPORT, RtpAllocate.UDP));
        steps.step(null, satoId, CallSteps.OM, CallSteps.RELAY, "StartPort", "RTP-Port relay on peer " + relay.shortId() + " ("
                + relay.om() + "): session " + session.sessionId() + ", towards RTP1 " + session.leg(PortSession.LEG_CALLER)
                + ", towards RTP2 " + session.leg(PortSession.LEG_CALLEE));
        Flow.step(peerName, "OM1: StartPort RTP-Port relay on peer {} (OM IF): session {}, towards RTP1 {}, towards RTP2 {}",
                relay.shortId(), session.sessionId(), session.leg(PortSession.LEG_CALLER), session.leg(PortSession.LEG_CALLEE));
        return session;
    }

    /** Acceptor: RTP2 for the call whose signalling SATO {@code caller}'s OM set up with this OM. */
    private MediaChain accept(String call, PeerRecord caller) throws ControlException {
        Sato s = newSato(call, caller, Sato.Role.ACCEPTOR);
        try {
            PortSession local = startLocal(s, call, "OM2");
            return remember(new MediaChain(s.id(), call, Sato.Role.ACCEPTOR, local, caller, MediaChain.Via.DIRECT, true));
        } catch (OmException e) {
            throw failed(s.id(), call, e);
        }
    }

    private Sato newSato(String call, PeerRecord peer, Sato.Role role) {
        String id = NodeIds.shortId(self.nodeId()) + "-m" + counter.incrementAndGet();
        return om.satos().addIfAbsent(new Sato(id, Purpose.MEDIA, peer.nodeId(), role, SatoState.NEGOTIATED).callId(call));
    }

    private PortSession startLocal(Sato s, String call, String who) throws OmException {
        PortSession local = om.startLocalPort(s.id(), PortKind.RTP_PORT, Map.of(Fields.ROLE, RtpAllocate.ENDPOINT,
                Fields.TRANSPORT, RtpAllocate.UDP, Fields.CALL, call));
        steps.step(call, s.id(), CallSteps.PORT, CallSteps.OM, "sato.media.request", "media SATO " + s.id() + " for call " + call);
        steps.step(call, s.id(), CallSteps.OM, CallSteps.RTP, "rtp.allocate", "RTP-Port session " + local.sessionId()
                + ": UA side " + local.leg(PortSession.LEG_UA) + ", overlay side " + local.leg(PortSession.LEG_CALLER));
        Flow.step(peerName, "{}: RTP-Port session {} for call {}: UA side {}, overlay side {}", who, local.sessionId(),
                Satos.shortCall(call), local.leg(PortSession.LEG_UA), local.leg(PortSession.LEG_CALLER));
        return local;
    }

    private MediaChain remember(MediaChain ms) {
        media.put(ms.id, ms);
        return ms;
    }

    /** Whether media SATO {@code id} is a running call's the media watch looks after (kept when its peer stops answering). */
    boolean watchedAndRunning(String id) {
        MediaChain c = media.get(id);
        return c != null && c.remote() != null && watch.watches(id) && settings.adaptation().deadMedia().toMillis() > 0;
    }

    /** Where another relay is found when the planned one does not answer StartPort. */
    void relayPolicy(RelayPolicy p) {
        policy = p;
    }

    /** The media SATO {@code id} of this OM, or null. */
    MediaChain get(String id) {
        return media.get(id);
    }

    /** The media SATOs of call {@code call} (a few at most). */
    List<MediaChain> ofCall(String call) {
        List<MediaChain> out = new java.util.ArrayList<>(2);
        for (MediaChain c : media.values()) {
            if (c.call.equals(call)) {
                out.add(c);
            }
        }
        return out;
    }

    private ControlException failed(String id, String call, OmException e) {
        Satos.closeQuietly(om, id, "media SATO setup failed");
        ErrorCode code = e.getMessage() != null && e.getMessage().toLowerCase().contains("exhaust")
                ? ErrorCode.RESOURCE_EXHAUSTED : ErrorCode.UNAVAILABLE;
        return new ControlException(code, "media SATO for call " + call + ": " + e.getMessage());
    }

    /** {@code sato.media.connect}: the UA's media address and/or the far side's overlay address are known. */
    ControlMessage connect(ControlMessage r) throws ControlException {
        MediaSatoConnect req = MediaSatoConnect.from(r);
        String id = req.sato();
        MediaChain ms = media.get(id);
        if (ms == null) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no media SATO " + id);
        }
        try {
            String ua = req.ua();
            Address far = req.remote() == null ? null : Address.parse(req.remote());
            boolean chain = far != null && ms.initiator() && ms.via().session() != null;
            // the phone's leg and a direct overlay leg are connected together: one wait for the RTP-Port, not two
            List<SatoPorts.LegTarget> legs = new java.util.ArrayList<>(2);
            if (ua != null) {
                legs.add(new SatoPorts.LegTarget(PortSession.LEG_UA, Address.parse(ua), SatoPorts.LegStart.CHAIN));
            }
            if (far != null && !chain) {
                legs.add(ms.initiator()
                        ? new SatoPorts.LegTarget(PortSession.LEG_CALLEE, far, SatoPorts.LegStart.CHAIN)
                        // behind a NAT RTP2 sends first: its packets open the NAT binding the relay latches onto
                        : new SatoPorts.LegTarget(PortSession.LEG_CALLER, far, nat ? SatoPorts.LegStart.ACTIVE : SatoPorts.LegStart.CHAIN));
            }
            if (!legs.isEmpty()) {
                om.ports().connect(ms.local, legs);
            }
            if (far != null) {
                if (chain) {
                    connectChain(ms, far);
                } else if (ms.initiator()) {
                    Flow.step(peerName, "OM1: Connect RTP: RTP1 -> RTP2 at {}", far);
                    steps.step(ms.call, ms.id, CallSteps.OM, CallSteps.RTP, "Connect RTP", "rtp.connect: RTP1 " + ms.local.sessionId()
                            + " -> RTP2 at " + far + " (direct)");
                } else if (nat) {
                    Flow.step(peerName, "OM2: RTP2 (behind a NAT) sends first towards {}, opening the NAT binding", far);
                    steps.step(ms.call, ms.id, CallSteps.OM, CallSteps.RTP, "Connect RTP", "rtp.connect: RTP2 sends first towards " + far);
                } else {
                    Flow.step(peerName, "OM2: RTP2 overlay side latches onto the media from {}", far);
                    steps.step(ms.call, ms.id, CallSteps.OM, CallSteps.RTP, "Connect RTP", "rtp.connect: RTP2 latches onto the media from " + far);
                }
                ms.remote(far);
                watch.watch(ms);
            }
            Sato s = om.satos().get(id);
            if (s != null) {
                s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
            }
        } catch (OmException | IllegalArgumentException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "connect media SATO " + id + ": " + e.getMessage());
        }
        return ControlMessage.responseTo(r);
    }

    /** Initiator with a relay: "Connect RTP" in chain order RTP1 -> RTP3 -> RTP2 (ConnectRtp to the relay's OM). */
    private void connectChain(MediaChain ms, Address remote) throws OmException {
        PortSession local = ms.local;
        MediaChain.Via via = ms.via();
        PortSession relay = via.session();
        String far = ms.peer.nodeId();
        List<MediaHop> hops = List.of(
                new MediaHop(self.nodeId(), null, local.sessionId(), null, local.leg(PortSession.LEG_CALLEE), nat),
                new MediaHop(via.relay().nodeId(), via.relay().om(), relay.sessionId(),
                        relay.leg(PortSession.LEG_CALLER), relay.leg(PortSession.LEG_CALLEE)),
                new MediaHop(far, ms.peer.om(), "remote", remote, null, ms.peer.nat()));
        om.buildMediaChain(ms.id, TransportKind.UDP, hops, far);
        steps.step(ms.call, ms.id, CallSteps.OM, CallSteps.RTP, "Connect RTP", "rtp.connect: RTP1 "
                + local.leg(PortSession.LEG_CALLEE) + " -> RTP3 " + relay.leg(PortSession.LEG_CALLER));
        steps.step(ms.call, ms.id, CallSteps.OM, CallSteps.RELAY, "ConnectRtp", "RTP3 on peer " + via.relay().shortId() + ": "
                + relay.leg(PortSession.LEG_CALLEE) + " -> RTP2 " + remote + " (OM IF)");
        Flow.step(peerName, "OM1: Connect RTP: RTP1 {} -> RTP3 {} | {} -> RTP2 {} (ConnectRtp to peer {} over the OM IF)",
                local.leg(PortSession.LEG_CALLEE), relay.leg(PortSession.LEG_CALLER), relay.leg(PortSession.LEG_CALLEE),
                remote, via.relay().shortId());
    }

    /** Tears down media SATO {@code id}; false if it is not one of this OM's media SATOs. */
    boolean end(String id, String reason) {
        MediaChain ms = media.remove(id);
        if (ms == null) {
            return false;
        }
        watch.forget(id);
        Satos.closeQuietly(om, id, reason);
        MediaChain.Via via = ms.via();
        steps.step(ms.call, id, CallSteps.OM, CallSteps.RTP, "rtp.release", "media SATO " + id + " torn down (" + reason + ")");
        if (via.relayed()) {
            steps.step(ms.call, id, CallSteps.OM, CallSteps.RELAY, "StopPort", "relay session on peer " + via.relay().shortId());
        }
        Flow.step(peerName, "OM: media SATO {} torn down ({}): RTP-Port sessions released{}", id, reason,
                via.relayed() ? ", relay session on peer " + via.relay().shortId() + " stopped" : "");
        return true;
    }
}
