package org.p2psip.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.tcprelay.AllocationStats;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.LookupService;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.tcprelay.RelayedListener;
import org.p2psip.tcprelay.TcpRelay;
import org.p2psip.om.Address;
import org.p2psip.om.NodeIds;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.ports.ControlSatoPorts;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.rtp.RtpPort;
import org.p2psip.rtp.RtpPortConfig;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete overlay peer, the paper's P2PSIP SATO node (Figure 2): the Overlay Manager with its
 * SOAP endpoint (OM IF), its lookup node (Chord), a P2PSIP-Port and an RTP-Port, wired over
 * Unix-domain sockets in the state directory. {@link #close()} deregisters the users, leaves the
 * ring gracefully, stops the SATO-Ports and removes the socket files.
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
    public static final String STATUS_REQUEST = "peer.status";

    private final PeerConfig config;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The lookup service as this peer uses it: its own Chord node, or (behind a NAT) a client of the ring. */
    private LookupService lookup;
    /** This peer's Chord node; null behind a NAT (nobody could connect to it). */
    private ChordNode chord;
    /** A public peer's TCP relay for peers behind NATs; null if this peer offers none. */
    private TcpRelay tcpRelay;
    /** Behind a NAT: the allocations on a public peer's TCP relay through which others reach the OM IF and the P2PSIP-Port. */
    private RelayedListener omRelayed;
    private RelayedListener sipRelayed;
    private volatile InetSocketAddress sipOverlayLocal;
    /** {@code <state-dir>/om.sock}: answers {@code peer.status} for local tools (status, experiments). */
    private ControlServer management;
    private OverlayManager om;
    private SatoPortRunner rtpPort;
    private SatoPortRunner sipPort;
    private SatoPortRequests requests;
    private RelayDirectory relays;
    private PeerRecord self;
    private volatile boolean closed;

    private Peer(PeerConfig config) {
        this.config = config;
    }

    /** Starts a peer: creates the overlay, or joins it through {@link PeerConfig#bootstrap()}. */
    public static Peer start(PeerConfig config) throws IOException, ControlException {
        Peer p = new Peer(config);
        try {
            p.startAll();
            return p;
        } catch (IOException | ControlException | RuntimeException e) {
            p.close();
            throw e;
        } catch (org.p2psip.om.OmException e) {
            p.close();
            throw new IOException("the Overlay Manager could not start: " + e.getMessage(), e);
        }
    }

    private void startAll() throws IOException, ControlException, org.p2psip.om.OmException {
        Path state = config.stateDir();
        Files.createDirectories(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        String name = config.name();

        // lookup service (interface 3): the Chord node lives in the OM's JVM
        String nodeId;
        if (config.nat()) {
            // Behind a NAT nobody can connect to this peer: it uses the ring through the bootstrap
            // peer without joining it, and rents addresses on a public peer's TCP relay (Sec. 5.3).
            lookup = new RemoteLookupClient(org.p2psip.lookup.ring.Address.parse(config.bootstrap()));
            relays = new RelayDirectory(lookup);
            openRelayedListeners(name);
            nodeId = Id.hash("nat:" + omRelayed.publicAddress().getHostString() + ":" + omRelayed.publicAddress().getPort()).toHex();
        } else {
            chord = new ChordNode(ChordConfig.builder()
                    .listen(config.bind(), config.dhtPort())
                    .advertised(config.advertise(), config.dhtPort())
                    .build());
            lookup = chord;
            if (config.bootstrap() == null) {
                chord.start();
                log.info("{}: created the overlay; lookup node {} at {}", name, chord.id().shortHex(), chord.address());
            } else {
                chord.join(org.p2psip.lookup.ring.Address.parse(config.bootstrap()));
                log.info("{}: joined the overlay through {}; lookup node {} at {}", name, config.bootstrap(),
                        chord.id().shortHex(), chord.address());
            }
            relays = new RelayDirectory(lookup);
            nodeId = chord.id().toHex();
        }
        requests = new SatoPortRequests(name, lookup, config, relays);

        // SATO-Ports (interface 1), each behind its own Unix socket
        Path rtpSock = state.resolve("rtp-port.sock");
        Path sipSock = state.resolve("p2psip-port.sock");
        ControlHandler rtpEvents = new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
                throw ControlHandler.unknownType(r);
            }

            @Override
            public void onEvent(ControlConnection from, ControlMessage e) {
                log.info("{}: RTP-Port reports {}", name, e);
            }
        };
        if (config.portMode() == PeerConfig.PortMode.IN_PROCESS) {
            rtpPort = new InProcessSatoPort("rtp-port", rtpSock, () -> new RtpPort(rtpConfig(rtpSock)).start(), rtpEvents);
            sipPort = new InProcessSatoPort("p2psip-port", sipSock, () -> new P2psipPort(sipConfig(sipSock)).start(), requests);
        } else {
            rtpPort = new SatoPortProcess("rtp-port", "rtp-port", List.of(
                    "--name", name + "-rtp", "--bind", config.bind(), "--advertise", config.advertise(),
                    "--ports", config.rtpPorts()), rtpSock, state, rtpEvents);
            List<String> sipArgs = new ArrayList<>(List.of(
                    "--name", name + "-sip", "--bind", config.bind(), "--advertise", config.advertise(),
                    "--sip-port", String.valueOf(config.sipPort()), "--overlay-port", String.valueOf(config.sipOverlayPort()),
                    "--sdp-rewrite", config.sdpRewrite() ? "on" : "off",
                    "--max-expires", String.valueOf(config.registerExpiresMax()),
                    "--om-timeout", String.valueOf(OM_TIMEOUT.toMillis())));
            if (sipRelayed != null) {
                sipArgs.addAll(List.of("--overlay-advertise", hostPort(sipRelayed.publicAddress())));
            }
            sipPort = new SatoPortProcess("p2psip-port", "sip-port", sipArgs, sipSock, state, requests);
        }
        started.add(rtpPort);
        rtpPort.start(PORT_START_TIMEOUT);
        started.add(sipPort);
        sipPort.start(PORT_START_TIMEOUT);

        ControlSatoPorts ports = ControlSatoPorts.builder()
                .rtpPort(rtpPort.control())
                .p2psipPort(sipPort.control())
                .nodeName(NodeIds.shortId(nodeId))
                .connect();
        OverlayManager.Builder b = OverlayManager.builder()
                .lookup(lookup)
                .nodeId(nodeId)
                .ports(ports)
                .bind(new Address(config.bind(), config.omPort()));
        if (omRelayed != null) {
            // other peers reach this OM through its allocation on the public peer's TCP relay
            b.advertise(new Address(omRelayed.publicAddress().getHostString(), omRelayed.publicAddress().getPort()));
        } else if (config.omPort() != 0 || !config.advertise().equals(config.bind())) {
            // with an ephemeral port the OM advertises the port it got
            b.advertise(new Address(config.advertise(), config.omPort()));
        }
        om = b.build().start();
        self = new PeerRecord(om.nodeId(), om.address(), -1, config.nat(), null);
        warmUpOmIf();
        requests.attach(om, self);
        if (config.offerRelay() && !config.nat()) {
            relays.advertise(self, this::spareRelaySessions);
            tcpRelay = TcpRelay.start(new InetSocketAddress(config.bind(), config.tcpRelayPort()), config.advertise(),
                    TcpRelay.Limits.DEFAULT);
            started.add(tcpRelay);
            relays.advertiseTcpRelay(self, new Address(config.advertise(), tcpRelay.address().getPort()));
            Flow.step(name, "TCP relay for peers behind NATs at {} (lookup service key {})", hostPort(tcpRelay.address()),
                    PeerRecord.TCP_RELAY_KEY);
        }
        management = ControlServer.listen(state.resolve(MANAGEMENT_SOCKET), "om", name, this::onManagementRequest);
        started.add(management);
        log.info("{}: overlay peer {} up: OM IF {} | lookup {} | P2PSIP-Port SIP {}:{} | RTP-Port {} | relay policy {} | SDP rewrite {}",
                name, NodeIds.shortId(om.nodeId()), om.url(), chord != null ? chord.address() : "client of " + config.bootstrap(), config.advertise(), config.sipPort(),
                config.rtpPorts(), config.relayPolicy().name().toLowerCase(), config.sdpRewrite() ? "on" : "off");
    }

    /** The management socket's requests: {@value #STATUS_REQUEST} only. */
    private ControlMessage onManagementRequest(ControlConnection from, ControlMessage r) throws ControlException {
        if (!STATUS_REQUEST.equals(r.type())) {
            throw ControlHandler.unknownType(r);
        }
        ControlMessage a = ControlMessage.responseTo(r).with("name", config.name()).with("node", om.nodeId())
                .with("om", om.address().toString()).with("nat", config.nat() ? "on" : "off")
                .with("lookup", chord != null ? chord.address() : config.bootstrap() + " (as a client, not a ring member)")
                .with("satos", om.satos().size());
        if (omRelayed != null) {
            a = a.with("relayed.om", hostPort(omRelayed.publicAddress())).with("relayed.sip", hostPort(sipRelayed.publicAddress()));
        }
        TcpRelay t = tcpRelay;
        if (t != null) {
            a = a.with("tcp-relay", hostPort(t.address()));
            for (AllocationStats st : t.stats()) {
                String p = "tcp-relay." + st.name() + ".";
                a = a.with(p + "address", hostPort(st.publicAddress())).with(p + "accepted", st.connectionsAccepted())
                        .with(p + "active", st.connectionsActive()).with(p + "bytes_in", st.bytesClientToPeer())
                        .with(p + "bytes_out", st.bytesPeerToClient()).with(p + "open", st.open());
            }
        }
        return a;
    }

    /**
     * Behind a NAT: finds a TCP relay in the lookup service and rents two public addresses there, one
     * for the OM IF and one for the P2PSIP-Port's overlay side. Their targets are looked up lazily:
     * the OM and the port start after this.
     */
    private void openRelayedListeners(String name) throws IOException {
        PeerRecord relay;
        try {
            relay = relays.findTcpRelay(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking for a TCP relay");
        }
        if (relay == null) {
            throw new IOException("this peer is behind a NAT (--nat on) but the lookup service at " + config.bootstrap()
                    + " knows no TCP relay (" + PeerRecord.TCP_RELAY_KEY + "): start a public peer with --offer-relay on first");
        }
        InetSocketAddress at = new InetSocketAddress(relay.tcpRelay().host(), relay.tcpRelay().port());
        Duration keepalive = Duration.ofSeconds(config.natKeepaliveSeconds());
        omRelayed = RelayedListener.open(at, name + "-om", () -> new InetSocketAddress(localHost(), om.boundAddress().port()), keepalive);
        started.add(omRelayed);
        sipRelayed = RelayedListener.open(at, name + "-sip", this::sipOverlayLocal, keepalive);
        started.add(sipRelayed);
        Flow.step(name, "behind a NAT: TCP relay found in the lookup service on peer {} at {}; OM IF reachable at {}, "
                + "P2PSIP-Port overlay side at {}", relay.shortId(), relay.tcpRelay(), hostPort(omRelayed.publicAddress()),
                hostPort(sipRelayed.publicAddress()));
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
                    String bound = sipPort.control().call(ControlMessage.request(org.p2psip.control.MessageTypes.PORT_STATUS))
                            .get("overlay.bound");
                    port = Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1));
                } catch (ControlException | RuntimeException e) {
                    throw new IllegalStateException("the P2PSIP-Port does not tell its overlay port: " + e.getMessage());
                }
            }
            a = new InetSocketAddress(localHost(), port);
            sipOverlayLocal = a;
        }
        return a;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** The first OM IF call of a JVM builds CXF's client machinery (seconds on a loaded machine): do it now, not during a call. */
    private void warmUpOmIf() {
        try {
            om.remote().status(om.address());
        } catch (Exception e) {
            log.debug("OM IF warm-up: {}", e.getMessage());
        }
    }

    private RtpPortConfig rtpConfig(Path socket) throws IOException {
        return RtpPortConfig.defaults(socket)
                .withName(config.name() + "-rtp")
                .withBindAddress(InetAddress.getByName(config.bind()))
                .withAdvertisedAddress(InetAddress.getByName(config.advertise()))
                .withPorts(config.rtpPortLow(), config.rtpPortHigh());
    }

    private P2psipPortConfig sipConfig(Path socket) {
        int max = (int) config.registerExpiresMax();
        return new P2psipPortConfig(socket)
                .name(config.name() + "-sip")
                .bindAddress(config.bind())
                .advertisedAddress(config.advertise())
                .sipPort(config.sipPort())
                .overlayPort(config.sipOverlayPort())
                .sdpRewrite(config.sdpRewrite())
                .omTimeout(OM_TIMEOUT)
                .overlayAdvertised(sipRelayed == null ? null : hostPort(sipRelayed.publicAddress()))
                .expires(Math.min(60, max), Math.min(3600, max), max);
    }

    private int spareRelaySessions() {
        for (PortStatus s : om.portStatus()) {
            String capacity = s.details().get("capacity"); // relay sessions that still fit, as the RTP-Port reports
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

    public OverlayManager overlayManager() {
        return om;
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

    public PeerConfig config() {
        return config;
    }

    /** The SIP address phones use as registrar and outbound proxy (asked of the P2PSIP-Port: the port may be ephemeral). */
    public String sipAddress() throws ControlException {
        // a P2PSIP-Port process answers on its control socket a moment before its SIP listeners are up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String ua = sipPort.control().call(ControlMessage.request(org.p2psip.control.MessageTypes.PORT_STATUS)).get("ua");
            if (ua != null && !ua.endsWith(":0")) {
                return ua;
            }
            if (System.nanoTime() > deadline) {
                throw new ControlException(org.p2psip.control.ErrorCode.UNAVAILABLE, "the P2PSIP-Port reports no SIP listener");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlException(org.p2psip.control.ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
    }

    /** {@code rtp.stats} of every session on this peer's RTP-Port: fields {@code SESSION:LEG.counter}. */
    public ControlMessage rtpStats() throws ControlException {
        return rtpPort.control().call(ControlMessage.request(org.p2psip.control.MessageTypes.RTP_STATS));
    }

    /** The lookup node's address: what another peer passes as {@code --bootstrap} (a peer behind a NAT has none). */
    public String bootstrapAddress() {
        return chord == null ? null : chord.address();
    }

    /** Clean shutdown: users deregistered, the ring left gracefully, SATO-Ports stopped, socket files removed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String name = config.name();
        if (requests != null && lookup != null && self != null) {
            for (String user : requests.registeredUsers()) {
                try {
                    lookup.remove(PeerRecord.USER_PREFIX + user, self.value()).get(3, TimeUnit.SECONDS);
                    log.info("{}: deregistered {} from the lookup service", name, user);
                } catch (Exception e) {
                    log.warn("{}: could not remove the user record of {}: {}", name, user, e.getMessage());
                }
            }
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
            om.close();
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
        try {
            Files.deleteIfExists(config.stateDir().resolve("rtp-port.sock"));
            Files.deleteIfExists(config.stateDir().resolve("p2psip-port.sock"));
            Files.deleteIfExists(config.stateDir().resolve(MANAGEMENT_SOCKET));
        } catch (IOException e) {
            log.debug("socket files: {}", e.getMessage());
        }
        log.info("{}: overlay peer stopped", name);
    }

    /** For the demo and tests: the settings of a loopback peer with ephemeral ports. */
    public static Map<String, String> loopbackDefaults(String name, Path stateDir) {
        return Map.of("name", name, "bind", "127.0.0.1", "sip-port", "0", "om-port", "0", "dht-port", "0", "tcp-relay-port", "0",
                "state-dir", stateDir.toString());
    }
}
