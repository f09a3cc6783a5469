package org.p2psip.peer;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlBounds;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.P2psipPortStatus;
import org.p2psip.lookup.LookupService;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.lookup.ring.Id;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.path.Detours;
import org.p2psip.om.ports.ControlSatoPorts;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.records.RelayDirectory;
import org.p2psip.om.sato.Flow;
import org.p2psip.om.sato.PortRequests;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.TransportKind;
import org.p2psip.peer.operator.OperatorListener;
import org.p2psip.peer.operator.PeerCollector;
import org.p2psip.peer.operator.TimedLookupService;
import org.p2psip.tcprelay.DetourTunnels;
import org.p2psip.tcprelay.TcpRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete overlay peer, the paper's P2PSIP SATO node (Figure 2 as a whole). {@link #start}
 * starts, in order: the lookup node (Chord; behind a NAT a client of the ring), the SATO-Ports
 * (RTP-Port, P2PSIP-Port) behind Unix sockets in the state directory, the Overlay Manager with its
 * SOAP endpoint (OM IF), wires the P2PSIP-Port's requests to the OM ({@link PortRequests}), and
 * offers this peer's relays. {@link #close()} stops everything in reverse: users deregistered,
 * relay records removed, the ring left gracefully, the OM, the ports, the socket files.
 */
public final class Peer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Peer.class);
    private static final Duration PORT_START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long the P2PSIP-Port waits for its OM: a signalling SATO request includes the OM IF
     * negotiation, the path measurement and the relay lookup, which take longer than a control
     * round trip on a loaded machine.
     */
    static final Duration OM_TIMEOUT = Duration.ofSeconds(15);
    /** The peer's management socket in its state directory (local tools; same framing as the control protocol). */
    public static final String MANAGEMENT_SOCKET = "om.sock";
    /** Management request: the peer's node, addresses, NAT state and TCP relay counters. */
    public static final String STATUS_REQUEST = MessageTypes.PEER_STATUS;

    private final PeerConfig config;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The lookup service as this peer uses it: its own Chord node, or (behind a NAT) a client of the ring. */
    private LookupService lookup;
    /** This peer's Chord node; null behind a NAT (nobody could connect to it). */
    private ChordNode chord;
    private RelayDirectory relays;
    /** Behind a NAT: where other peers reach the OM IF and the P2PSIP-Port (a public peer's TCP relay). */
    private RelayedAddresses relayed;
    private volatile InetSocketAddress sipOverlayLocal;
    private SatoPortRunner rtpPort;
    private SatoPortRunner sipPort;
    private PortRequests requests;
    private OverlayManager om;
    /** A public peer's TCP relay for peers behind NATs; null if this peer offers none. */
    private TcpRelay tcpRelay;
    /** Signalling detours through relay peers' TCP relays (issue 13), for the OM. */
    private RelayDetours detours;
    private volatile boolean closed;
    /** The listener being started, for a start-up error's message: address, what it is, the option that sets it. */
    private volatile String[] starting;
    /** The operator's HTTP listener ({@code --http}): metrics and the web view; null when off. */
    private OperatorListener operator;
    /** Lookup-service operations of the OM, timed for the metrics. */
    private final Histogram lookupLatency = TimedLookupService.histogram();
    /** The call ladders of the web view (recorded only while somebody watches). */
    private final org.p2psip.peer.view.CallLadders ladders = new org.p2psip.peer.view.CallLadders();
    /** This peer's certificates in a secured overlay; null with {@code --security off}. */
    private NodeIdentity identity;

    private Peer(PeerConfig config) {
        this.config = config;
    }

    /** Starts a peer: creates the overlay, or joins it through {@link PeerConfig#bootstrap()}. */
    public static Peer start(PeerConfig config) throws IOException, ControlException {
        Peer p = new Peer(config);
        ControlBounds control = ListenerOptions.control(config);
        if (!control.equals(ControlBounds.current())) {
            control.install(); // for this process's control sockets and, passed on, its SATO-Port processes'
        }
        try {
            p.startAll();
            return p;
        } catch (IOException | ControlException | RuntimeException e) {
            p.close();
            String[] l = p.starting;
            if (l != null && StartupProblem.isInUse(e)) {
                throw new IOException(StartupProblem.inUse(l[0], l[1], l[2]), e);
            }
            throw e;
        } catch (OmException e) {
            p.close();
            String[] l = p.starting;
            if (l != null && StartupProblem.isInUse(e)) {
                throw new IOException(StartupProblem.inUse(l[0], l[1], l[2]), e);
            }
            throw new IOException("the Overlay Manager could not start: " + e.getMessage(), e);
        }
    }

    private void startAll() throws IOException, ControlException, OmException {
        try {
            Files.createDirectories(config.stateDir());
            Files.setPosixFilePermissions(config.stateDir(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IOException("cannot use the state directory " + config.stateDir().toAbsolutePath() + " (--state-dir; its socket"
                    + " files and logs go there): " + (e instanceof java.nio.file.AccessDeniedException ? "permission denied for this user"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name is in the way"
                    : StartupProblem.rootMessage(e)) + "; give --state-dir a directory this user may write", e);
        }
        identity = PeerSecurity.load(config);
        String nodeId = startLookup();
        detours = new RelayDetours(new DetourTunnels(DetourTunnels.DEFAULT_MAX_TUNNELS, DetourTunnels.DEFAULT_IDLE_TIMEOUT,
                PeerSecurity.relay(identity)));
        started.add(detours);
        requests = new PortRequests(config.name(), lookup, config.satoSettings(), relays);
        if (config.httpAddress() != null) {
            requests.callSteps(ladders);
            requests.viewEvents(this::onViewSip);
        }
        startPorts();
        om = startOm(nodeId);
        om.security(PeerSecurity.describe(identity));
        if (identity != null) {
            // ./p2psip status on this host presents this peer's own certificate (LocalOms)
            started.add(LocalOms.register(om.boundAddress().port(), identity.directory()));
        }
        om.ringView(() -> {
            ChordNode c = chord;
            if (c == null) {
                return null; // behind a NAT: a client of the ring, not a member
            }
            org.p2psip.lookup.chord.NodeStatus st = c.ringStatus();
            return new org.p2psip.om.types.RingView(st.ringSize(), st.ringSizeExact(), st.lastMergeMillis(), st.merges(),
                    c.unreachableMembers(), c.unreachableHosts(), c.ringHosts(), c.address());
        });
        if (config.httpAddress() != null) {
            om.callSteps(ladders);
        }
        PeerRecord self = new PeerRecord(om.nodeId(), om.address(), -1, config.nat(), null);
        warmUpOmIf();
        requests.attach(om, self);
        if (config.offerRelay() && !config.nat()) {
            offerRelays(self);
        }
        started.add(ManagementSocket.listen(this));
        startOperatorListener();
        log.info("{}: overlay peer {} up: OM IF {} | lookup {} | P2PSIP-Port SIP {}:{} | RTP-Port {} | relay policy {} | SDP rewrite {}",
                config.name(), NodeIds.shortId(om.nodeId()), om.url(), chord != null ? chord.address() : "client of " + config.bootstrap(),
                config.advertise(), config.sipPort(), config.rtpPorts(), config.relayPolicy().name().toLowerCase(),
                config.sdpRewrite() ? "on" : "off");
    }

    /** The lookup service (interface 3): a Chord node in the OM's JVM, or behind a NAT a client of the ring. Returns the node id. */
    private String startLookup() throws IOException {
        String name = config.name();
        if (config.nat()) {
            // Behind a NAT nobody can connect to this peer: it uses the ring through the bootstrap
            // peer without joining it, and rents addresses on a public peer's TCP relay (Sec. 5.3).
            lookup = new TimedLookupService(PeerSecurity.records(new RemoteLookupClient(List.of(org.p2psip.lookup.ring.Address.parse(
                    BootstrapLookup.resolve(config.bootstrap(), PeerSecurity.wire(identity), PeerSecurity.omIf(identity)))), RemoteLookupClient.DEFAULT_TIMEOUT, PeerSecurity.wire(identity)), identity),
                    lookupLatency);
            relays = new RelayDirectory(lookup);
            relayed = RelayedAddresses.open(config, relays,
                    () -> new InetSocketAddress(localHost(), om.boundAddress().port()), this::sipOverlayLocal,
                    PeerSecurity.relay(identity));
            started.add(relayed);
            return identity != null ? identity.nodeId() : Id.hash("nat:" + RelayedAddresses.hostPort(relayed.om())).toHex();
        }
        listening(config.bind() + ":" + config.dhtPort(), "the lookup node (Chord)", "--dht-port");
        chord = new ChordNode(ChordConfig.builder()
                .listen(config.bind(), config.dhtPort())
                .advertised(config.advertise(), config.dhtPort())
                .nodeId(identity == null ? null : Id.fromHex(identity.nodeId()))
                .security(PeerSecurity.wire(identity))
                .recordRules(PeerSecurity.storeRules(identity))
                .listenerBounds(ListenerOptions.lookup(config))
                .build());
        lookup = new TimedLookupService(PeerSecurity.records(chord, identity), lookupLatency);
        if (config.bootstrap() == null) {
            chord.start();
            log.info("{}: created the overlay; lookup node {} at {}", name, chord.id().shortHex(), chord.address());
        } else {
            // any address of a running peer: its lookup node, its OM IF HOST:PORT or URL (says what answered otherwise)
            String via = BootstrapLookup.resolve(config.bootstrap(), PeerSecurity.wire(identity), PeerSecurity.omIf(identity));
            try {
                chord.join(org.p2psip.lookup.ring.Address.parse(via));
            } catch (IOException | RuntimeException e) {
                throw new IOException("could not join the overlay through --bootstrap " + config.bootstrap()
                        + (via.equals(config.bootstrap()) ? "" : " (its lookup node " + via + ")") + ": "
                        + String.valueOf(e.getMessage()).replace("cannot join the ring via " + via + ": ", "")
                        + "; --bootstrap takes an existing peer's lookup node (its --dht-port, printed at start-up as"
                        + " 'use --bootstrap HOST:PORT to join'), its OM IF HOST:PORT or its OM IF URL", e);
            }
            log.info("{}: joined the overlay through {}; lookup node {} at {}", name, config.bootstrap(),
                    chord.id().shortHex(), chord.address());
        }
        relays = new RelayDirectory(lookup);
        return chord.id().toHex();
    }

    /** The SATO-Ports (interface 1), each behind its own Unix socket; the P2PSIP-Port's requests go to {@link #requests}. */
    private void startPorts() throws IOException, ControlException {
        SatoPortLauncher launcher = new SatoPortLauncher(config);
        rtpPort = launcher.rtpPort(new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
                throw ControlHandler.unknownType(r);
            }

            @Override
            public void onEvent(ControlConnection from, ControlMessage e) {
                log.info("{}: RTP-Port reports {}", config.name(), e);
            }
        });
        sipPort = launcher.p2psipPort(requests, OM_TIMEOUT, relayed == null ? null : RelayedAddresses.hostPort(relayed.sip()));
        started.add(rtpPort);
        listening(config.bind() + ":" + config.rtpPorts(), "the RTP-Port's port range", "--rtp-ports");
        rtpPort.start(PORT_START_TIMEOUT);
        started.add(sipPort);
        listening(config.bind() + ":" + config.sipPort(), "the P2PSIP-Port's SIP listener (UDP and TCP)"
                + (config.sipOverlayPort() != 0 ? " or its overlay listener (--sip-overlay-port " + config.sipOverlayPort() + ")" : ""),
                "--sip-port");
        sipPort.start(PORT_START_TIMEOUT);
    }

    /** The Overlay Manager, driving both ports and owning the lookup service. */
    private OverlayManager startOm(String nodeId) throws ControlException, OmException {
        listening(config.bind() + ":" + config.omPort(), "the Overlay Manager's OM IF (SOAP over HTTP) and its UDP path probes", "--om-port");
        ControlSatoPorts ports = ControlSatoPorts.builder()
                // secured: the P2PSIP-Port's overlay side speaks SIP over mutual TLS only ("secure")
                .signallingTransports(EnumSet.of(identity != null ? TransportKind.TLS : TransportKind.TCP))
                .rtpPort(rtpPort.control())
                .p2psipPort(sipPort.control())
                .nodeName(NodeIds.shortId(nodeId))
                .connect();
        OverlayManager.Builder b = OverlayManager.builder()
                .lookup(lookup)
                .nodeId(nodeId)
                .ports(ports)
                .bind(new Address(config.bind(), config.omPort()))
                .omIfBounds(ListenerOptions.omIf(config))
                .detours(detours)
                .tls(PeerSecurity.omIf(identity))
                // behind a NAT nobody could answer this peer's probes through it: it only answers others'
                .backgroundProbes(!config.nat())
                // the SOAP path compiled before the first calls, not during them (the first calls' set-up delay)
                .warmUpPings(OverlayManager.WARM_UP_PINGS);
        if (relayed != null) {
            // other peers reach this OM through its allocation on the public peer's TCP relay
            b.advertise(new Address(relayed.om().getHostString(), relayed.om().getPort()));
        } else if (config.omPort() != 0 || !config.advertise().equals(config.bind())) {
            // with an ephemeral port the OM advertises the port it got
            b.advertise(new Address(config.advertise(), config.omPort()));
        }
        return b.build().start();
    }

    /** This peer's RTP-Port as a relay for media SATOs, and its TCP relay for peers behind NATs, in the lookup service. */
    private void offerRelays(PeerRecord self) throws IOException {
        // DIAL (signalling detours, issue 13) only to overlay peers this peer's lookup node knows
        RelayDialTargets dialTargets = RelayDialTargets.of(chord);
        started.add(dialTargets);
        listening(config.bind() + ":" + config.tcpRelayPort(), "the TCP relay for peers behind NATs (offered with --offer-relay on)",
                "--tcp-relay-port");
        tcpRelay = TcpRelay.start(new InetSocketAddress(config.bind(), config.tcpRelayPort()), config.advertise(),
                ListenerOptions.tcpRelay(config), dialTargets, PeerSecurity.relay(identity));
        started.add(tcpRelay);
        Address tcp = new Address(config.advertise(), tcpRelay.address().getPort());
        // the RTP-Port relay record names the TCP relay too: a call that takes this relay for its media
        // can take it for its signalling when the direct path is congested
        relays.advertise(new PeerRecord(self.nodeId(), self.om(), -1, false, tcp), this::spareRelaySessions);
        relays.advertiseTcpRelay(self, tcp);
        Flow.step(config.name(), "TCP relay for peers behind NATs at {} (lookup service key {})",
                RelayedAddresses.hostPort(tcpRelay.address()), PeerRecord.TCP_RELAY_KEY);
    }

    /** The listener about to be started, named in the message if its address is in use. */
    private void listening(String address, String what, String option) {
        starting = new String[] {address, what, option};
    }

    /**
     * The operator's HTTP listener ({@code --http}, loopback by default): Prometheus metrics of this
     * peer and its JVM at /metrics, the peer's web view at /.
     */
    private void startOperatorListener() throws IOException {
        InetSocketAddress http = config.httpAddress();
        if (http == null) {
            return;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(lookupLatency);
        registry.register(new PeerCollector(this));
        JvmMetrics.builder().register(registry);
        listening(http.getHostString() + ":" + http.getPort(), "the operator's HTTP listener (metrics)", "--http");
        operator = OperatorListener.start(http, registry, "--http");
        started.add(operator);
        starting = null;
        operator.mountView(new org.p2psip.peer.view.PeerState(this), ladders, this::watchSipPort);
        log.info("{}: for the operator: web view at {}, metrics at {}", config.name(), operator.viewUrl(), operator.metricsUrl());
    }

    /**
     * The operator's HTTP listener (metrics at {@link OperatorListener#metricsUrl()}, the web view at
     * {@link OperatorListener#viewUrl()}); null with {@code --http off}.
     */
    public OperatorListener operatorListener() {
        return operator;
    }

    /** The REGISTERs this peer's OM answered, by whether it wrote the user record (for the metrics). */
    public Map<String, Long> userRegistrations() {
        PortRequests r = requests;
        return r == null ? Map.of() : r.userRegistrations();
    }

    /** The relay decisions of this peer's OM for new media SATOs, by reason (for the metrics). */
    public Map<String, Long> relayDecisions() {
        PortRequests r = requests;
        return r == null ? Map.of() : r.relayDecisions();
    }

    /** Where this host's own listeners are reached from this host. */
    private String localHost() {
        String b = config.bind();
        return b.equals("0.0.0.0") || b.equals("::") ? "127.0.0.1" : b;
    }

    /** The P2PSIP-Port's overlay listener as bound (not as advertised). */
    private InetSocketAddress sipOverlayLocal() {
        InetSocketAddress a = sipOverlayLocal;
        if (a == null) {
            int port = config.sipOverlayPort();
            if (port == 0) {
                try {
                    String bound = sipPortStatus().overlayBound();
                    port = HostPort.parse(bound).port();
                } catch (ControlException | RuntimeException e) {
                    throw new IllegalStateException("the P2PSIP-Port does not tell its overlay port: " + e.getMessage());
                }
            }
            a = new InetSocketAddress(localHost(), port);
            sipOverlayLocal = a;
        }
        return a;
    }

    /** The first OM IF call of a JVM builds CXF's client machinery (seconds on a loaded machine): do it now, not during a call. */
    private void warmUpOmIf() {
        try {
            om.remote().status(om.address());
        } catch (Exception e) {
            log.debug("OM IF warm-up: {}", e.getMessage());
        }
    }

    private int spareRelaySessions() {
        for (PortStatus s : om.portStatus()) {
            String capacity = s.details().get(Fields.CAPACITY); // relay sessions that still fit, as the RTP-Port reports
            if (capacity != null) {
                try {
                    return Integer.parseInt(capacity);
                } catch (NumberFormatException e) {
                    return 1;
                }
            }
        }
        return 1;
    }

    /** A SIP message of a call the P2PSIP-Port told (only while the web view is watched). */
    private void onViewSip(ControlMessage m) {
        try {
            ladders.sip(org.p2psip.control.message.ViewSip.from(m));
        } catch (ControlException e) {
            log.info("{}: ignoring a malformed view.sip from the P2PSIP-Port: {}", config.name(), e.getMessage());
        }
    }

    /** Asks the P2PSIP-Port to tell (or stop telling) the SIP messages of calls ({@code view.watch}). */
    private void watchSipPort(boolean on) {
        try {
            sipPort.control().call(new org.p2psip.control.message.ViewWatch(on).toMessage());
        } catch (ControlException e) {
            throw new IllegalStateException("view.watch: " + e.getMessage(), e);
        }
    }

    /** The relay records this peer finds in the lookup service. */
    public RelayDirectory relayDirectory() {
        return relays;
    }

    public OverlayManager overlayManager() {
        return om;
    }

    /** This peer's certificates (secured overlay), or null when it runs with {@code --security off}. */
    public NodeIdentity identity() {
        return identity;
    }

    /** This peer's Chord node; null for a peer behind a NAT, which uses the ring without joining it. */
    public ChordNode lookupNode() {
        return chord;
    }

    /** The lookup service as this peer uses it. */
    public LookupService lookupService() {
        return lookup;
    }

    /** This peer's TCP relay for peers behind NATs (null if it offers none). */
    public TcpRelay tcpRelay() {
        return tcpRelay;
    }

    /**
     * Detours for the OM (issue 13): {@link Detours#via} gives a local address that reaches a target
     * through a relay peer's TCP relay ({@code DIAL}); tunnels are closed with the peer. Null before
     * {@link #start} got that far.
     */
    public Detours detours() {
        return detours;
    }

    /** Behind a NAT: the addresses rented on a public peer's TCP relay (null otherwise). */
    RelayedAddresses relayedAddresses() {
        return relayed;
    }

    public PeerConfig config() {
        return config;
    }

    /** The SIP address phones use as registrar and outbound proxy (asked of the P2PSIP-Port: the port may be ephemeral). */
    public String sipAddress() throws ControlException {
        // a P2PSIP-Port process answers on its control socket a moment before its SIP listeners are up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String ua = sipPortStatus().ua();
            if (ua != null && !ua.endsWith(":0")) {
                return ua;
            }
            if (System.nanoTime() > deadline) {
                throw new ControlException(ErrorCode.UNAVAILABLE, "the P2PSIP-Port reports no SIP listener");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
    }

    private P2psipPortStatus sipPortStatus() throws ControlException {
        return P2psipPortStatus.from(sipPort.control().call(new org.p2psip.control.message.PortStatus().toMessage()));
    }

    /** {@code rtp.stats} of every session on this peer's RTP-Port: fields {@code SESSION:LEG.counter}. */
    public ControlMessage rtpStats() throws ControlException {
        return rtpPort.control().call(org.p2psip.control.message.RtpStats.all().toMessage());
    }

    /** The lookup node's address: what another peer passes as {@code --bootstrap} (a peer behind a NAT has none). */
    public String bootstrapAddress() {
        return chord == null ? null : chord.address();
    }

    /** Clean shutdown, in reverse: users deregistered, relay records removed, the ring left, the OM, the ports, socket files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String name = config.name();
        if (operator != null) {
            operator.close(); // the view's streams end before the ports it watches go
        }
        if (requests != null) {
            requests.close();
            requests.deregisterAll();
        }
        if (relays != null) {
            relays.close();
        }
        if (chord != null) {
            try {
                chord.leave();
                log.info("{}: left the ring gracefully (keys handed over)", name);
            } catch (RuntimeException e) {
                log.warn("{}: leaving the ring failed: {}", name, e.getMessage());
            }
        }
        if (om != null) {
            om.close(); // closes the lookup service it owns
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("{}: stopping {} failed: {}", name, started.get(i), e.getMessage());
            }
        }
        if ((om == null || chord == null) && lookup != null) {
            try {
                lookup.close();
            } catch (Exception e) {
                log.debug("closing the lookup service: {}", e.getMessage());
            }
        }
        removeSocketFiles();
        log.info("{}: overlay peer stopped", name);
    }

    private void removeSocketFiles() {
        try {
            Files.deleteIfExists(config.stateDir().resolve(SatoPortLauncher.RTP_SOCKET));
            Files.deleteIfExists(config.stateDir().resolve(SatoPortLauncher.SIP_SOCKET));
            Files.deleteIfExists(config.stateDir().resolve(MANAGEMENT_SOCKET));
        } catch (IOException e) {
            log.debug("socket files: {}", e.getMessage());
        }
    }

    /** For the demo and tests: the settings of a loopback peer with ephemeral ports. */
    public static Map<String, String> loopbackDefaults(String name, Path stateDir) {
        return Map.of("name", name, "bind", "127.0.0.1", "sip-port", "0", "om-port", "0", "dht-port", "0", "tcp-relay-port", "0",
                "state-dir", stateDir.toString());
    }
}
