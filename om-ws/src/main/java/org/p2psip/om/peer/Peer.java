package org.p2psip.om.peer;

import java.io.IOException;
import java.net.InetAddress;
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
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
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

    private final PeerConfig config;
    private final List<AutoCloseable> started = new ArrayList<>();
    private ChordNode lookup;
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
        lookup = new ChordNode(ChordConfig.builder()
                .listen(config.bind(), config.dhtPort())
                .advertised(config.advertise(), config.dhtPort())
                .build());
        if (config.bootstrap() == null) {
            lookup.start();
            log.info("{}: created the overlay; lookup node {} at {}", name, lookup.id().shortHex(), lookup.address());
        } else {
            lookup.join(org.p2psip.lookup.chord.Address.parse(config.bootstrap()));
            log.info("{}: joined the overlay through {}; lookup node {} at {}", name, config.bootstrap(),
                    lookup.id().shortHex(), lookup.address());
        }
        relays = new RelayDirectory(lookup);
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
            sipPort = new SatoPortProcess("p2psip-port", "sip-port", List.of(
                    "--name", name + "-sip", "--bind", config.bind(), "--advertise", config.advertise(),
                    "--sip-port", String.valueOf(config.sipPort()), "--overlay-port", String.valueOf(config.sipOverlayPort()),
                    "--sdp-rewrite", config.sdpRewrite() ? "on" : "off",
                    "--max-expires", String.valueOf(config.registerExpiresMax()),
                    "--om-timeout", String.valueOf(OM_TIMEOUT.toMillis())), sipSock, state, requests);
        }
        started.add(rtpPort);
        rtpPort.start(PORT_START_TIMEOUT);
        started.add(sipPort);
        sipPort.start(PORT_START_TIMEOUT);

        ControlSatoPorts ports = ControlSatoPorts.builder()
                .rtpPort(rtpPort.control())
                .p2psipPort(sipPort.control())
                .nodeName(NodeIds.shortId(lookup.id().toHex()))
                .connect();
        OverlayManager.Builder b = OverlayManager.builder()
                .lookupNode(lookup)
                .ports(ports)
                .bind(new Address(config.bind(), config.omPort()));
        if (config.omPort() != 0 || !config.advertise().equals(config.bind())) {
            // with an ephemeral port the OM advertises the port it got
            b.advertise(new Address(config.advertise(), config.omPort()));
        }
        om = b.build().start();
        self = new PeerRecord(om.nodeId(), om.address(), -1);
        warmUpOmIf();
        requests.attach(om, self);
        if (config.offerRelay()) {
            relays.advertise(self, this::spareRelaySessions);
        }
        log.info("{}: overlay peer {} up: OM IF {} | lookup {} | P2PSIP-Port SIP {}:{} | RTP-Port {} | relay policy {} | SDP rewrite {}",
                name, NodeIds.shortId(om.nodeId()), om.url(), lookup.address(), config.advertise(), config.sipPort(),
                config.rtpPorts(), config.relayPolicy().name().toLowerCase(), config.sdpRewrite() ? "on" : "off");
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

    public ChordNode lookupNode() {
        return lookup;
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

    /** The lookup node's address: what another peer passes as {@code --bootstrap}. */
    public String bootstrapAddress() {
        return lookup.address();
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
        if (lookup != null) {
            try {
                lookup.leave();
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
        if (om == null && lookup != null) {
            lookup.close();
        }
        try {
            Files.deleteIfExists(config.stateDir().resolve("rtp-port.sock"));
            Files.deleteIfExists(config.stateDir().resolve("p2psip-port.sock"));
        } catch (IOException e) {
            log.debug("socket files: {}", e.getMessage());
        }
        log.info("{}: overlay peer stopped", name);
    }

    /** For the demo and tests: the settings of a loopback peer with ephemeral ports. */
    public static Map<String, String> loopbackDefaults(String name, Path stateDir) {
        return Map.of("name", name, "bind", "127.0.0.1", "sip-port", "0", "om-port", "0", "dht-port", "0",
                "state-dir", stateDir.toString());
    }
}
