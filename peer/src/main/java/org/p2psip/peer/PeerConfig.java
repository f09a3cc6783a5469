package org.p2psip.peer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.p2psip.om.sato.RelayPolicy;
import org.p2psip.om.sato.SatoSettings;

/**
 * Everything a peer is configured with. Flags and the configuration file use the same names
 * ({@code --sip-port 5070} on the command line is {@code sip-port=5070} in the file); flags win.
 * Defaults let a peer start with no arguments on loopback.
 */
public final class PeerConfig {

    /** Where the SATO-Ports run: separate supervised processes (the prototype's way) or inside the OM's JVM. */
    public enum PortMode { PROCESS, IN_PROCESS }

    /** One option: its name, default, and help line; the table is the documentation. */
    static final class Option {
        final String name;
        final String defaultValue;
        final String help;

        Option(String name, String defaultValue, String help) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.help = help;
        }
    }

    static final List<Option> OPTIONS = List.of(
            new Option("config", null, "configuration file (key=value, same names as the flags)"),
            new Option("name", "peer", "a name for logs and the state directory"),
            new Option("bind", "127.0.0.1", "address every listener binds to and advertises"),
            new Option("advertise", null, "address announced to other peers (default: --bind)"),
            new Option("sip-port", "5060", "P2PSIP-Port: UDP and TCP port the phones register at"),
            new Option("sip-overlay-port", "0", "P2PSIP-Port: TCP port of the signalling SATOs (0 = any free)"),
            new Option("om-port", "7070", "Overlay Manager: SOAP endpoint (OM IF) port"),
            new Option("dht-port", "4000", "lookup service: Chord node TCP port"),
            new Option("rtp-ports", "20000-20999", "RTP-Port: UDP/TCP port range LOW-HIGH"),
            new Option("bootstrap", null, "HOST:PORT of any existing peer's lookup node, its --dht-port (absent: create the overlay)"),
            new Option("nat", "off", "on | off: this peer is behind a NAT: it uses the lookup service through --bootstrap without"
                    + " joining the ring, is reached through a TCP relay found in the lookup service, and its media goes through an RTP-Port relay"),
            new Option("nat-keepalive", "15", "behind a NAT: seconds between keepalives on the TCP relay connections (below the NAT's binding timeout)"),
            new Option("tcp-relay-port", "7080", "TCP relay for peers behind NATs, offered with --offer-relay on by a peer not behind a NAT (0 = any free)"),
            new Option("relay-policy", "auto", "auto | always | never: when to insert an RTP-Port relay"),
            new Option("relay-rtt-ms", "150", "auto policy: insert a relay when the path RTT to the far OM exceeds this"),
            new Option("relay-loss-percent", "5", "auto policy: insert a relay when the measured loss exceeds this"),
            new Option("probe-extra-delay-ms", "0", "added to every path measurement (emulates latency for tests)"),
            new Option("offer-relay", "on", "on | off: advertise this peer's RTP-Port as a relay in the lookup service"),
            new Option("sdp-rewrite", "on", "on | off: route media through the RTP-Ports (off: directly between phones)"),
            new Option("ports", "process", "process | in-process: run the SATO-Ports as child processes or in the OM's JVM"),
            new Option("state-dir", null, "socket files and logs (default: /tmp/p2psip-<name>-<om-port>)"),
            new Option("register-expires-max", "3600", "P2PSIP-Port: largest registration interval granted (s)"));

    private final Map<String, String> values;

    private PeerConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Parses flags (and the file named by {@code --config}); throws IllegalArgumentException with a one-line reason. */
    public static PeerConfig parse(String[] args) throws IOException {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            flags.put(checkName(key), value);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            if (o.defaultValue != null) {
                merged.put(o.name, o.defaultValue);
            }
        }
        String file = flags.get("config");
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                merged.put(checkName(k.trim()), p.getProperty(k).trim());
            }
        }
        merged.putAll(flags);
        PeerConfig c = new PeerConfig(merged);
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

    private static String checkName(String key) {
        for (Option o : OPTIONS) {
            if (o.name.equals(key)) {
                return key;
            }
        }
        throw new IllegalArgumentException("unknown option '" + key + "' (see ./p2psip peer --help)");
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
        if (bootstrap() != null) {
            hostPort(bootstrap(), "bootstrap");
        }
        number("relay-rtt-ms");
        number("relay-loss-percent");
        number("probe-extra-delay-ms");
        number("register-expires-max");
    }

    /** The text of {@code ./p2psip peer --help}'s option list. */
    public static String optionsHelp() {
        StringBuilder sb = new StringBuilder();
        for (Option o : OPTIONS) {
            sb.append(String.format(Locale.ROOT, "  --%-22s %s%s%n", o.name + " X", o.help,
                    o.defaultValue == null ? "" : " [" + o.defaultValue + "]"));
        }
        return sb.toString();
    }

    public String get(String name) {
        return values.get(name);
    }

    public String name() {
        return values.get("name");
    }

    public String bind() {
        return values.get("bind");
    }

    public String advertise() {
        String a = values.get("advertise");
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
        return values.get("rtp-ports");
    }

    /** HOST:PORT of a peer's OM to join through, or null to create the overlay. */
    public String bootstrap() {
        return values.get("bootstrap");
    }

    /** How the OM decides to insert an RTP-Port relay into the media SATO (paper Sec. 5.2). */
    public RelayPolicy.Mode relayPolicy() {
        return enumValue(RelayPolicy.Mode.class, "relay-policy");
    }

    /** What the OM's side of the P2PSIP-Port's SATO requests needs: relay policy, thresholds, NAT. */
    public SatoSettings satoSettings() {
        return new SatoSettings(relayPolicy(), relayRttMs(), relayLossPercent(), probeExtraDelayMs(), nat());
    }

    public PortMode portMode() {
        return "in-process".equals(values.get("ports")) ? PortMode.IN_PROCESS : enumValue(PortMode.class, "ports");
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

    public long relayLossPercent() {
        return number("relay-loss-percent");
    }

    public long probeExtraDelayMs() {
        return number("probe-extra-delay-ms");
    }

    public long registerExpiresMax() {
        return number("register-expires-max");
    }

    public Path stateDir() {
        String s = values.get("state-dir");
        return s != null ? Path.of(s) : Path.of(System.getProperty("java.io.tmpdir"), "p2psip-" + name() + "-" + omPort());
    }

    private int[] rtpRange() {
        String r = values.get("rtp-ports");
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
        long v = number(name);
        if (v < 0 || v > 65535) {
            throw new IllegalArgumentException("--" + name + " must be a port number 0-65535, not " + v);
        }
        return (int) v;
    }

    private long number(String name) {
        String v = values.get(name);
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be a non-negative number, not '" + v + "'");
        }
    }

    private boolean onOff(String name) {
        String v = values.get(name);
        if ("on".equals(v)) {
            return true;
        }
        if ("off".equals(v)) {
            return false;
        }
        throw new IllegalArgumentException("--" + name + " must be on or off, not '" + v + "'");
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String name) {
        String v = values.get(name);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", not '" + v + "'");
        }
    }

    /** Parses HOST:PORT, with a clear message naming the option. */
    public static java.net.InetSocketAddress hostPort(String s, String option) {
        int colon = s.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return java.net.InetSocketAddress.createUnresolved(s.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " must be HOST:PORT, not '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
