package org.p2psip.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.Address;
import org.p2psip.om.MediaHop;
import org.p2psip.om.NodeIds;
import org.p2psip.om.OmException;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.PortKind;
import org.p2psip.om.Purpose;
import org.p2psip.om.Requirement;
import org.p2psip.om.Sato;
import org.p2psip.om.SatoState;
import org.p2psip.om.TransportCandidate;
import org.p2psip.om.TransportKind;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Overlay Manager's side of its P2PSIP-Port's requests (paper Sec. 5.1.1 and 5.2):
 * user records in the lookup service, the signalling SATO of a call (negotiated with the callee's
 * OM over the OM IF, with the path measured and a relay chosen when needed), and the media SATO
 * (sessions on the local RTP-Port and, if chosen, on a relay RTP-Port on a third peer, connected
 * as RTP1 -> RTP3 -> RTP2). Field names are those of {@code sip-proxy/README.md}.
 */
final class SatoPortRequests implements ControlHandler {
    private static final Logger log = LoggerFactory.getLogger(SatoPortRequests.class);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final String peerName;
    private final LookupService lookup;
    private final PeerConfig config;
    private final RelayDirectory relays;
    private volatile OverlayManager om;
    private volatile PeerRecord self;
    private final Set<String> registeredUsers = ConcurrentHashMap.newKeySet();
    /** Per call (Call-ID): the signalling SATO's peer and the relay decision, kept for the media SATO. */
    private final Map<String, java.util.concurrent.CompletableFuture<CallPlan>> calls = new ConcurrentHashMap<>();
    /** Media SATOs this handler set up, by id. */
    private final Map<String, MediaSato> media = new ConcurrentHashMap<>();
    private final AtomicInteger mediaCounter = new AtomicInteger();

    /** What the caller's OM decided while setting up the signalling SATO. */
    record CallPlan(String call, String signallingSato, PeerRecord peer, PeerRecord relay, String reason) {
    }

    /** One media SATO: the local RTP-Port session and, on the caller's side, the relay's. */
    record MediaSato(String id, String call, boolean callerSide, PortSession local, PeerRecord peer,
                     PeerRecord relay, PortSession relaySession) {
    }

    SatoPortRequests(String peerName, LookupService lookup, PeerConfig config, RelayDirectory relays) {
        this.peerName = peerName;
        this.lookup = lookup;
        this.config = config;
        this.relays = relays;
    }

    void attach(OverlayManager om, PeerRecord self) {
        this.self = self;
        this.om = om;
    }

    Set<String> registeredUsers() {
        return Set.copyOf(registeredUsers);
    }

    @Override
    public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
        OverlayManager m = om;
        if (m == null) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "the Overlay Manager is still starting");
        }
        switch (r.type()) {
            case MessageTypes.USER_REGISTER:
                return register(r);
            case MessageTypes.USER_DEREGISTER:
                return deregister(r);
            case MessageTypes.USER_LOOKUP:
                return lookupUser(r);
            case MessageTypes.SATO_SIGNALLING_REQUEST:
                return signallingSato(from, r, m);
            case MessageTypes.SATO_MEDIA_REQUEST:
                return mediaSato(r, m);
            case MessageTypes.SATO_MEDIA_CONNECT:
                return connectMedia(r, m);
            case MessageTypes.SATO_TEARDOWN:
                return teardown(r, m);
            default:
                throw ControlHandler.unknownType(r);
        }
    }

    @Override
    public void onEvent(ControlConnection from, ControlMessage event) {
        log.debug("event from the P2PSIP-Port: {}", event);
    }

    // ---------------------------------------------------------------- user records (interface 3)

    private ControlMessage register(ControlMessage r) throws ControlException {
        String user = r.require("user");
        int ttl = r.requireInt("ttl");
        await(lookup.put(PeerRecord.USER_PREFIX + user, self.value(), Math.max(1, ttl)), "store the user record of " + user);
        if (registeredUsers.add(user)) {
            Flow.step(peerName, "P2PSIP-Port: REGISTER {} -> OM stores user record user:{} -> {} in the DHT (TTL {} s)",
                    user, user, self.shortId(), ttl);
        }
        return ControlMessage.responseTo(r);
    }

    private ControlMessage deregister(ControlMessage r) throws ControlException {
        String user = r.require("user");
        await(lookup.remove(PeerRecord.USER_PREFIX + user, self.value()), "remove the user record of " + user);
        registeredUsers.remove(user);
        Flow.step(peerName, "P2PSIP-Port: {} deregistered -> OM removed user:{} from the DHT", user, user);
        return ControlMessage.responseTo(r);
    }

    private ControlMessage lookupUser(ControlMessage r) throws ControlException {
        String user = r.require("user");
        List<String> values = await(lookup.get(PeerRecord.USER_PREFIX + user), "look up user " + user);
        ControlMessage answer = ControlMessage.responseTo(r);
        List<String> found = new ArrayList<>();
        for (String v : values) {
            PeerRecord p;
            try {
                p = PeerRecord.parse(v);
            } catch (IllegalArgumentException e) {
                log.warn("ignoring a malformed user record under user:{}: {}", user, e.getMessage());
                continue;
            }
            answer = answer.with("peer", v);
            if (p.nodeId().equals(self.nodeId())) {
                answer = answer.with("self", v);
            }
            found.add(p.shortId());
        }
        Flow.step(peerName, "P2PSIP-Port: DHT lookup user:{} -> {}", user, found.isEmpty() ? "not registered (404)" : found);
        return answer;
    }

    // ---------------------------------------------------------------- signalling SATO (Figure 4)

    private ControlMessage signallingSato(ControlConnection from, ControlMessage r, OverlayManager m) throws ControlException {
        String call = r.require("call");
        PeerRecord peer;
        try {
            peer = PeerRecord.parse(r.require("peer"));
        } catch (IllegalArgumentException e) {
            throw new ControlException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        Flow.step(peerName, "OM1: signalling SATO for call {} -> connect and negotiate with OM2 {} at {} (reliable)",
                shortCall(call), peer.shortId(), peer.om());
        Sato s;
        try {
            Address sipOverlay = m.ports().signallingEndpoint(TransportKind.TCP);
            s = m.openSato(peer.om(), peer.nodeId(), Purpose.SIGNALLING, call, List.of(Requirement.RELIABLE),
                    List.of(new TransportCandidate(TransportKind.TCP, sipOverlay)));
        } catch (OmException e) {
            Flow.step(peerName, "OM1: signalling SATO towards {} failed: {}", peer.shortId(), e.getMessage());
            plan(call).completeExceptionally(e);
            calls.remove(call);
            throw new ControlException(ErrorCode.UNAVAILABLE, "signalling SATO towards " + peer.om() + " failed: " + e.getMessage());
        }
        plan(call).complete(planMedia(call, s.id(), peer, m));
        Flow.step(peerName, "OM1: signalling SATO {} ready: {} to P2PSIP-Port 2 at {}", s.id(), s.transport(), s.remoteEndpoint());
        ControlMessage answer = ControlMessage.responseTo(r).with("sato", s.id());
        // the event follows the answer on the same connection; the port matches it by SATO id
        ControlMessage ready = ControlMessage.event(MessageTypes.SATO_READY).with("sato", s.id())
                .with("transport", "tcp").with("address", s.remoteEndpoint().toString());
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                from.sendEvent(ready);
            } catch (ControlException e) {
                log.warn("could not tell the P2PSIP-Port that SATO {} is ready: {}", s.id(), e.getMessage());
            }
        }, java.util.concurrent.CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
        return answer;
    }

    /** Sec. 5.2: measure the path to OM2 and decide whether the media SATO goes through a relay RTP-Port. */
    private CallPlan planMedia(String call, String sato, PeerRecord peer, OverlayManager m) {
        PeerConfig.RelayPolicy policy = config.relayPolicy();
        String reason;
        boolean wantRelay;
        if (policy == PeerConfig.RelayPolicy.NEVER) {
            wantRelay = false;
            reason = "relay policy never";
        } else if (policy == PeerConfig.RelayPolicy.ALWAYS) {
            wantRelay = true;
            reason = "relay policy always";
        } else if (config.nat() || peer.nat()) {
            // Sec. 5.3: behind a (symmetric) NAT no direct path exists; a relay on a public peer joins both sides
            wantRelay = true;
            reason = config.nat() && peer.nat() ? "both peers are behind NATs"
                    : config.nat() ? "this peer is behind a NAT" : "peer " + peer.shortId() + " is behind a NAT";
        } else {
            var path = m.measure(peer.nodeId(), peer.om(), 5);
            double rtt = path.rttMsAvg() + config.probeExtraDelayMs();
            double lossPercent = path.lossRatio() * 100;
            if (!path.reachable()) {
                wantRelay = true;
                reason = "OM2 does not answer path probes";
            } else if (rtt > config.relayRttMs()) {
                wantRelay = true;
                reason = String.format("path congested: RTT %.1f ms > %d ms", rtt, config.relayRttMs());
            } else if (lossPercent > config.relayLossPercent()) {
                wantRelay = true;
                reason = String.format("path congested: loss %.0f%% > %d%%", lossPercent, config.relayLossPercent());
            } else {
                wantRelay = false;
                reason = String.format("path fine: RTT %.1f ms, loss %.0f%%", rtt, lossPercent);
            }
        }
        PeerRecord relay = null;
        if (wantRelay) {
            relay = relays.find(Set.of(self.nodeId(), peer.nodeId()));
            if (relay == null) {
                reason += "; but no RTP-Port relay is registered in the lookup service: media goes directly";
            } else {
                Flow.step(peerName, "OM1: lookup service: RTP-Port relay found on peer {} at {}", relay.shortId(), relay.om());
            }
        }
        Flow.step(peerName, "OM1: media SATO for call {}: {} ({})", shortCall(call),
                relay == null ? "RTP1 -> RTP2" : "RTP1 -> RTP3 -> RTP2 via " + relay.shortId(), reason);
        log.info("relay decision for call {}: {} ({})", call, relay == null ? "no relay" : "relay " + relay.om(), reason);
        return new CallPlan(call, sato, peer, relay, reason);
    }

    // ---------------------------------------------------------------- media SATO

    private java.util.concurrent.CompletableFuture<CallPlan> plan(String call) {
        return calls.computeIfAbsent(call, k -> new java.util.concurrent.CompletableFuture<>());
    }

    private ControlMessage mediaSato(ControlMessage r, OverlayManager m) throws ControlException {
        String call = r.require("call");
        // The callee's OM accepted the call's signalling SATO before its P2PSIP-Port saw the INVITE; the
        // caller's P2PSIP-Port asks for media while (in parallel with) its OM sets the signalling SATO up.
        PeerRecord incoming = peerOfIncomingCall(call, m);
        boolean callerSide = incoming == null;
        CallPlan plan = null;
        if (callerSide) {
            try {
                plan = plan(call).get(15, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new ControlException(ErrorCode.UNAVAILABLE, "media SATO for call " + call + ": no signalling SATO ("
                        + (e instanceof TimeoutException ? "not ready in time" : e.getCause().getMessage()) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
        PeerRecord peer = plan != null ? plan.peer() : incoming;
        String id = NodeIds.shortId(self.nodeId()) + "-m" + mediaCounter.incrementAndGet();
        Sato s = new Sato(id, Purpose.MEDIA, peer == null ? self.nodeId() : peer.nodeId(),
                callerSide ? Sato.Role.INITIATOR : Sato.Role.ACCEPTOR, SatoState.NEGOTIATED).callId(call);
        if (plan != null) {
            s.note((plan.relay() == null ? "RTP1 -> RTP2" : "RTP1 -> RTP3 -> RTP2, relay on " + plan.relay().shortId())
                    + " (" + plan.reason() + ")");
        }
        m.satos().addIfAbsent(s);
        PortSession local;
        PeerRecord relay = callerSide && plan != null ? plan.relay() : null;
        PortSession relaySession = null;
        try {
            local = m.startLocalPort(id, PortKind.RTP_PORT, Map.of("role", "endpoint", "transport", "udp", "call", call));
            Flow.step(peerName, "{}: RTP-Port session {} for call {}: UA side {}, overlay side {}",
                    callerSide ? "OM1" : "OM2", local.sessionId(), shortCall(call), local.leg(PortSession.LEG_UA),
                    local.leg(PortSession.LEG_CALLER));
            if (relay != null) {
                relaySession = m.startRemotePort(relay.om(), id, PortKind.RTP_PORT, Map.of("role", "relay", "transport", "udp"));
                Flow.step(peerName, "OM1: StartPort RTP-Port relay on peer {} (OM IF): session {}, towards RTP1 {}, towards RTP2 {}",
                        relay.shortId(), relaySession.sessionId(), relaySession.leg(PortSession.LEG_CALLER),
                        relaySession.leg(PortSession.LEG_CALLEE));
            }
        } catch (OmException e) {
            closeQuietly(m, id, "media SATO setup failed");
            ErrorCode code = e.getMessage() != null && e.getMessage().toLowerCase().contains("exhaust")
                    ? ErrorCode.RESOURCE_EXHAUSTED : ErrorCode.UNAVAILABLE;
            throw new ControlException(code, "media SATO for call " + call + ": " + e.getMessage());
        }
        media.put(id, new MediaSato(id, call, callerSide, local, peer, relay, relaySession));
        Address overlay = relaySession != null ? relaySession.leg(PortSession.LEG_CALLEE) : local.leg(PortSession.LEG_CALLER);
        Address ua = local.leg(PortSession.LEG_UA);
        return ControlMessage.responseTo(r).with("sato", id).with("ua", ua.toString()).with("overlay", overlay.toString());
    }

    private static PeerRecord peerOfIncomingCall(String call, OverlayManager m) {
        for (Sato s : m.satos().all()) {
            if (s.purpose() == Purpose.SIGNALLING && s.role() == Sato.Role.ACCEPTOR && call.equals(s.callId()) && s.peerOm() != null) {
                return new PeerRecord(s.peerNodeId(), s.peerOm(), -1);
            }
        }
        return null;
    }

    private ControlMessage connectMedia(ControlMessage r, OverlayManager m) throws ControlException {
        String id = r.require("sato");
        MediaSato ms = media.get(id);
        if (ms == null) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no media SATO " + id);
        }
        try {
            String ua = r.get("ua");
            if (ua != null) {
                m.ports().connect(ms.local(), PortSession.LEG_UA, Address.parse(ua), TransportKind.UDP);
            }
            String remoteText = r.get("remote");
            if (remoteText != null) {
                Address remote = Address.parse(remoteText);
                if (!ms.callerSide() && config.nat()) {
                    // behind a NAT RTP2 sends first: its packets open the NAT binding the relay latches onto
                    m.ports().connect(ms.local(), PortSession.LEG_CALLER, remote, TransportKind.UDP, SatoPorts.LegStart.ACTIVE);
                    Flow.step(peerName, "OM2: RTP2 (behind a NAT) sends first towards {}, opening the NAT binding", remote);
                } else if (!ms.callerSide()) {
                    m.ports().connect(ms.local(), PortSession.LEG_CALLER, remote, TransportKind.UDP);
                    Flow.step(peerName, "OM2: RTP2 overlay side latches onto the media from {}", remote);
                } else if (ms.relaySession() == null) {
                    m.ports().connect(ms.local(), PortSession.LEG_CALLEE, remote, TransportKind.UDP);
                    Flow.step(peerName, "OM1: Connect RTP: RTP1 -> RTP2 at {}", remote);
                } else {
                    String far = ms.peer() != null ? ms.peer().nodeId() : "0000000000000000";
                    List<MediaHop> hops = List.of(
                            new MediaHop(self.nodeId(), null, ms.local().sessionId(), null, ms.local().leg(PortSession.LEG_CALLEE),
                                    config.nat()),
                            new MediaHop(ms.relay().nodeId(), ms.relay().om(), ms.relaySession().sessionId(),
                                    ms.relaySession().leg(PortSession.LEG_CALLER), ms.relaySession().leg(PortSession.LEG_CALLEE)),
                            new MediaHop(far, ms.peer() != null ? ms.peer().om() : null, "remote", remote, null,
                                    ms.peer() != null && ms.peer().nat()));
                    m.buildMediaChain(id, TransportKind.UDP, hops, far);
                    Flow.step(peerName, "OM1: Connect RTP: RTP1 {} -> RTP3 {} | {} -> RTP2 {} (ConnectRtp to peer {} over the OM IF)",
                            ms.local().leg(PortSession.LEG_CALLEE), ms.relaySession().leg(PortSession.LEG_CALLER),
                            ms.relaySession().leg(PortSession.LEG_CALLEE), remote, ms.relay().shortId());
                }
            }
            Sato s = m.satos().get(id);
            if (s != null) {
                s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
            }
        } catch (OmException | IllegalArgumentException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "connect media SATO " + id + ": " + e.getMessage());
        }
        return ControlMessage.responseTo(r);
    }

    // ---------------------------------------------------------------- teardown

    private ControlMessage teardown(ControlMessage r, OverlayManager m) throws ControlException {
        String id = r.require("sato");
        String reason = r.get("reason", "call ended");
        MediaSato ms = media.remove(id);
        if (ms != null) {
            closeQuietly(m, id, reason);
            Flow.step(peerName, "OM: media SATO {} torn down ({}): RTP-Port sessions released{}", id, reason,
                    ms.relaySession() != null ? ", relay session on peer " + ms.relay().shortId() + " stopped" : "");
            return ControlMessage.responseTo(r);
        }
        calls.values().removeIf(p -> p.isDone() && !p.isCompletedExceptionally() && p.join().signallingSato().equals(id));
        if (m.satos().get(id) == null) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no SATO " + id);
        }
        closeQuietly(m, id, reason);
        Flow.step(peerName, "OM: signalling SATO {} torn down ({})", id, reason);
        return ControlMessage.responseTo(r);
    }

    private static void closeQuietly(OverlayManager m, String id, String reason) {
        try {
            m.closeSato(id, reason);
        } catch (OmException e) {
            log.debug("closing SATO {}: {}", id, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) throws ControlException {
        try {
            return f.get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service did not answer in time: could not " + what);
        } catch (ExecutionException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service: could not " + what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted: could not " + what);
        }
    }

    private static String shortCall(String call) {
        return call.length() > 12 ? call.substring(0, 12) + "…" : call;
    }
}
