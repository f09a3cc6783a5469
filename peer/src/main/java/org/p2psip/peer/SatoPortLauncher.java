package org.p2psip.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.p2psip.control.ControlHandler;
import org.p2psip.rtp.RtpPort;
import org.p2psip.rtp.config.RtpPortConfig;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * The peer's two SATO-Ports as configured: the RTP-Port and the P2PSIP-Port, each behind its own
 * Unix socket in the state directory, as child processes or inside the OM's JVM ({@code --ports}).
 */
final class SatoPortLauncher {
    static final String RTP_SOCKET = "rtp-port.sock";
    static final String SIP_SOCKET = "p2psip-port.sock";

    private final PeerConfig config;

    SatoPortLauncher(PeerConfig config) {
        this.config = config;
    }

    /** The RTP-Port, not started yet; {@code events} hears what it reports. */
    SatoPortRunner rtpPort(ControlHandler events) {
        Path sock = config.stateDir().resolve(RTP_SOCKET);
        if (config.portMode() == PeerConfig.PortMode.IN_PROCESS) {
            return new InProcessSatoPort("rtp-port", sock, () -> new RtpPort(rtpConfig(sock)).start(), events);
        }
        return new SatoPortProcess("rtp-port", "rtp-port", List.of(
                "--name", config.name() + "-rtp", "--bind", config.bind(), "--advertise", config.advertise(),
                "--ports", config.rtpPorts()), sock, config.stateDir(), events);
    }

    /**
     * The P2PSIP-Port, not started yet; {@code requests} (the OM) serves its requests.
     * {@code overlayAdvertised} (HOST:PORT, or null) is where other peers reach its overlay side.
     */
    SatoPortRunner p2psipPort(ControlHandler requests, Duration omTimeout, String overlayAdvertised) {
        Path sock = config.stateDir().resolve(SIP_SOCKET);
        if (config.portMode() == PeerConfig.PortMode.IN_PROCESS) {
            return new InProcessSatoPort("p2psip-port", sock,
                    () -> new P2psipPort(sipConfig(sock, omTimeout, overlayAdvertised)).start(), requests);
        }
        List<String> args = new ArrayList<>(List.of(
                "--name", config.name() + "-sip", "--bind", config.bind(), "--advertise", config.advertise(),
                "--sip-port", String.valueOf(config.sipPort()), "--overlay-port", String.valueOf(config.sipOverlayPort()),
                "--sdp-rewrite", config.sdpRewrite() ? "on" : "off",
                "--max-expires", String.valueOf(config.registerExpiresMax()),
                "--max-calls-in-setup", String.valueOf(config.maxCallsInSetup()),
                "--target-setup-ms", String.valueOf(config.targetSetupMillis()),
                "--om-timeout", String.valueOf(omTimeout.toMillis())));
        org.p2psip.common.ListenerBounds tcp = ListenerOptions.sipTcp(config);
        args.addAll(List.of("--max-tcp-connections", String.valueOf(tcp.maxConnections()),
                "--max-tcp-per-source", String.valueOf(tcp.maxConnectionsPerSource()),
                "--tcp-message-deadline-ms", String.valueOf(tcp.readDeadline().toMillis()),
                "--tcp-write-timeout-ms", String.valueOf(tcp.writeTimeout().toMillis()),
                "--tcp-idle-timeout-ms", String.valueOf(tcp.idleTimeout().toMillis())));
        if (overlayAdvertised != null) {
            args.addAll(List.of("--overlay-advertise", overlayAdvertised));
        }
        if (config.securityDir() != null) {
            args.addAll(List.of("--security", config.securityDir().toAbsolutePath().toString()));
        }
        if (config.usersFile() != null) {
            args.addAll(List.of("--users", config.usersFile().toAbsolutePath().toString(),
                    "--digest-algorithms", String.join(",", config.digestAlgorithms())));
        }
        return new SatoPortProcess("p2psip-port", "sip-port", args, sock, config.stateDir(), requests);
    }

    private RtpPortConfig rtpConfig(Path socket) throws IOException {
        return RtpPortConfig.defaults(socket)
                .withName(config.name() + "-rtp")
                .withBindAddress(InetAddress.getByName(config.bind()))
                .withAdvertisedAddress(InetAddress.getByName(config.advertise()))
                .withPorts(config.rtpPortLow(), config.rtpPortHigh());
    }

    private P2psipPortConfig sipConfig(Path socket, Duration omTimeout, String overlayAdvertised) {
        int max = (int) config.registerExpiresMax();
        org.p2psip.common.ListenerBounds tcp = ListenerOptions.sipTcp(config);
        return new P2psipPortConfig(socket)
                .tcpBounds(tcp.maxConnections(), tcp.maxConnectionsPerSource(), tcp.readDeadline())
                .tcpTimeouts(tcp.writeTimeout(), tcp.idleTimeout())
                .name(config.name() + "-sip")
                .bindAddress(config.bind())
                .advertisedAddress(config.advertise())
                .sipPort(config.sipPort())
                .overlayPort(config.sipOverlayPort())
                .sdpRewrite(config.sdpRewrite())
                .maxCallsInSetup(config.maxCallsInSetup())
                .targetSetupMillis(config.targetSetupMillis())
                .omTimeout(omTimeout)
                .overlayAdvertised(overlayAdvertised)
                .usersFile(config.usersFile())
                .securityDir(config.securityDir())
                .digestAlgorithms(config.digestAlgorithms())
                .expires(Math.min(60, max), Math.min(3600, max), max);
    }
}
