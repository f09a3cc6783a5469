package org.p2psip.om;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.client.DetourRoutes;
import org.p2psip.om.client.OmIfClient;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.RoutedOmIfClient;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.path.Detours;
import org.p2psip.om.path.PathMonitor;
import org.p2psip.om.path.PathProbes;
import org.p2psip.om.path.PathQuality;
import org.p2psip.om.path.PathStats;
import org.p2psip.om.path.PathSurvey;
import org.p2psip.om.path.ProbeSocket;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.table.NodeStatus;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoTable;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.MediaHop;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;
import org.p2psip.om.ws.OmEndpoint;
import org.p2psip.om.ws.OmIfRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Overlay Manager of one SATO Overlay Node (paper Figure 1 and 2), as one façade over its
 * parts: the node's identity (its lookup node id), the SATO table and the SATOs' life
 * ({@link SatoLifecycle}), sessions on its own SATO-Ports ({@link LocalSessions}) and on other
 * nodes' ({@link RemoteSessions}), "Connect RTP" ({@link MediaChainBuilder}), path measurements
 * ({@link PathMonitor}: liveness over the OM IF; {@link PathProbes}: the UDP paths media would take,
 * directly and through relays), and the OM IF: the SOAP endpoint ({@link OmEndpoint}) answering other OMs
 * through the acceptor side ({@link OmIfAcceptor}), and the client ({@link RemoteOverlayManager}).
 *
 * <p>Initiator side (the caller's OM): {@link #openSato}, {@link #closeSato}, {@link #startRemotePort},
 * {@link #stopRemotePort}, {@link #startLocalPort}, {@link #buildMediaChain}, {@link #measure}.
 * Acceptor side: {@link #acceptor()}, called by the SOAP service for requests of other OMs.
 */
public final class OverlayManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OverlayManager.class);

    /** The OM IF version this node speaks (namespace http://p2psip.org/om-if/v1). */
    public static final String PROTOCOL_VERSION = "1";
    /** Port sessions one other peer may hold on this node through StartPort at once (by default). */
    public static final int DEFAULT_SESSIONS_PER_PEER = 64;

    private final String nodeId;
    private final OmConfig config;
    private final SatoPorts ports;
    private final OmIfClient client;
    private final DetourRoutes detourRoutes;
    private final RemoteOverlayManager remote;
    private final PathMonitor paths;
    private final SatoTable satos = new SatoTable();
    private final LocalSessions local;
    private final RemoteSessions remoteSessions;
    private final SatoLifecycle lifecycle;
    private final MediaChainBuilder chain;
    private final OmIfAcceptor acceptor;
    private final LookupService lookup;
    private final long startedNanos = System.nanoTime();
    private volatile OmEndpoint endpoint;
    private volatile PathProbes probes;
    private volatile Supplier<List<PeerRecord>> relayCandidates = List::of;
    private volatile boolean closed;
    /** OMs found lost lately (OM IF pings unanswered), oldest first; at most {@value #MAX_LOST_PEERS}. */
    private final java.util.LinkedHashMap<Address, Long> lostPeers = new java.util.LinkedHashMap<>();
    private static final int MAX_LOST_PEERS = 256;
    private volatile Supplier<org.p2psip.om.types.RingView> ringView = () -> null;
    private volatile String security;
    /** HTTPS with client certificates on the OM IF (a secured overlay); null: plain HTTP. */
    private final org.p2psip.om.omif.OmIfTls tls;
    private final org.p2psip.common.ListenerBounds omIfBounds;

    private OverlayManager(Builder b) {
        this.nodeId = NodeIds.normalize(b.nodeId);
        this.config = b.config();
        this.ports = Objects.requireNonNull(b.ports, "ports");
        this.detourRoutes = new DetourRoutes(b.detours);
        // every OM IF call to a far OM goes directly or, when the direct path is congested, through a relay peer
        this.tls = b.tls;
        this.client = new RoutedOmIfClient(b.client != null ? b.client : b.tls != null ? SoapOmIfClient.secured(b.tls)
                : new SoapOmIfClient(), detourRoutes);
        this.lookup = b.lookup;
        this.remote = new RemoteOverlayManager(client, () -> nodeId, this::address);
        this.local = new LocalSessions(ports, satos, config.maxSessions());
        this.remoteSessions = new RemoteSessions(remote);
        this.paths = new PathMonitor((om, seq, padding) -> remote.ping(om, seq, padding).rttNanos(),
                config.probeInterval(), config.failuresBeforeLost(), 10, 16 * 1024, this::peerLost);
        this.lifecycle = new SatoLifecycle(nodeId, config, satos, local, remoteSessions, remote, paths);
        this.chain = new MediaChainBuilder(nodeId, satos, local, ports, remote);
        this.acceptor = new OmIfAcceptor(nodeId, config, satos, ports, local, lifecycle, chain, paths, this::status);
        this.omIfBounds = b.omIfBounds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishes the OM IF endpoint, binds the path-probe socket on the same host and port number, starts path monitoring. */
    public OverlayManager start() throws OmException {
        endpoint = OmEndpoint.publish(acceptor, config.bind(), config.maxBodyBytes(), tls, omIfBounds);
        startProbes(endpoint.address());
        paths.start();
        lifecycle.startReaper();
        warmUp();
        log.info("Overlay Manager {} serving the OM IF v{} at {}", NodeIds.shortId(nodeId), PROTOCOL_VERSION, endpoint.url());
        return this;
    }

    private void startProbes(Address at) throws OmException {
        try {
            probes = PathProbes.open(new java.net.InetSocketAddress(at.host(), at.port()), config.probeLimits(),
                    config.probeSettings());
        } catch (java.net.SocketException e) {
            endpoint.close();
            throw new OmException(OmException.Kind.RESOURCES_EXHAUSTED, "om",
                    "no UDP socket for path probes on " + at.host() + ": " + e.getMessage());
        }
        if (config.backgroundProbes()) {
            probes.start(paths::watchedPeers, () -> relayCandidates.get().stream()
                    .map(r -> new PathProbes.Target(r.nodeId(), r.om())).toList());
        }
    }

    /** OM IF Pings to itself at start that a peer for calls asks for (see {@link #warmUp}, {@link Builder#warmUpPings}). */
    public static final int WARM_UP_PINGS = 300;
    /** ... for at most this long beyond the first 3. */
    public static final long WARM_UP_MILLIS = 1500;

    /**
     * OM IF Pings to this very OM before the first call needs the OM IF: the first SOAP request of a
     * JVM builds the web-service client and server machinery (hundreds of milliseconds), and the next
     * few hundred run the SOAP stack (CXF interceptors, JAXB, Jetty, the HTTP client) interpreted,
     * 5-10 times slower than compiled. Every call set-up makes two OM IF requests (NegotiateTransport,
     * SetupSato) and its end one (TeardownSato), on both sides' OMs: {@value #WARM_UP_PINGS} Pings
     * (at most {@value #WARM_UP_MILLIS} ms) get the shared SOAP path compiled before the first call
     * instead of during the first calls. How many: {@link Builder#warmUpPings}.
     */
    private volatile int warmUpPingsAnswered;

    private void warmUp() {
        int pings = config.warmUpPings();
        Address self = endpoint.address();
        long t0 = System.nanoTime();
        long until = t0 + TimeUnit.MILLISECONDS.toNanos(WARM_UP_MILLIS);
        int n = 0;
        try {
            while (n < pings && (n < 3 || System.nanoTime() < until)) {
                remote.ping(self, acceptor.warmUpToken, 0);
                n++;
            }
            log.debug("OM IF warmed up with {} Pings to itself in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
        } catch (OmException e) {
            log.info("OM IF warm-up Ping to {} failed after {} (the first calls will run the SOAP path cold): {}", self, n,
                    e.getMessage());
        }
        warmUpPingsAnswered = n;
    }

    /** The warm-up's Pings to itself this OM had answered at start ({@link #warmUp}). */
    public int warmUpPingsAnswered() {
        return warmUpPingsAnswered;
    }

    // ------------------------------------------------------------------ identity and parts

    public String nodeId() {
        return nodeId;
    }

    /** The address other OMs reach this OM at: the advertised one if set, else the bound one (null before {@link #start()}). */
    public Address address() {
        return config.advertise() != null ? config.advertise() : boundAddress();
    }

    /** The address the OM IF endpoint is bound to (null before {@link #start()}). */
    public Address boundAddress() {
        OmEndpoint e = endpoint;
        return e == null ? null : e.address();
    }

    public String url() {
        OmEndpoint e = endpoint;
        return e == null ? null : e.url();
    }

    public long uptimeSeconds() {
        return (System.nanoTime() - startedNanos) / 1_000_000_000L;
    }

    public SatoTable satos() {
        return satos;
    }

    public SatoPorts ports() {
        return ports;
    }

    public RemoteOverlayManager remote() {
        return remote;
    }

    /** The far peers reached through a relay peer instead of directly (congested direct path). */
    public DetourRoutes detourRoutes() {
        return detourRoutes;
    }

    public PathMonitor paths() {
        return paths;
    }

    /** The UDP path probes (null before {@link #start()}). */
    public PathProbes probes() {
        return probes;
    }

    /**
     * Where the background path probes find candidate relays: expected to answer at once (a cached
     * list, such as {@code RelayDirectory.candidates}), it is asked every probe round.
     */
    public void relayCandidates(Supplier<List<PeerRecord>> candidates) {
        this.relayCandidates = Objects.requireNonNull(candidates, "candidates");
    }

    /** The acceptor side of the OM IF: what this OM does when other OMs ask. */
    public OmIfRequests acceptor() {
        return acceptor;
    }

    /** The lookup service (the node's own ring node) the OM owns and closes, or null. */
    public LookupService lookup() {
        return lookup;
    }

    /** The SOAP endpoint (tests stop it to simulate a vanished peer). */
    OmEndpoint endpointForTests() {
        return endpoint;
    }

    public List<PortSession> sessions() {
        return local.all();
    }

    public List<PortStatus> portStatus() {
        return ports.status();
    }

    /** The node status (GetNodeStatus). */
    public NodeStatus status() {
        List<Sato.Snapshot> s = new ArrayList<>();
        satos.all().forEach(x -> s.add(x.snapshot()));
        s.sort((a, b) -> a.id().compareTo(b.id()));
        org.p2psip.om.types.RingView ring = null;
        try {
            ring = ringView.get();
        } catch (RuntimeException e) {
            log.debug("ring view: {}", e.toString());
        }
        return new NodeStatus(nodeId, PROTOCOL_VERSION, uptimeSeconds(), address(), ports.status(), s, local.sorted(),
                paths.snapshot(), ring);
    }

    // ------------------------------------------------------------------ initiator side

    /**
     * Sets up a SATO to the OM at {@code peerOm} ("Connect and negotiate", Figure 4): negotiates the
     * transport from {@code candidates} and {@code requirements}, then sets the SATO up there.
     * Returns the SATO, established; its remote endpoint is the callee's address for the chosen
     * transport. {@code expectedPeer} (may be null) is checked against the node id the peer reports.
     */
    public Sato openSato(Address peerOm, String expectedPeer, Purpose purpose, String callId,
                         List<Requirement> requirements, List<TransportCandidate> candidates) throws OmException {
        return lifecycle.open(peerOm, expectedPeer, purpose, callId, requirements, candidates);
    }

    /** Tears down a SATO: its local sessions, the sessions it started on other nodes, and the peer's half. */
    public int closeSato(String satoId, String reason) throws OmException {
        return lifecycle.close(satoId, reason);
    }

    /** Starts a port session on the node at {@code om} for {@code satoId}; stopped again when the SATO ends. */
    public PortSession startRemotePort(Address om, String satoId, PortKind kind, Map<String, String> params) throws OmException {
        lifecycle.ensureOpen();
        return remoteSessions.start(om, satoId, kind, params);
    }

    public boolean stopRemotePort(Address om, String sessionId) throws OmException {
        return remoteSessions.stop(om, sessionId);
    }

    /** Starts a session on a local port for {@code satoId} (which must exist, or be null). */
    public PortSession startLocalPort(String satoId, PortKind kind, Map<String, String> params) throws OmException {
        lifecycle.ensureOpen();
        Sato s = null;
        if (satoId != null) {
            s = satos.get(satoId);
            if (s == null) {
                throw OmException.unknownSato(satoId);
            }
        }
        return local.start(s, satoId, kind, nodeId, params);
    }

    public boolean stopLocalPort(String sessionId) throws OmException {
        PortSession ps = local.get(sessionId);
        if (ps == null) {
            throw OmException.unknownSession(sessionId);
        }
        local.stop(ps);
        return true;
    }

    /** The lookup service's ring as this node sees it, or null if not known. */
    public org.p2psip.om.types.RingView ring() {
        try {
            return ringView.get();
        } catch (RuntimeException e) {
            log.debug("ring view: {}", e.toString());
            return null;
        }
    }

    /** How this node is secured, as node status says it (set by the peer; null: not said). */
    public String security() {
        return security;
    }

    /** Sets what node status says about this node's security ({@code --security}). */
    public void security(String description) {
        security = description;
        acceptor.security(description);
    }

    /** Where node status finds the lookup service's ring as this node sees it (the peer's Chord node). */
    public void ringView(Supplier<org.p2psip.om.types.RingView> view) {
        ringView = view == null ? () -> null : view;
    }

    /**
     * Which SATOs are kept when their far peer stops answering (the SATO layer keeps running calls'
     * media SATOs: a partition may heal; its media watch ends the call if the media stays dead).
     */
    public void keepOnPeerLost(java.util.function.Predicate<Sato> keep) {
        lifecycle.keepOnPeerLost(keep);
    }

    /** Registers who answers AdaptSato and ReportPath from other OMs (the SATO layer's media SATOs). */
    /** Who records the OM IF requests of other OMs as steps of calls (the peer's web view). */
    public void callSteps(CallSteps s) {
        acceptor.steps = s;
    }

    public void adaptation(MediaAdaptation a) {
        acceptor.adaptation(a);
    }

    /**
     * "Connect RTP": connects the legs of the hops this node hosts and sends ConnectRtp to the OM of
     * every other node of the chain (except {@code skipNode}, typically the node that asked), in
     * chain order. Returns the number of legs connected here and there.
     */
    public int buildMediaChain(String satoId, TransportKind transport, List<MediaHop> hops, String skipNode) throws OmException {
        lifecycle.ensureOpen();
        return chain.build(satoId, transport, hops, skipNode);
    }

    /** Probes the OM at {@code om} {@code count} times now and returns the path figures. */
    public PathStats.Snapshot measure(String peerNodeId, Address om, int count) {
        return paths.measure(peerNodeId, om, count);
    }

    /**
     * The figures of the paths to {@code peer}: directly, and through each of {@code relays} (the
     * detour RTP1 -> RTP3 -> RTP2 would take); fresh background figures, or probes sent now,
     * waiting at most {@code wait} ({@link PathProbes#survey}). A peer behind a NAT is not probed
     * directly, now or in the background.
     */
    public PathSurvey survey(PeerRecord peer, List<PeerRecord> relays, Duration wait) {
        PathProbes p = probes;
        if (p == null) {
            throw new IllegalStateException("the Overlay Manager is not started");
        }
        if (peer.nat()) {
            p.neverProbe(peer.nodeId());
            return new PathSurvey(null, List.of());
        }
        return p.survey(new PathProbes.Target(peer.nodeId(), peer.om()),
                relays.stream().map(r -> new PathProbes.Target(r.nodeId(), r.om())).toList(), wait);
    }

    /**
     * The background figures of the direct path to {@code peer} over the last {@code span} (at most
     * the probes' window), or null if none (not measured lately, behind a NAT, OM not started).
     */
    public PathQuality directFigures(PeerRecord peer, Duration span) {
        PathProbes p = probes;
        if (p == null || peer.nat()) {
            return null;
        }
        return p.figures(new PathProbes.Target(peer.nodeId(), peer.om()), null, span);
    }

    /** A peer's OM stopped answering: its SATOs and the sessions it started here are released. */
    void peerLost(String peer, Address om) {
        unreachable(om);
        lifecycle.peerLost(peer, om);
    }

    /** The OM IF of the OM at {@code om} did not answer (pings of a watched peer, or a request that timed out). */
    public void unreachable(Address om) {
        synchronized (lostPeers) {
            lostPeers.remove(om);
            lostPeers.put(om, System.currentTimeMillis());
            while (lostPeers.size() > MAX_LOST_PEERS) {
                lostPeers.remove(lostPeers.keySet().iterator().next());
            }
        }
    }

    /**
     * When this OM last found the OM IF of the OM at {@code om} unanswering (see {@link #unreachable}),
     * in wall-clock ms, if within the last {@code withinMillis}; -1 if not.
     */
    public long lostWithin(Address om, long withinMillis) {
        synchronized (lostPeers) {
            Long at = lostPeers.get(om);
            return at != null && System.currentTimeMillis() - at <= withinMillis ? at : -1;
        }
    }

    /**
     * Tears down every SATO (telling the peers of those this node initiated), stops the endpoint,
     * the path monitor, the OM IF client, the ports' control connections and the lookup node.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lifecycle.stopAccepting();
        paths.close();
        PathProbes p = probes;
        if (p != null) {
            p.close();
        }
        lifecycle.releaseAll();
        local.releaseAll();
        OmEndpoint e = endpoint;
        if (e != null) {
            e.close();
        }
        client.close();
        ports.close();
        if (lookup != null) {
            try {
                lookup.close();
            } catch (RuntimeException ex) {
                log.warn("closing the lookup node failed: {}", ex.toString());
            }
        }
        log.info("Overlay Manager {} stopped", NodeIds.shortId(nodeId));
    }

    /** Builds an {@link OverlayManager}; only the node id and the ports are mandatory. */
    public static final class Builder {
        private String nodeId;
        private SatoPorts ports;
        private OmIfClient client;
        private LookupService lookup;
        private Address bind = new Address("127.0.0.1", 0);
        private Address advertise;
        private Duration probeInterval = Duration.ofSeconds(2);
        private int failuresBeforeLost = 3;
        private Duration negotiationTtl = Duration.ofSeconds(60);
        private int maxSatos = 10_000;
        private int maxSessions = 10_000;
        private int maxSessionsPerPeer = DEFAULT_SESSIONS_PER_PEER;
        private int maxBodyBytes = 256 * 1024;
        private Detours detours;
        private ProbeSocket.Limits probeLimits = ProbeSocket.Limits.DEFAULT;
        private PathProbes.Settings probeSettings = PathProbes.Settings.DEFAULT;
        private boolean backgroundProbes = true;
        private org.p2psip.om.omif.OmIfTls tls;
        private org.p2psip.common.ListenerBounds omIfBounds = org.p2psip.om.ws.HttpBounds.DEFAULT;
        private int warmUpPings = 3;

        private Builder() {
        }

        /**
         * A secured overlay's OM IF: the endpoint serves HTTPS with client certificates and takes each
         * caller's node id from its certificate; the default client presents this node's certificate.
         * Without it (default) the OM IF is plain HTTP (an unsecured overlay, legacy gSOAP peers).
         */
        public Builder tls(org.p2psip.om.omif.OmIfTls t) {
            this.tls = t;
            return this;
        }

        /** The node id: the id of the node's lookup node, hex. */
        public Builder nodeId(String id) {
            this.nodeId = id;
            return this;
        }

        public Builder ports(SatoPorts p) {
            this.ports = p;
            return this;
        }

        /** The OM IF client (default: {@link SoapOmIfClient} with the URLConnection conduit). The OM closes it. */
        public Builder client(OmIfClient c) {
            this.client = c;
            return this;
        }

        /** How to reach a far peer through a relay peer when the direct path is congested (default: never). */
        public Builder detours(Detours d) {
            this.detours = d;
            return this;
        }

        /** The lookup service the OM owns (interface 3 of Figure 1); closed when the OM closes. */
        public Builder lookup(LookupService l) {
            this.lookup = l;
            return this;
        }

        /** Where the SOAP endpoint listens (default 127.0.0.1, port 0 = any free port). */
        public Builder bind(Address a) {
            this.bind = a;
            return this;
        }

        /** The address other OMs reach this OM at, when it differs from the bound one. */
        public Builder advertise(Address a) {
            this.advertise = a;
            return this;
        }

        public Builder probeInterval(Duration d) {
            this.probeInterval = d;
            return this;
        }

        /** Probes lost in a row before a peer counts as gone and its SATOs are torn down (default 3). */
        public Builder failuresBeforeLost(int n) {
            this.failuresBeforeLost = n;
            return this;
        }

        /** How long a callee keeps a negotiated SATO that is never set up (default 60 s). */
        public Builder negotiationTtl(Duration d) {
            this.negotiationTtl = d;
            return this;
        }

        public Builder maxSatos(int n) {
            this.maxSatos = n;
            return this;
        }

        public Builder maxSessions(int n) {
            this.maxSessions = n;
            return this;
        }

        /**
         * How many port sessions one other peer may hold on this node at once through StartPort
         * (default {@value OverlayManager#DEFAULT_SESSIONS_PER_PEER}); one more is ResourcesExhausted
         * (resource {@code sessions}), so no peer can take all of this node's RTP ports.
         */
        public Builder maxSessionsPerPeer(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSessionsPerPeer must be at least 1, not " + n);
            }
            this.maxSessionsPerPeer = n;
            return this;
        }

        /** The largest request body the endpoint accepts (default 256 KiB); larger ones get HTTP 413. */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = n;
            return this;
        }

        /** Rates of the path-probe responder and reflector (default {@link ProbeSocket.Limits#DEFAULT}). */
        public Builder probeLimits(ProbeSocket.Limits l) {
            this.probeLimits = Objects.requireNonNull(l);
            return this;
        }

        /** Background and set-up path probes (default {@link PathProbes.Settings#DEFAULT}). */
        public Builder probeSettings(PathProbes.Settings s) {
            this.probeSettings = Objects.requireNonNull(s);
            return this;
        }

        /**
         * Whether the OM probes the paths to its peers in the background (default on; off for a peer
         * behind a NAT, whose probes other peers could not answer through it). It answers probes either way.
         */
        public Builder backgroundProbes(boolean on) {
            this.backgroundProbes = on;
            return this;
        }

        /** The bounds of the OM IF listener (default {@link org.p2psip.om.ws.HttpBounds#DEFAULT}). */
        public Builder omIfBounds(org.p2psip.common.ListenerBounds b) {
            this.omIfBounds = Objects.requireNonNull(b);
            return this;
        }

        /**
         * OM IF Pings to itself at start (default 3: the SOAP machinery is built before the first call);
         * a peer for calls asks for {@value OverlayManager#WARM_UP_PINGS}, which also gets the SOAP path
         * compiled before the first calls (at most {@value OverlayManager#WARM_UP_MILLIS} ms beyond the first 3).
         */
        public Builder warmUpPings(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("warmUpPings must be >= 0: " + n);
            }
            this.warmUpPings = n;
            return this;
        }

        OmConfig config() {
            return new OmConfig(bind, advertise, probeInterval, failuresBeforeLost, negotiationTtl, maxSatos, maxSessions,
                    maxBodyBytes, probeLimits, probeSettings, backgroundProbes, maxSessionsPerPeer, warmUpPings);
        }

        public OverlayManager build() {
            return new OverlayManager(this);
        }
    }
}
