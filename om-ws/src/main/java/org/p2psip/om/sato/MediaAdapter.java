package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.om.MediaAdaptation;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.path.PathQuality;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.TransportKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts running media SATOs (Sec. 4: "the adaptation can result in removing or adding SATO-Ports"),
 * invisibly to the phones: only the overlay legs of the chain move, the UA legs keep their sockets,
 * and no re-INVITE is sent.
 * <ul>
 *   <li>Caller's side (owner of the chain): moves the middle of RTP1 -> (RTP3) -> RTP2 to a new relay
 *       (StartPort and ConnectRtp at the relay's OM), or to none, re-points RTP1 ({@code rtp.update})
 *       and has the callee's OM re-point RTP2 (AdaptSato), then stops the old relay session.</li>
 *   <li>Callee's side: AdaptSato re-points RTP2; ReportPath from the callee's end reaches the
 *       caller's media watch.</li>
 * </ul>
 * Every change is logged on {@value #LOG} and kept in the SATO's history (node status).
 */
final class MediaAdapter implements MediaAdaptation, MediaWatch.Actions {
    /** The call ladder's recorder (the peer's web view); {@link CallSteps#NONE} unless one is set. */
    volatile CallSteps steps = CallSteps.NONE;
    /** The logger of media SATO adaptations. */
    static final String LOG = "p2psip.adapt";
    private static final Logger log = LoggerFactory.getLogger(LOG);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /** How long the survey of detours may wait for probes at a failover. */
    private static final Duration FAILOVER_WAIT = Duration.ofMillis(150);
    /** Probes of the direct path's recent figures needed to fail over to it without trying a relay first. */
    private static final int MIN_DIRECT_PROBES = 6;
    /** How long a relay that failed is not chosen again for the same SATO. */
    private static final long FAILED_FOR_NANOS = Duration.ofSeconds(15).toNanos();
    /**
     * A relay that failed is not gone back to by a restoration (policy always) for this long: its
     * record outlives it in the lookup service by up to the record's TTL (60 s).
     */
    private static final long RESTORE_AVOIDS_NANOS = Duration.ofSeconds(60).toNanos();
    /** Relays a restoration looks at, at most (the cached list, most spare capacity first). */
    private static final int RESTORE_CANDIDATES = 8;
    /** Failed relays remembered at most. */
    private static final int MAX_FAILED = 256;
    /**
     * A relay candidate's OM IF connection is opened again (a Ping) at most this often: the JDK keeps an
     * idle HTTP connection 5 s, so a call every few seconds keeps it open without a Ping per call.
     */
    private static final long PREPARED_FOR_NANOS = Duration.ofSeconds(3).toNanos();
    /** Relay OMs pinged lately (OM address -> System.nanoTime of the Ping), at most {@value #MAX_FAILED}. */
    private final Map<Address, Long> preparedRelays = new ConcurrentHashMap<>();

    private final String peerName;
    private final OverlayManager om;
    private final PeerRecord self;
    private final boolean nat;
    private final RelayPolicy policy;
    private final Function<String, MediaChain> chains;
    private final Function<String, List<MediaChain>> byCall;
    private final MediaWatch watch;
    private final Map<String, Long> failedRelays = new ConcurrentHashMap<>();

    MediaAdapter(String peerName, OverlayManager om, PeerRecord self, boolean nat, RelayPolicy policy,
                 Function<String, MediaChain> chains, Function<String, List<MediaChain>> byCall, MediaWatch watch) {
        this.peerName = peerName;
        this.om = om;
        this.self = self;
        this.nat = nat;
        this.policy = policy;
        this.chains = chains;
        this.byCall = byCall;
        this.watch = watch;
    }

    // ------------------------------------------------------------------ caller's side: moving the chain

    @Override
    public boolean move(MediaChain c, PathJudge.Action action, String reason) {
        if (chains.apply(c.id) != c || c.remote() == null) {
            return false; // torn down meanwhile, or not connected yet
        }
        MediaChain.Via via = c.via();
        long decideStart = System.nanoTime();
        PeerRecord target;
        boolean direct;
        String why = reason;
        switch (action) {
            case REMOVE:
                direct = true;
                target = null;
                break;
            case RESTORE: {
                // from the cached relay list only (no lookup, which waits when it finds none): tried again
                // after the next window; a relay that failed lately is not taken again before its time
                Set<String> ex = failedWithin(RESTORE_AVOIDS_NANOS, null);
                PeerRecord back = policy.candidates(c.peer, RESTORE_CANDIDATES).stream().filter(p -> !ex.contains(p.nodeId()))
                        .findFirst().orElse(null);
                if (back == null) {
                    log.debug("[{}] media SATO {}: {}: no relay to go back to yet", peerName, c.id, reason);
                    policy.refreshRelays(); // for the next try
                    return false;
                }
                direct = false;
                target = back;
                why = reason + ": back on relay " + back.shortId() + " (most spare capacity)";
                break;
            }
            case INSERT: {
                RelayPolicy.Decision d = policy.replacement(c.peer, excluded(null), reason, true, FAILOVER_WAIT);
                if (!d.relayed()) {
                    log.info("[{}] media SATO {}: {}: stays direct", peerName, c.id, d.reason());
                    return false;
                }
                direct = false;
                target = d.relay();
                why = d.reason();
                break;
            }
            case FAILOVER: {
                if (via.relayed()) {
                    failedRelays.put(via.relay().nodeId(), System.nanoTime());
                    trimFailed();
                }
                PathQuality directNow = om.directFigures(c.peer, Duration.ofSeconds(3));
                boolean directAllowed = !c.relayForced && policy.settings().relayPolicy() != RelayPolicy.Mode.ALWAYS;
                // back to the direct path only when it is comfortably good (the removal's hysteresis): a
                // relay inserted for congestion that stalls for a moment must not send the media back to
                // a direct path whose queue just happens to sit under the thresholds; else another relay,
                // and the direct path only when none is left
                if (via.relayed() && directAllowed && policy.comfortablyGood(directNow)
                        && directNow.sent() >= MIN_DIRECT_PROBES) {
                    direct = true;
                    target = null;
                    why = reason + "; direct path comfortably good";
                    break;
                }
                if (!via.relayed() && policy.settings().relayPolicy() != RelayPolicy.Mode.AUTO) {
                    log.info("[{}] media SATO {}: {}; relay policy {}: stays direct", peerName, c.id, reason,
                            policy.settings().relayPolicy().name().toLowerCase());
                    return false;
                }
                RelayPolicy.Decision d = policy.replacement(c.peer, excluded(via), reason, false, FAILOVER_WAIT);
                if (d.relayed()) {
                    direct = false;
                    target = d.relay();
                    why = d.reason();
                } else if (via.relayed() && !nat && !c.peer.nat()) {
                    // no relay left: between public peers the direct path beats a dead relay (as at set-up)
                    direct = true;
                    target = null;
                    why = d.reason() + "; back to the direct path";
                } else {
                    log.warn("[{}] media SATO {} (call {}): {}: no alternative, the call stays on {}", peerName, c.id,
                            Satos.shortCall(c.call), d.reason(), via.path());
                    note(c, "no alternative: " + d.reason());
                    return false;
                }
                break;
            }
            default:
                return false;
        }
        return moveTo(c, via, direct ? null : target, why, (System.nanoTime() - decideStart) / 1_000_000);
    }

    /** Moves {@code c} from {@code old} to a relay on {@code relay} (null: direct). */
    private boolean moveTo(MediaChain c, MediaChain.Via old, PeerRecord relay, String why, long decidedMs) {
        long t0 = System.nanoTime();
        long tRelay = t0;
        Address rtp2 = c.remote();
        SatoPorts.LegStart start = nat ? SatoPorts.LegStart.ACTIVE : SatoPorts.LegStart.CHAIN;
        boolean repointed = false;
        PortSession session = null;
        try {
            Address towardsRtp2;
            Address towardsRtp1;
            if (relay != null) {
                session = om.startRemotePort(relay.om(), c.id, PortKind.RTP_PORT,
                        Map.of(Fields.ROLE, RtpAllocate.RELAY, Fields.TRANSPORT, RtpAllocate.UDP));
                List<MediaHop> hops = List.of(
                        new MediaHop(self.nodeId(), null, c.local.sessionId(), null, c.local.leg(PortSession.LEG_CALLEE), nat),
                        new MediaHop(relay.nodeId(), relay.om(), session.sessionId(), session.leg(PortSession.LEG_CALLER),
                                session.leg(PortSession.LEG_CALLEE)),
                        new MediaHop(c.peer.nodeId(), c.peer.om(), "remote", rtp2, null, c.peer.nat()));
                om.remote().connectRtp(relay.om(), c.id, TransportKind.UDP, hops);
                tRelay = System.nanoTime();
                towardsRtp2 = session.leg(PortSession.LEG_CALLER);
                towardsRtp1 = session.leg(PortSession.LEG_CALLEE);
            } else {
                towardsRtp2 = rtp2;
                towardsRtp1 = c.local.leg(PortSession.LEG_CALLER);
            }
            routeSignalling(c, relay, why);
            om.ports().repoint(c.local, PortSession.LEG_CALLEE, towardsRtp2, start);
            repointed = true;
            om.remote().adaptSato(c.peer.om(), c.call, rtp2, towardsRtp1, why);
        } catch (OmException | RuntimeException e) {
            if (repointed) {
                // the far OM did not follow (gone, or a legacy OM without AdaptSato): RTP1 back where RTP2 still is
                try {
                    om.ports().repoint(c.local, PortSession.LEG_CALLEE,
                            old.relayed() ? old.session().leg(PortSession.LEG_CALLER) : rtp2, start);
                } catch (OmException | RuntimeException e2) {
                    log.debug("[{}] media SATO {}: RTP1 not re-pointed back: {}", peerName, c.id, e2.getMessage());
                }
            }
            log.warn("[{}] media SATO {} (call {}): moving {} -> {} failed: {}", peerName, c.id, Satos.shortCall(c.call),
                    old.path(), relay == null ? "direct" : "via " + relay.shortId(), e.getMessage());
            if (session != null) {
                stopQuietly(relay, session);
                if (relay != null) {
                    failedRelays.put(relay.nodeId(), System.nanoTime());
                }
            }
            return false;
        }
        MediaChain.Via now = relay == null ? MediaChain.Via.DIRECT : new MediaChain.Via(relay, session);
        c.via(now);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long relayMs = (tRelay - t0) / 1_000_000;
        String event = LocalTime.now().format(TIME) + " " + old.path() + " -> " + now.path() + " (" + why + "), moved in " + ms + " ms";
        Sato s = om.satos().get(c.id);
        if (s != null) {
            s.adapted(event);
            s.note(relay == null ? "RTP1 -> RTP2 (adapted: " + why + ")"
                    : "RTP1 -> RTP3 -> RTP2, relay on " + relay.shortId() + " (adapted: " + why + ")");
        }
        steps.step(c.call, c.id, CallSteps.OM, now.relayed() ? CallSteps.RELAY : CallSteps.RTP, "path change",
                old.path() + " -> " + now.path() + " (" + why + "); StartPort + ConnectRtp at the new relay, rtp.update of RTP1,"
                        + " AdaptSato to the far OM; moved in " + ms + " ms");
        log.info("[{}] media SATO {} (call {}) adapted: {} -> {} ({}); moved in {} ms (relay session {} ms, decided in {} ms)",
                peerName, c.id, Satos.shortCall(c.call), old.path(), now.path(), why, ms, relayMs, decidedMs);
        if (old.relayed()) {
            stopQuietly(old.relay(), old.session());
        }
        return true;
    }

    /**
     * The OM IF to the far OM follows the media (issue 13: congestion hits every kind of traffic):
     * through the new relay's TCP relay when the direct path is congested (a relay inserted) or the
     * detour in use goes through a relay being left; directly when the media goes direct again.
     */
    private void routeSignalling(MediaChain c, PeerRecord relay, String why) {
        org.p2psip.om.client.DetourRoutes routes = om.detourRoutes();
        if (c.peer.nat() || nat || !routes.available()) {
            return; // reached through relayed addresses anyway
        }
        if (relay == null) {
            routes.direct(c.peer.om(), why);
            return;
        }
        boolean detouring = routes.of(c.peer.om()) != null;
        if ((detouring || !c.via().relayed()) && relay.tcpRelay() != null) {
            routes.use(c.peer.om(), relay.nodeId(), relay.tcpRelay(), why);
        } else if (detouring) {
            routes.direct(c.peer.om(), why + " (the new relay offers no TCP relay)");
        }
    }

    private void stopQuietly(PeerRecord relay, PortSession session) {
        try {
            om.stopRemotePort(relay.om(), session.sessionId());
        } catch (OmException | RuntimeException e) {
            log.debug("[{}] stopping relay session {} on {}: {}", peerName, session.sessionId(), relay.shortId(), e.getMessage());
        }
    }

    private Set<String> excluded(MediaChain.Via via) {
        return failedWithin(FAILED_FOR_NANOS, via);
    }

    /** The relays that failed in the last {@code nanos}, and {@code via}'s relay if it has one. */
    private Set<String> failedWithin(long nanos, MediaChain.Via via) {
        long now = System.nanoTime();
        failedRelays.values().removeIf(t -> now - t > RESTORE_AVOIDS_NANOS);
        Set<String> ex = new java.util.HashSet<>();
        failedRelays.forEach((id, t) -> {
            if (now - t <= nanos) {
                ex.add(id);
            }
        });
        if (via != null && via.relayed()) {
            ex.add(via.relay().nodeId());
        }
        return ex;
    }

    private void trimFailed() {
        if (failedRelays.size() > MAX_FAILED) {
            failedRelays.clear();
        }
    }

    private void note(MediaChain c, String text) {
        Sato s = om.satos().get(c.id);
        if (s != null) {
            s.adapted(LocalTime.now().format(TIME) + " " + text);
        }
    }

    @Override
    public void prepare(MediaChain c) {
        for (PeerRecord r : policy.candidates(c.peer)) {
            long now = System.nanoTime();
            Long last = preparedRelays.get(r.om());
            if (last != null && now - last < PREPARED_FOR_NANOS) {
                continue; // pinged for an earlier call moments ago: its connection is open
            }
            if (preparedRelays.size() >= MAX_FAILED) {
                preparedRelays.clear();
            }
            preparedRelays.put(r.om(), now);
            try {
                om.remote().ping(r.om(), 0, 0); // opens the OM IF connection a failover would need
            } catch (OmException | RuntimeException e) {
                log.debug("[{}] relay {} did not answer a ping: {}", peerName, r.shortId(), e.getMessage());
            }
        }
    }

    /**
     * The direct path to {@code c}'s far peer is degraded, or the media goes through a relay that
     * may die: opens the OM IF detours to the far OM through the candidate relays' TCP relays now
     * (tunnel, SOAP client, a Ping through it), so that AdaptSato does not wait for them when the
     * media moves (seen in the lab: 600 ms for a tunnel opened at the move).
     */
    @Override
    public void prepareDetours(MediaChain c) {
        if (c.peer.nat() || nat || !om.detourRoutes().available()) {
            return;
        }
        MediaChain.Via via = c.via();
        for (PeerRecord r : policy.candidates(c.peer)) {
            if (r.tcpRelay() == null || (via.relayed() && via.relay().nodeId().equals(r.nodeId()))) {
                continue;
            }
            try {
                Address tunnel = om.detourRoutes().tunnel(r.tcpRelay(), c.peer.om());
                om.remote().ping(tunnel, 0, 0);
            } catch (OmException | RuntimeException e) {
                log.debug("[{}] no OM IF detour to peer {} through relay {}: {}", peerName, c.peer.shortId(), r.shortId(),
                        e.getMessage());
            }
        }
    }

    @Override
    public PathQuality directFigures(MediaChain c, Duration span) {
        return om.directFigures(c.peer, span);
    }

    /**
     * The media of {@code c} has been dead at this end for the dead-media time: {@code sato.failed} to
     * the P2PSIP-Port that asked for it, which ends the call (BYE to its phone, SATOs torn down).
     */
    @Override
    public void dead(MediaChain c, long silentMs) {
        String reason = "no media for " + (silentMs / 1000) + " s";
        log.warn("[{}] media SATO {} (call {}): {} at this end: the call is ended", peerName, c.id, Satos.shortCall(c.call), reason);
        note(c, reason + ": call ended");
        org.p2psip.control.ControlConnection port = c.port();
        if (port == null) {
            return;
        }
        try {
            port.sendEvent(new org.p2psip.control.message.SatoFailed(c.id, reason).toMessage());
        } catch (org.p2psip.control.ControlException | RuntimeException e) {
            log.warn("[{}] media SATO {}: the P2PSIP-Port was not told: {}", peerName, c.id, e.getMessage());
        }
    }

    @Override
    public void gap(MediaChain c, long gapMs) {
        log.info("[{}] media SATO {} (call {}): media back {} after a gap of {} ms", peerName, c.id,
                Satos.shortCall(c.call), c.initiator() ? c.via().path() : "from " + c.remote(), gapMs);
        note(c, "media back after a gap of " + gapMs + " ms at this end");
    }

    // ------------------------------------------------------------------ callee's side

    @Override
    public void report(MediaChain c, PathReport report) {
        try {
            om.remote().reportPath(c.peer.om(), report);
            log.debug("[{}] media SATO {}: reported {} to peer {}", peerName, c.id, report, c.peer.shortId());
        } catch (OmException | RuntimeException e) {
            log.debug("[{}] media SATO {}: ReportPath to peer {} failed: {}", peerName, c.id, c.peer.shortId(), e.getMessage());
        }
    }

    @Override
    public String onAdapt(String caller, String callId, Address mediaAddress, Address remote, String reason) throws OmException {
        MediaChain c = find(caller, callId, mediaAddress, false);
        om.ports().repoint(c.local, PortSession.LEG_CALLER, remote, SatoPorts.LegStart.ACTIVE);
        Address before = c.remote();
        c.remote(remote);
        watch.changed(c.id);
        note(c, "overlay leg " + (before == null ? "-" : before) + " -> " + remote + " by the caller's OM (" + reason + ")");
        steps.step(c.call, c.id, CallSteps.FAR_OM, CallSteps.OM, "AdaptSato", "RTP2 now exchanges media with " + remote
                + " (" + reason + ")");
        log.info("[{}] media SATO {} (call {}) adapted by peer {}: RTP2 now exchanges media with {} ({})", peerName, c.id,
                Satos.shortCall(callId), org.p2psip.om.types.NodeIds.shortId(caller), remote, reason);
        return c.id;
    }

    @Override
    public String onReport(String caller, PathReport report) throws OmException {
        // from the callee's OM (about RTP2's reception) or, as a heartbeat, from the caller's: either names RTP2
        MediaChain c;
        try {
            c = find(caller, report.callId(), report.mediaAddress(), true);
        } catch (OmException e) {
            if (e.kind() != OmException.Kind.UNKNOWN_SATO) {
                throw e;
            }
            c = find(caller, report.callId(), report.mediaAddress(), false);
        }
        log.debug("[{}] media SATO {}: the far end reports {}", peerName, c.id, report);
        watch.reported(c.id, report);
        return c.id;
    }

    /**
     * The media SATO of call {@code callId} with {@code caller} as its far peer whose callee's end
     * is at {@code mediaAddress}: on the caller's side ({@code initiator}) the remote RTP2 address,
     * on the callee's side the local RTP2 session's overlay address.
     */
    private MediaChain find(String caller, String callId, Address mediaAddress, boolean initiator) throws OmException {
        for (MediaChain c : byCall.apply(callId)) {
            if (c.initiator() != initiator) {
                continue;
            }
            Address end = initiator ? c.remote() : c.local.leg(PortSession.LEG_CALLER);
            if (mediaAddress.equals(end)) {
                if (!c.peer.nodeId().equals(caller)) {
                    throw OmException.invalid("callerNodeId", "the media SATO of call " + callId + " belongs to another peer");
                }
                return c;
            }
        }
        throw OmException.unknownSato("call " + callId + " at " + mediaAddress);
    }
}
