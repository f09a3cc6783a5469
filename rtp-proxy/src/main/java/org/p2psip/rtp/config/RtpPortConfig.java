package org.p2psip.rtp.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one RTP-Port: where its control socket is, which address and port range its media
 * sockets use, and its timers. Immutable; start from {@link #defaults(Path)} and change with the
 * {@code with...} methods.
 */
public final class RtpPortConfig {
    public static final int DEFAULT_PORT_LOW = 30000;
    public static final int DEFAULT_PORT_HIGH = 39999;

    private final Path controlSocket;
    private final String name;
    private final InetAddress bindAddress;
    private final InetAddress advertisedAddress;
    private final int portLow;
    private final int portHigh;
    private final Duration idleTimeout;
    private final Duration keepaliveInterval;
    private final Duration tcpConnectTimeout;
    private final int workers;
    private final int maxSessions;
    private final int tcpQueueBytes;

    private RtpPortConfig(Path controlSocket, String name, InetAddress bindAddress, InetAddress advertisedAddress,
                          int portLow, int portHigh, Duration idleTimeout, Duration keepaliveInterval,
                          Duration tcpConnectTimeout, int workers, int maxSessions, int tcpQueueBytes) {
        this.controlSocket = controlSocket;
        this.name = Objects.requireNonNull(name);
        this.bindAddress = Objects.requireNonNull(bindAddress);
        this.advertisedAddress = advertisedAddress;
        if (portLow < 1 || portHigh > 65535 || portLow > portHigh) {
            throw new IllegalArgumentException("port range " + portLow + "-" + portHigh + " is not within 1-65535");
        }
        this.portLow = portLow;
        this.portHigh = portHigh;
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
        if (keepaliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepalive interval must not be negative: " + keepaliveInterval);
        }
        this.keepaliveInterval = keepaliveInterval;
        this.tcpConnectTimeout = tcpConnectTimeout;
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be 1..64: " + workers);
        }
        this.workers = workers;
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max sessions must be positive: " + maxSessions);
        }
        this.maxSessions = maxSessions;
        this.tcpQueueBytes = Math.max(tcpQueueBytes, 2 * 65537);
    }

    /** Loopback, ports 30000-39999, 60 s idle timeout, 5 s keepalives, one worker per two cores. */
    public static RtpPortConfig defaults(Path controlSocket) {
        InetAddress loopback;
        try {
            loopback = InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return new RtpPortConfig(controlSocket, "rtp-port", loopback, null, DEFAULT_PORT_LOW, DEFAULT_PORT_HIGH,
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(10), Math.max(1, cores / 2),
                Integer.MAX_VALUE, 256 * 1024);
    }

    public RtpPortConfig withControlSocket(Path p) {
        return new RtpPortConfig(p, name, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withName(String n) {
        return new RtpPortConfig(controlSocket, n, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withBindAddress(InetAddress a) {
        return new RtpPortConfig(controlSocket, name, a, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    /** The address given to the OM in answers (for SDP and the lookup service); default: the bind address. */
    public RtpPortConfig withAdvertisedAddress(InetAddress a) {
        return new RtpPortConfig(controlSocket, name, bindAddress, a, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withPorts(int low, int high) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, low, high, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withIdleTimeout(Duration d) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, portLow, portHigh, d,
                keepaliveInterval, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    /** How long an active UDP leg may stay silent before it sends a keepalive; zero disables keepalives. */
    public RtpPortConfig withKeepaliveInterval(Duration d) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                d, tcpConnectTimeout, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withTcpConnectTimeout(Duration d) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, d, workers, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withWorkers(int n) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, n, maxSessions, tcpQueueBytes);
    }

    public RtpPortConfig withMaxSessions(int n) {
        return new RtpPortConfig(controlSocket, name, bindAddress, advertisedAddress, portLow, portHigh, idleTimeout,
                keepaliveInterval, tcpConnectTimeout, workers, n, tcpQueueBytes);
    }

    public Path controlSocket() {
        return controlSocket;
    }

    public String name() {
        return name;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    public InetAddress advertisedAddress() {
        return advertisedAddress != null ? advertisedAddress : bindAddress;
    }

    public int portLow() {
        return portLow;
    }

    public int portHigh() {
        return portHigh;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    public Duration tcpConnectTimeout() {
        return tcpConnectTimeout;
    }

    public int workers() {
        return workers;
    }

    public int maxSessions() {
        return maxSessions;
    }

    /** Bytes of RFC 4571 frames a TCP leg queues when its peer reads slowly; beyond that packets are dropped. */
    public int tcpQueueBytes() {
        return tcpQueueBytes;
    }
}
