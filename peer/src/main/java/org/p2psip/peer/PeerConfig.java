package org.p2psip.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.p2psip.common.HostPort;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;
import org.p2psip.om.sato.RelayPolicy;
import org.p2psip.om.sato.SatoSettings;

/**
 * Everything a peer is configured with. Flags and the configuration file use the same names
 * ({@code --sip-port 5070} on the command line is {@code sip-port=5070} in the file); flags win.
 * Defaults let a peer start with no arguments on loopback. Parsed by the one option parser of
 * {@code ./p2psip}, {@link Options}.
 */
public final class PeerConfig {

    /** Where the SATO-Ports run: separate supervised processes (the prototype's way) or inside the OM's JVM. */
    public enum PortMode { PROCESS, IN_PROCESS }

    /** The one command that enrolls a peer (the CA's directory and the peer's security directory are the user's). */
    public static final String ENROLL = "./p2psip ca enroll-peer DIR --ca CA_DIR";

    static final String SECURITY = "security";
    /** {@code --security off}: an unsecured overlay. */
    public static final String SECURITY_OFF = "off";

    /** The options, their defaults and help lines; the table is the documentation. */
    static final List<Option> OPTIONS = concat(List.of(
            Option.value("config", null, "configuration file (key=value, same names as the flags)"),
            Option.value("name", "peer", "a name for logs and the state directory"),
            Option.value("bind", "127.0.0.1", "address every listener binds to and advertises"),
            Option.value("advertise", null, "address announced to other peers (default: --bind)"),
            Option.value("sip-port", "5060", "P2PSIP-Port: UDP and TCP port the phones register at"),
            Option.value("sip-overlay-port", "0", "P2PSIP-Port: TCP port of the signalling SATOs (0 = any free)"),
            Option.value("om-port", "7070", "Overlay Manager: SOAP endpoint (OM IF) port"),
            Option.value("dht-port", "4000", "lookup service: Chord node TCP port"),
            Option.value("rtp-ports", "20000-20999", "RTP-Port: UDP/TCP port range LOW-HIGH"),
            Option.value("bootstrap", null, "any existing peer's lookup node HOST:PORT (--dht-port), OM IF HOST:PORT (--om-port) or OM IF URL (absent: create the overlay)"),
            Option.value("nat", "off", "on | off: this peer is behind a NAT: it uses the lookup service through --bootstrap without"
                    + " joining the ring, is reached through a TCP relay found in the lookup service, and its media goes through an RTP-Port relay"),
            Option.value("nat-keepalive", "15", "behind a NAT: seconds between keepalives on the TCP relay connections (below the NAT's binding timeout)"),
            Option.value("tcp-relay-port", "0", "TCP relay for peers behind NATs, offered with --offer-relay on by a peer not behind a NAT"
                    + " (0 = any free: peers behind NATs find it in the lookup service)"),
            Option.value("relay-policy", "auto", "auto | always | never: when to insert an RTP-Port relay"),
            Option.value("relay-rtt-ms", "150", "auto policy: the direct path breaks when the RTT median of UDP path probes to the far OM"
                    + " exceeds this; then a relay whose detour rates measurably better (E-model R) is inserted"),
            Option.value("relay-queue-ms", "50", "auto policy: the direct path breaks when the RTT median of its path probes lies"
                    + " more than this above its base RTT (the lowest of the last 10 minutes): a standing queue, as a bulk"
                    + " transfer builds at a bottleneck"),
            Option.value("relay-loss-percent", "3", "auto policy: the direct path breaks when the path probes' loss exceeds this"
                    + " (a detour losing more is never chosen)"),
            Option.value("relay-jitter-ms", "30", "auto policy: the direct path breaks when the path probes' jitter (mean"
                    + " difference of consecutive RTTs) exceeds this"),
            Option.value("adapt", "on", "on | off: watch running calls' media paths and adapt them (relay failed over, inserted"
                    + " for a congested direct path, removed when it is good again), invisibly to the phones"),
            Option.value("adapt-silence-ms", "150", "adapt: a media path that carried media and then nothing for this long is dead: fail over"),
            Option.value("adapt-insert-ms", "2000", "adapt, auto policy: insert a relay when the direct path has been degraded past"
                    + " the relay thresholds for this long"),
            Option.value("adapt-remove-ms", "10000", "adapt, auto policy: remove a relay inserted for congestion when the direct path"
                    + " has been comfortably good (RTT, queueing delay and jitter within 80%, loss within half the thresholds) for this long"),
            Option.value("dead-media-s", "30", "a call whose media has not arrived at this peer for this long is ended: the"
                    + " P2PSIP-Port sends BYE to its phone and releases the call's SATOs (0 = never); until then a far peer"
                    + " that stopped answering (a partition) does not end it, so a call survives a short outage"),
            Option.value("offer-relay", "on", "on | off: advertise this peer's RTP-Port as a relay in the lookup service"),
            Option.value("sdp-rewrite", "on", "on | off: route media through the RTP-Ports (off: directly between phones)"),
            Option.value("ports", "in-process", "in-process | process: run the SATO-Ports in the OM's JVM (one JVM per peer) or as supervised child processes"),
            Option.value("state-dir", null, "socket files and logs (default: /tmp/p2psip-<name>-<om-port>)"),
            Option.value("register-expires-max", "3600", "P2PSIP-Port: largest registration interval granted (s)"),
            Option.value("max-calls-in-setup", String.valueOf(org.p2psip.sip.proxy.ProxySettings.DEFAULT_MAX_CALLS_IN_SETUP),
                    "P2PSIP-Port overload control: a new call finding this many calls in set-up (no final answer, the"
                    + " callee's phone not ringing yet) is refused at once with 503 and Retry-After"),
            Option.value("target-setup-ms", String.valueOf(org.p2psip.sip.proxy.ProxySettings.DEFAULT_TARGET_SETUP_MILLIS),
                    "P2PSIP-Port overload control: when the calls set up for 500 ms each waited longer than this beyond the"
                    + " fastest set-up to its destination (a standing queue), only as many calls as the port sets up with"
                    + " that wait go into set-up; the excess gets 503 and Retry-After (0: off; 30 keeps the calls taken under"
                    + " overload at ~35 ms)"),
            Option.value("http", "127.0.0.1:0", "the operator's HTTP listener, read-only, without authentication: this peer's"
                    + " web view (node, ring, SATO table, RTP-Port sessions, live call ladders) at / and Prometheus metrics at"
                    + " /metrics; HOST:PORT (on loopback, the default, only users and programs of this host reach it: keep it"
                    + " there, it is for this host's operator, not the overlay; port 0 = any free, printed at start-up) or off"),
            Option.value(SECURITY, null, "DIR: run secured with the certificates in DIR (made once by " + ENROLL + "; mutual TLS"
                    + " with the overlay CA on the lookup service wire, the CA's Node-ID) | off: an UNSECURED overlay, chosen"
                    + " explicitly (the paper's experiments, legacy peers without TLS); a peer given neither does not start"),
            Option.value("users", null, "P2PSIP-Port: users file (NAME:PASSWORD a line): REGISTER and INVITE need SIP digest"
                    + " authentication (absent: none, any phone may register any name)"),
            Option.value("digest-algorithms", "MD5", "P2PSIP-Port: digest algorithms challenged with, in order: MD5, SHA-256"
                    + " or both (SHA-256,MD5; RFC 8760; baresip 1.0 fails on any SHA-256 challenge)")), ListenerOptions.OPTIONS);

    private static List<Option> concat(List<Option> a, List<Option> b) {
        List<Option> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    static final String COMMAND = "./p2psip peer";

    private final Options options;

    private PeerConfig(Options options) {
        this.options = options;
    }

    /** Parses flags (and the file named by {@code --config}); throws IllegalArgumentException with a one-line reason. */
    public static PeerConfig parse(String[] args) throws IOException {
        PeerConfig c = new PeerConfig(Options.parse(COMMAND, OPTIONS, args));
        c.validate();
        return c;
    }

    public static PeerConfig of(Map<String, String> settings) throws IOException {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return parse(args.toArray(new String[0]));
    }

    private void validate() {
        port("sip-port");
        port("om-port");
        port("dht-port");
        port("sip-overlay-port");
        rtpPortLow();
        relayPolicy();
        portMode();
        onOff("sdp-rewrite");
        onOff("offer-relay");
        onOff("nat");
        port("tcp-relay-port");
        if (number("nat-keepalive") < 1) {
            throw new IllegalArgumentException("--nat-keepalive must be at least 1 second");
        }
        if (nat() && bootstrap() == null) {
            throw new IllegalArgumentException("--nat on needs --bootstrap: a peer behind a NAT cannot create the overlay");
        }
        if (bootstrap() != null && !bootstrap().contains("://")) {
            options.hostPort("bootstrap");
        }
        number("relay-rtt-ms");
        number("relay-queue-ms");
        number("relay-loss-percent");
        number("relay-jitter-ms");
        if (number("adapt-silence-ms") < 50 || number("adapt-insert-ms") < 0 || number("adapt-remove-ms") < 0) {
            throw new IllegalArgumentException("--adapt-silence-ms must be at least 50, --adapt-insert-ms and --adapt-remove-ms not negative");
        }
        onOff("adapt");
        if (number("dead-media-s") < 0) {
            throw new IllegalArgumentException("--dead-media-s must not be negative (0: never)");
        }
        number("register-expires-max");
        if (number("max-calls-in-setup") < 1 || number("max-calls-in-setup") > 1_000_000) {
            throw new IllegalArgumentException("--max-calls-in-setup must be 1 .. 1000000, not " + number("max-calls-in-setup"));
        }
        if (number("target-setup-ms") < 0 || number("target-setup-ms") > 600_000) {
            throw new IllegalArgumentException("--target-setup-ms must be 0 (off) .. 600000, not " + number("target-setup-ms"));
        }
        String sec = options.get(SECURITY);
        if (sec == null || sec.isBlank()) {
            throw new IllegalArgumentException("this peer has no certificates, and a peer runs secured: enroll it once with  "
                    + ENROLL + "  and start it with --security DIR (or run an unsecured overlay explicitly with --security off)");
        }
        httpAddress();
        ListenerOptions.validate(this);
    }

    /** The operator's HTTP listener ({@code --http}), or null when {@code off}. */
    public InetSocketAddress httpAddress() {
        String h = options.get("http");
        if (h == null || h.equals("off")) {
            return null;
        }
        try {
            HostPort hp = HostPort.parse(h);
            return new InetSocketAddress(hp.host(), hp.port());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--http must be HOST:PORT (e.g. 127.0.0.1:9470) or off, not '" + h + "'");
        }
    }

    /** The text of {@code ./p2psip peer --help}'s option list. */
    public static String optionsHelp() {
        return Options.help(OPTIONS);
    }

    /** An option's value (given, from the file, or its default), or null. */
    public String get(String name) {
        return options.values().get(name);
    }

    public String name() {
        return options.get("name");
    }

    public String bind() {
        return options.get("bind");
    }

    public String advertise() {
        String a = options.get("advertise");
        return a == null ? bind() : a;
    }

    public int sipPort() {
        return port("sip-port");
    }

    public int sipOverlayPort() {
        return port("sip-overlay-port");
    }

    public int omPort() {
        return port("om-port");
    }

    public int dhtPort() {
        return port("dht-port");
    }

    public int rtpPortLow() {
        return rtpRange()[0];
    }

    public int rtpPortHigh() {
        return rtpRange()[1];
    }

    public String rtpPorts() {
        return options.get("rtp-ports");
    }

    /** HOST:PORT of a peer's OM to join through, or null to create the overlay. */
    public String bootstrap() {
        return options.get("bootstrap");
    }

    /** How the OM decides to insert an RTP-Port relay into the media SATO (paper Sec. 5.2). */
    public RelayPolicy.Mode relayPolicy() {
        return options.choice(RelayPolicy.Mode.class, "relay-policy");
    }

    /** What the OM's side of the P2PSIP-Port's SATO requests needs: relay policy, thresholds, NAT. */
    public SatoSettings satoSettings() {
        return new SatoSettings(relayPolicy(), relayRttMs(), relayQueueMs(), relayLossPercent(), relayJitterMs(), nat(),
                adaptation());
    }

    /** How running media SATOs adapt ({@code --adapt*}). */
    public SatoSettings.Adaptation adaptation() {
        return new SatoSettings.Adaptation(onOff("adapt"), java.time.Duration.ofMillis(number("adapt-silence-ms")),
                java.time.Duration.ofMillis(number("adapt-insert-ms")), java.time.Duration.ofMillis(number("adapt-remove-ms")),
                java.time.Duration.ofSeconds(number("dead-media-s")));
    }

    public PortMode portMode() {
        return options.choice(PortMode.class, "ports");
    }

    public boolean sdpRewrite() {
        return onOff("sdp-rewrite");
    }

    public boolean offerRelay() {
        return onOff("offer-relay");
    }

    /** Whether this peer is behind a NAT (see {@code docs/experiments.md}). */
    public boolean nat() {
        return onOff("nat");
    }

    public long natKeepaliveSeconds() {
        return number("nat-keepalive");
    }

    public int tcpRelayPort() {
        return port("tcp-relay-port");
    }

    public long relayRttMs() {
        return number("relay-rtt-ms");
    }

    public long relayQueueMs() {
        return number("relay-queue-ms");
    }

    public long relayLossPercent() {
        return number("relay-loss-percent");
    }

    public long relayJitterMs() {
        return number("relay-jitter-ms");
    }

    /** The P2PSIP-Port's users file (digest authentication), or null. */
    public Path usersFile() {
        String s = options.get("users");
        return s == null ? null : Path.of(s);
    }

    /** The digest algorithms the P2PSIP-Port challenges with, in order. */
    public List<String> digestAlgorithms() {
        return List.of(options.get("digest-algorithms").split(","));
    }

    public long registerExpiresMax() {
        return number("register-expires-max");
    }

    /** The P2PSIP-Port's admission limit ({@code --max-calls-in-setup}). */
    public int maxCallsInSetup() {
        return (int) number("max-calls-in-setup");
    }

    /** The P2PSIP-Port's set-up time beyond which a standing queue of calls is refused ({@code --target-setup-ms}). */
    public int targetSetupMillis() {
        return (int) number("target-setup-ms");
    }

    /** The security directory ({@code --security DIR}); null when the overlay is unsecured ({@code --security off}). */
    public Path securityDir() {
        String s = options.get(SECURITY);
        return s == null || s.equals(SECURITY_OFF) ? null : Path.of(s);
    }

    public boolean secured() {
        return securityDir() != null;
    }

    public Path stateDir() {
        String s = options.get("state-dir");
        return s != null ? Path.of(s) : Path.of(System.getProperty("java.io.tmpdir"), "p2psip-" + name() + "-" + omPort());
    }

    private int[] rtpRange() {
        String r = options.get("rtp-ports");
        String[] p = r.split("-");
        try {
            int lo = Integer.parseInt(p[0].trim());
            int hi = Integer.parseInt(p[1].trim());
            if (p.length != 2 || lo < 1024 || hi > 65535 || hi - lo < 3) {
                throw new NumberFormatException();
            }
            return new int[] {lo, hi};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--rtp-ports must be LOW-HIGH within 1024-65535 with at least 4 ports, not '" + r + "'");
        }
    }

    private int port(String name) {
        return options.port(name);
    }

    private long number(String name) {
        return options.number(name);
    }

    private boolean onOff(String name) {
        return options.onOff(name);
    }

    /** Parses HOST:PORT of something to reach ({@link HostPort#parseRemote}), with a clear message naming the option. */
    public static InetSocketAddress hostPort(String s, String option) {
        try {
            return HostPort.parseRemote(s).unresolved();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option + " must be HOST:PORT, not '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return options.values().toString();
    }
}
