package org.p2psip.om;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.path.PathMonitor;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.table.SatoTable;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.OmException.Kind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of the SATOs in this node's {@link SatoTable}: opening one towards another OM
 * ("Connect and negotiate", then SetupSato), closing it, releasing everything it uses here and
 * on other nodes when it ends or its peer disappears, and the reaper that ends SATOs negotiated
 * but never set up.
 */
final class SatoLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SatoLifecycle.class);

    private final String nodeId;
    private final OmConfig config;
    private final SatoTable satos;
    private final LocalSessions local;
    private final RemoteSessions remoteSessions;
    private final RemoteOverlayManager remote;
    private final PathMonitor paths;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "om-sato-reaper");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private final KnownNegotiations negotiations = new KnownNegotiations();
    private volatile java.util.function.Predicate<Sato> keepOnPeerLost = s -> false;

    SatoLifecycle(String nodeId, OmConfig config, SatoTable satos, LocalSessions local, RemoteSessions remoteSessions,
                  RemoteOverlayManager remote, PathMonitor paths) {
        this.nodeId = nodeId;
        this.config = config;
        this.satos = satos;
        this.local = local;
        this.remoteSessions = remoteSessions;
        this.remote = remote;
        this.paths = paths;
    }

    void startReaper() {
        long ms = Math.max(100, config.negotiationTtl().toMillis() / 2);
        reaper.scheduleWithFixedDelay(this::expireNegotiated, ms, ms, TimeUnit.MILLISECONDS);
    }

    void ensureOpen() throws OmException {
        if (closed) {
            throw new OmException(Kind.RESOURCES_EXHAUSTED, "om", "the Overlay Manager is shutting down");
        }
    }

    /** Initiator side: negotiates the transport with the OM at {@code peerOm}, then sets the SATO up there. */
    Sato open(Address peerOm, String expectedPeer, Purpose purpose, String callId,
              List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        ensureOpen();
        if (candidates.isEmpty()) {
            throw OmException.invalid("candidate", "no transport candidates to offer");
        }
        KnownNegotiations.Key key = new KnownNegotiations.Key(peerOm, purpose, requirements, candidates);
        KnownNegotiations.Choice known = negotiations.get(key, System.nanoTime());
        if (known != null && (expectedPeer == null || expectedPeer.equals(known.nodeId()))) {
            try {
                return setUpAsBefore(peerOm, known, purpose, callId, requirements, candidates);
            } catch (OmException e) {
                boolean refused = e.kind() != Kind.UNREACHABLE && e.kind() != Kind.RESOURCES_EXHAUSTED;
                negotiations.failed(peerOm, refused, System.nanoTime());
                if (!refused) {
                    throw e;
                }
                log.debug("SetupSato alone refused by {} ({}): negotiating", peerOm, e.getMessage());
            }
        }
        String satoId = newSatoId();
        long t0 = System.nanoTime();
        RemoteOverlayManager.Negotiated n = remote.negotiate(peerOm, satoId, purpose, requirements, candidates);
        long rtt = System.nanoTime() - t0;
        String peer = checkPeerAnswer(peerOm, n.nodeId(), expectedPeer);
        if (n.candidateIndex() < 0 || n.candidateIndex() >= candidates.size()
                || candidates.get(n.candidateIndex()).transport() != n.transport()) {
            throw new OmException(Kind.PROTOCOL, "candidateIndex", peerOm + " chose candidate " + n.candidateIndex()
                    + " (" + n.transport() + "), which was not offered");
        }
        paths.observe(peer, peerOm, rtt);
        TransportCandidate mine = candidates.get(n.candidateIndex());
        Sato s = new Sato(satoId, purpose, peer, Sato.Role.INITIATOR, SatoState.NEGOTIATED)
                .peerOm(peerOm).callId(callId).requirements(requirements)
                .negotiated(n.transport(), mine.address(), n.endpoint());
        satos.addIfAbsent(s);
        paths.watch(peer, peerOm);
        try {
            remote.setup(peerOm, satoId, purpose, callId, n.transport(), mine.address(), requirements);
        } catch (OmException e) {
            setupFailed(s, true);
            throw e;
        }
        negotiations.negotiated(key, new KnownNegotiations.Choice(peer, n.transport(), n.candidateIndex()), System.nanoTime());
        s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
        // per call: DEBUG (the call path's cost); the Figure 4 narrative is p2psip.flow
        log.debug("{} set up with {} at {} over {} ({} -> {})", s, NodeIds.shortId(peer), peerOm, n.transport(),
                mine.address(), n.endpoint());
        return s;
    }

    /**
     * A SATO to an OM that negotiated the same kind of SATO less than 30 s ago ({@link KnownNegotiations}):
     * SetupSato alone, offering the transport it chose then; the callee negotiates that one transport and
     * answers with its endpoint. Its node id must still be the one it had (on a secured OM IF: the one its
     * certificate names).
     */
    private Sato setUpAsBefore(Address peerOm, KnownNegotiations.Choice known, Purpose purpose, String callId,
                               List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        String satoId = newSatoId();
        String peer = known.nodeId();
        TransportCandidate mine = candidates.get(known.candidateIndex());
        Sato s = new Sato(satoId, purpose, peer, Sato.Role.INITIATOR, SatoState.NEGOTIATED)
                .peerOm(peerOm).callId(callId).requirements(requirements).asNegotiatedBefore();
        satos.addIfAbsent(s);
        paths.watch(peer, peerOm);
        long t0 = System.nanoTime();
        try {
            org.p2psip.om.omif.v1.SatoInfo info = remote.setup(peerOm, satoId, purpose, callId, known.transport(), mine.address(),
                    requirements);
            long rtt = System.nanoTime() - t0;
            remote.checkNodeId(peerOm, peer);
            if (info == null || info.getLocalEndpoint() == null || info.getTransport() == null
                    || org.p2psip.om.omif.Wire.transport(info.getTransport()) != known.transport()) {
                throw new OmException(Kind.PROTOCOL, "sato", peerOm + " answered SetupSato without the SATO's transport "
                        + known.transport() + " and its endpoint");
            }
            s.negotiated(known.transport(), mine.address(), org.p2psip.om.omif.Wire.address(info.getLocalEndpoint(), "localEndpoint"));
            paths.observe(peer, peerOm, rtt);
        } catch (OmException e) {
            setupFailed(s, e.kind() != Kind.UNREACHABLE);
            throw e;
        }
        s.transition(SatoState.NEGOTIATED, SatoState.ESTABLISHED);
        log.debug("{} set up with {} at {} over {} as negotiated before ({} -> {})", s, NodeIds.shortId(peer), peerOm,
                known.transport(), mine.address(), s.remoteEndpoint());
        return s;
    }

    /** An initiator's SATO whose SetupSato failed: out of the table, and the peer's half torn down if {@code tellPeer}. */
    private void setupFailed(Sato s, boolean tellPeer) {
        satos.remove(s);
        s.state(SatoState.FAILED);
        if (tellPeer) {
            bestEffortTeardown(s.peerOm(), s.id(), "setup failed");
        }
        unwatchIfIdle(s.peerNodeId());
    }

    /** Tears a SATO down: its sessions here and on other nodes, and (if this node initiated it) the peer's half. */
    int close(String satoId, String reason) throws OmException {
        Sato s = satos.get(satoId);
        if (s == null) {
            throw OmException.unknownSato(satoId);
        }
        int released = release(s, SatoState.CLOSED, reason);
        Address om = s.peerOm();
        if (om != null && s.role() == Sato.Role.INITIATOR) {
            bestEffortTeardown(om, satoId, reason);
        }
        unwatchIfIdle(s.peerNodeId());
        return released;
    }

    /** Releases everything {@code s} uses and removes it from the table; returns the number of sessions released. */
    int release(Sato s, SatoState end, String reason) {
        s.state(SatoState.CLOSING);
        int n = 0;
        for (PortSession ps : s.drainSessions()) {
            try {
                local.release(ps);
                n++;
            } catch (OmException e) {
                log.warn("{}: releasing session {} failed: {}", s, ps.sessionId(), e.getMessage());
            }
        }
        remoteSessions.stopAll(s);
        satos.remove(s);
        s.state(end);
        log.debug("{} ended: {}", s, reason);
        return n;
    }

    void unwatchIfIdle(String peer) {
        if (satos.withPeer(peer).isEmpty()) {
            paths.unwatch(peer);
        }
    }

    /** A peer's OM stopped answering: its SATOs and the sessions it started here are released. */
    void peerLost(String peer, Address om) {
        paths.unwatch(peer); // first: whoever sees the SATOs gone sees the peer no longer watched
        for (Sato s : satos.withPeer(peer)) {
            if (keepOnPeerLost.test(s)) {
                // a running call's media SATO: the link may come back; the media watch ends the call if not
                log.info("{}: peer {} at {} stopped answering; kept while its media may come back", s, NodeIds.shortId(peer), om);
                continue;
            }
            release(s, SatoState.FAILED, "peer " + NodeIds.shortId(peer) + " at " + om + " disappeared");
        }
        local.releaseUnboundOf(peer);
        negotiations.forget(om);
        remote.client().forget(om);
    }

    /** Which SATOs survive their peer's loss (running media SATOs the media watch looks after). */
    void keepOnPeerLost(java.util.function.Predicate<Sato> keep) {
        keepOnPeerLost = keep == null ? s -> false : keep;
    }

    /** Shutdown, first step: no new SATOs, the reaper stopped. */
    void stopAccepting() {
        closed = true;
        reaper.shutdownNow();
    }

    /** Shutdown: every SATO released, the peers told. */
    void releaseAll() {
        for (Sato s : satos.all()) {
            Address om = s.peerOm();
            release(s, SatoState.CLOSED, "Overlay Manager shutting down");
            if (om != null) {
                bestEffortTeardown(om, s.id(), "peer shutting down");
            }
        }
    }

    private void expireNegotiated() {
        long ttl = config.negotiationTtl().toNanos();
        for (Sato s : satos.all()) {
            if (s.state() == SatoState.NEGOTIATED && s.sinceNegotiatedNanos() > ttl) {
                release(s, SatoState.FAILED, "negotiated but never set up within " + config.negotiationTtl().toSeconds() + " s");
            }
        }
    }

    private void bestEffortTeardown(Address om, String satoId, String reason) {
        try {
            remote.teardown(om, satoId, reason);
        } catch (OmException e) {
            if (e.kind() != Kind.UNKNOWN_SATO) {
                log.info("tearing down SATO {} at {} failed: {}", satoId, om, e.getMessage());
            }
        }
    }

    private String checkPeerAnswer(Address om, String reported, String expected) throws OmException {
        if (!NodeIds.isValid(reported)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " reported node id '" + Checks.clip(reported) + "', not a node id");
        }
        if (reported.equals(nodeId)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " reported this node's own id");
        }
        if (expected != null && !expected.equals(reported)) {
            throw new OmException(Kind.PROTOCOL, "nodeId", om + " is node " + reported + ", not the expected " + expected);
        }
        return reported;
    }

    private String newSatoId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        StringBuilder sb = new StringBuilder("sato-").append(NodeIds.shortId(nodeId)).append('-');
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
