package org.p2psip.sip;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.p2psip.common.HostPort;
import org.p2psip.sip.registrar.RegistrarPolicy;

/**
 * Configuration of a {@link P2psipPort}. Mutable builder style: {@code new P2psipPortConfig(socket).sipPort(0)...}.
 * Port 0 means an ephemeral port chosen at start (tests); production uses 5060 for the UA side.
 */
public final class P2psipPortConfig {
    private final Path controlSocket;
    private String name = "p2psip-port";
    private String bindAddress = "127.0.0.1";
    private String advertisedAddress;
    private int sipPort = 5060;
    private int overlayPort = 0;
    private String overlayAdvertised;
    private boolean sdpRewrite = true;
    /** Default digest realm. */
    public static final String DEFAULT_REALM = "p2psip";
    private java.nio.file.Path usersFile;
    private java.nio.file.Path securityDir;
    private int maxTcpConnections = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MAX_CONNECTIONS;
    private int maxTcpPerSource = org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MAX_CONNECTIONS_PER_SOURCE;
    private Duration tcpMessageDeadline = Duration.ofMillis(org.p2psip.sip.transport.SipListenerBounds.DEFAULT_MESSAGE_DEADLINE_MS);
    private Duration tcpWriteTimeout = Duration.ofMillis(org.p2psip.sip.transport.SipListenerBounds.DEFAULT_WRITE_TIMEOUT_MS);
    private Duration tcpIdleTimeout = Duration.ofMillis(org.p2psip.sip.transport.SipListenerBounds.DEFAULT_IDLE_TIMEOUT_MS);
    private String realm = DEFAULT_REALM;
    /**
     * Default digest algorithms challenged with: MD5 only. baresip 1.0 (Debian bookworm) fails a
     * registration outright when any challenge is SHA-256 ("Function not implemented") and sipp 3.6
     * answers only the first challenge, in MD5; phones that know RFC 8760 get SHA-256 with
     * {@code --digest-algorithms SHA-256,MD5}.
     */
    public static final java.util.List<String> DEFAULT_DIGEST_ALGORITHMS = java.util.List.of("MD5");
    private java.util.List<String> digestAlgorithms = DEFAULT_DIGEST_ALGORITHMS;
    private int minExpires = 60;
    private int defaultExpires = 3600;
    private int maxExpires = 7200;
    private int threads = 8;
    private Duration omTimeout = Duration.ofSeconds(5);
    private Duration satoTimeout = Duration.ofSeconds(10);
    private Duration timerC = Duration.ofSeconds(181);
    private Duration maxCallDuration = Duration.ofHours(12);
    private long expirySweepMillis = 500;
    /** The default file name of the registrar's bindings: the control socket's, with this suffix. */
    public static final String BINDINGS_SUFFIX = ".bindings";
    private Path bindingsFile;
    private boolean bindingsFileSet;
    private int maxOmRequests = 512;
    private int maxCallsInSetup = org.p2psip.sip.proxy.ProxySettings.DEFAULT_MAX_CALLS_IN_SETUP;
    private int targetSetupMillis = org.p2psip.sip.proxy.ProxySettings.DEFAULT_TARGET_SETUP_MILLIS;

    /** @param controlSocket where the port listens for its Overlay Manager */
    public P2psipPortConfig(Path controlSocket) {
        this.controlSocket = Objects.requireNonNull(controlSocket, "controlSocket");
    }

    public Path controlSocket() {
        return controlSocket;
    }

    /** Name announced in the control protocol's hello. */
    public P2psipPortConfig name(String v) {
        this.name = Objects.requireNonNull(v);
        return this;
    }

    public String name() {
        return name;
    }

    /** Address both SIP listening points bind to. */
    public P2psipPortConfig bindAddress(String v) {
        this.bindAddress = Objects.requireNonNull(v);
        return this;
    }

    public String bindAddress() {
        return bindAddress;
    }

    /** Address written into Via and Record-Route (default: the bind address). */
    public P2psipPortConfig advertisedAddress(String v) {
        this.advertisedAddress = v;
        return this;
    }

    public String advertisedAddress() {
        return advertisedAddress != null ? advertisedAddress : bindAddress;
    }

    /** UA-facing port, UDP and TCP (0: ephemeral). */
    public P2psipPortConfig sipPort(int v) {
        this.sipPort = port(v);
        return this;
    }

    public int sipPort() {
        return sipPort;
    }

    /** Overlay-facing TCP port, where other P2PSIP-Ports send over signalling SATOs (0: ephemeral). */
    public P2psipPortConfig overlayPort(int v) {
        this.overlayPort = port(v);
        return this;
    }

    public int overlayPort() {
        return overlayPort;
    }

    /**
     * HOST:PORT other peers reach the overlay-facing listener at, when that is not the bound address
     * (a peer behind a NAT, reached through a TCP relay on a public peer): written into the overlay
     * side's Record-Route and reported as {@code overlay} in {@code port.status}; null: the bound one.
     */
    public P2psipPortConfig overlayAdvertised(String hostPort) {
        if (hostPort != null) {
            try {
                HostPort.parse(hostPort);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("overlay advertised address must be HOST:PORT, not '" + hostPort + "'");
            }
        }
        this.overlayAdvertised = hostPort;
        return this;
    }

    public String overlayAdvertised() {
        return overlayAdvertised;
    }

    /** SDP rewriting towards the RTP-Ports (draft Sec. 4); off: media flows directly between the UAs. */
    public P2psipPortConfig sdpRewrite(boolean v) {
        this.sdpRewrite = v;
        return this;
    }

    public boolean sdpRewrite() {
        return sdpRewrite;
    }

    /** Registration intervals: minimum (423 below it), default, maximum (seconds). */
    public P2psipPortConfig expires(int min, int dflt, int max) {
        new RegistrarPolicy(min, dflt, max);
        this.minExpires = min;
        this.defaultExpires = dflt;
        this.maxExpires = max;
        return this;
    }

    public RegistrarPolicy registrarPolicy() {
        return new RegistrarPolicy(minExpires, defaultExpires, maxExpires);
    }

    /** Worker and SIP stack threads. */
    public P2psipPortConfig threads(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + v);
        }
        this.threads = v;
        return this;
    }

    public int threads() {
        return threads;
    }

    /** How long a request to the Overlay Manager may take. */
    public P2psipPortConfig omTimeout(Duration v) {
        this.omTimeout = positive(v);
        return this;
    }

    public Duration omTimeout() {
        return omTimeout;
    }

    /** How long a signalling SATO may take to become ready. */
    public P2psipPortConfig satoTimeout(Duration v) {
        this.satoTimeout = positive(v);
        return this;
    }

    public Duration satoTimeout() {
        return satoTimeout;
    }

    /** RFC 3261 Timer C for INVITE branches. */
    public P2psipPortConfig timerC(Duration v) {
        this.timerC = positive(v);
        return this;
    }

    public Duration timerC() {
        return timerC;
    }

    /** A call whose BYE never came releases its SATOs after this long. */
    public P2psipPortConfig maxCallDuration(Duration v) {
        this.maxCallDuration = positive(v);
        return this;
    }

    public Duration maxCallDuration() {
        return maxCallDuration;
    }

    /** How often expired registrations are removed (milliseconds). */
    public P2psipPortConfig expirySweepMillis(long v) {
        if (v < 10) {
            throw new IllegalArgumentException("expiry sweep must be >= 10 ms: " + v);
        }
        this.expirySweepMillis = v;
        return this;
    }

    public long expirySweepMillis() {
        return expirySweepMillis;
    }

    /**
     * Where the registrar keeps its bindings across restarts: by default next to the control socket
     * (the peer's state directory), named after it ({@code p2psip-port.sock} -> {@code p2psip-port.bindings});
     * null: in memory only.
     */
    public Path bindingsFile() {
        if (bindingsFileSet) {
            return bindingsFile;
        }
        Path abs = controlSocket.toAbsolutePath();
        String name = abs.getFileName().toString();
        String base = name.endsWith(".sock") ? name.substring(0, name.length() - 5) : name;
        return abs.resolveSibling(base + BINDINGS_SUFFIX);
    }

    public P2psipPortConfig bindingsFile(Path v) {
        this.bindingsFile = v;
        this.bindingsFileSet = true;
        return this;
    }

    /** Most requests to the OM that may be unanswered at once; beyond, UAs get 503 at once (overload control). */
    public P2psipPortConfig maxOmRequests(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("max OM requests must be >= 1: " + v);
        }
        this.maxOmRequests = v;
        return this;
    }

    public int maxOmRequests() {
        return maxOmRequests;
    }

    /** New calls beyond this many in set-up (INVITE received, no final answer yet) get 503 + Retry-After at once. */
    public P2psipPortConfig maxCallsInSetup(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("max calls in set-up must be >= 1: " + v);
        }
        this.maxCallsInSetup = v;
        return this;
    }

    public int maxCallsInSetup() {
        return maxCallsInSetup;
    }

    /**
     * Overload control: when every call set up during a short window took longer than this, new calls
     * beyond what the port sets up in this time get 503 + Retry-After ({@code --target-setup-ms}).
     */
    public P2psipPortConfig targetSetupMillis(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("target set-up time must be >= 0 ms (0: off): " + v);
        }
        this.targetSetupMillis = v;
        return this;
    }

    public int targetSetupMillis() {
        return targetSetupMillis;
    }

    /**
     * The users file ({@link org.p2psip.sip.auth.SipUsers}, {@code NAME:PASSWORD} a line): with it, REGISTER
     * and INVITEs from the UA side must authenticate (digest); null (the default): no authentication.
     */
    public P2psipPortConfig usersFile(java.nio.file.Path v) {
        this.usersFile = v;
        return this;
    }

    public java.nio.file.Path usersFile() {
        return usersFile;
    }

    /**
     * A secured overlay: the peer's security directory ({@code ca.crt}, {@code node.crt},
     * {@code node.key}, made by {@code ./p2psip ca enroll-peer}). The overlay side then listens for
     * SIP over TLS only (mutual TLS: both ends present a certificate of the overlay CA, nothing else
     * is trusted) and forwards to other P2PSIP-Ports over TLS; null (the default): SIP over TCP.
     */
    public P2psipPortConfig securityDir(java.nio.file.Path v) {
        this.securityDir = v;
        return this;
    }

    public java.nio.file.Path securityDir() {
        return securityDir;
    }

    /** The overlay side's transport: {@code tls} in a secured overlay, else {@code tcp}. */
    public String overlayTransport() {
        return securityDir != null ? "tls" : "tcp";
    }

    /** The digest realm (default {@value #DEFAULT_REALM}). */
    public P2psipPortConfig realm(String v) {
        if (v == null || v.isBlank() || v.contains("\"")) {
            throw new IllegalArgumentException("realm must be non-empty and without quotes: " + v);
        }
        this.realm = v;
        return this;
    }

    public String realm() {
        return realm;
    }

    /** Digest algorithms challenged with, in order (a phone uses the first it supports); default {@link #DEFAULT_DIGEST_ALGORITHMS}. */
    public P2psipPortConfig digestAlgorithms(java.util.List<String> v) {
        for (String a : v) {
            if (!org.p2psip.sip.auth.DigestAuthenticator.ALGORITHMS.contains(a)) {
                throw new IllegalArgumentException("digest algorithm '" + a + "' is not one of "
                        + org.p2psip.sip.auth.DigestAuthenticator.ALGORITHMS);
            }
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("at least one digest algorithm");
        }
        this.digestAlgorithms = java.util.List.copyOf(v);
        return this;
    }

    public java.util.List<String> digestAlgorithms() {
        return digestAlgorithms;
    }

    /**
     * Bounds of the SIP TCP listeners ({@link org.p2psip.sip.transport.SipListenerBounds}): open
     * connections in total and per source address (beyond, new ones are closed at once) and the
     * deadline for a whole message.
     */
    public P2psipPortConfig tcpBounds(int maxConnections, int maxPerSource, Duration messageDeadline) {
        if (maxConnections < 1 || maxPerSource < 1 || maxPerSource > maxConnections) {
            throw new IllegalArgumentException("TCP connection caps must be >= 1 and per source <= total: "
                    + maxConnections + ", " + maxPerSource);
        }
        this.maxTcpConnections = maxConnections;
        this.maxTcpPerSource = maxPerSource;
        this.tcpMessageDeadline = positive(messageDeadline);
        return this;
    }

    public int maxTcpConnections() {
        return maxTcpConnections;
    }

    public int maxTcpPerSource() {
        return maxTcpPerSource;
    }

    public Duration tcpMessageDeadline() {
        return tcpMessageDeadline;
    }

    /**
     * Timeouts of accepted SIP TCP connections: an answer not written within {@code write} (a client
     * that does not read) and a connection silent both ways for {@code idle} are closed.
     */
    public P2psipPortConfig tcpTimeouts(Duration write, Duration idle) {
        this.tcpWriteTimeout = positive(write);
        this.tcpIdleTimeout = positive(idle);
        return this;
    }

    public Duration tcpWriteTimeout() {
        return tcpWriteTimeout;
    }

    public Duration tcpIdleTimeout() {
        return tcpIdleTimeout;
    }

    private static int port(int v) {
        if (v < 0 || v > 65535) {
            throw new IllegalArgumentException("port out of range: " + v);
        }
        return v;
    }

    private static Duration positive(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + d);
        }
        return d;
    }
}
