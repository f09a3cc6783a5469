package org.p2psip.rtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;
import org.p2psip.control.SatoPortProcessMain;
import org.p2psip.rtp.config.RtpPortConfig;

/**
 * {@code ./p2psip rtp-port}: runs an RTP-Port alone, driven over its control socket, until a
 * port.shutdown request or SIGTERM; then it closes every socket and removes the socket file.
 */
public final class RtpPortMain {
    private RtpPortMain() {
    }

    static final String COMMAND = "rtp-port";

    static final String USAGE = String.join("\n",
            "usage: ./p2psip rtp-port --control PATH [options]",
            "",
            "Runs an RTP-Port (the media packet relay of an overlay peer) driven by its Overlay Manager",
            "over the Unix-domain control socket PATH (see rtp-proxy/README.md for the messages).",
            "",
            "options:",
            "  --control PATH              control socket to listen on (required)",
            "  --name NAME                 name announced on the control connection (default rtp-port)",
            "  --bind ADDR                 address of the media sockets (default 127.0.0.1)",
            "  --advertise ADDR            address given to the OM for SDP and the lookup service (default: --bind)",
            "  --ports LOW-HIGH            UDP/TCP port range for media (default 30000-39999)",
            "  --idle-timeout SECONDS      release a session that saw no packet for this long (default 60)",
            "  --keepalive SECONDS         keepalive interval of idle active UDP legs, 0 = off (default 5)",
            "  --tcp-connect-timeout SECONDS  give up connecting an active TCP leg (default 10)",
            "  --workers N                 forwarding threads (default: cores / 2, at least 1)",
            "  --max-sessions N            refuse further sessions beyond N (default: no limit but ports)",
            "  --help                      this text");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        RtpPortConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(COMMAND + ": " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (config == null) {
            System.out.println(USAGE);
            return 0;
        }
        return SatoPortProcessMain.run(COMMAND, () -> new RtpPort(config).start(),
                port -> "rtp-port " + config.name() + ": control socket " + config.controlSocket() + ", media on "
                        + config.bindAddress().getHostAddress() + " ports " + config.portLow() + "-" + config.portHigh(),
                "rtp-port " + config.name() + ": stopped", System.out, System.err);
    }

    /** The options of {@code USAGE}; defaults are {@link RtpPortConfig#defaults}. */
    static final List<Option> OPTIONS = List.of(
            Option.value("control", null, "control socket to listen on (required)"),
            Option.value("name", null, "name announced on the control connection"),
            Option.value("bind", null, "address of the media sockets"),
            Option.value("advertise", null, "address given to the OM for SDP and the lookup service"),
            Option.value("ports", null, "UDP/TCP port range for media, LOW-HIGH"),
            Option.value("idle-timeout", null, "release a session that saw no packet for this long (s)"),
            Option.value("keepalive", null, "keepalive interval of idle active UDP legs, 0 = off (s)"),
            Option.value("tcp-connect-timeout", null, "give up connecting an active TCP leg (s)"),
            Option.value("workers", null, "forwarding threads"),
            Option.value("max-sessions", null, "refuse further sessions beyond N"));

    /** The configuration the arguments describe, or null for --help. */
    static RtpPortConfig parse(String[] args) {
        Options o = Options.parse(COMMAND, OPTIONS, args);
        if (o.help()) {
            return null;
        }
        if (!o.has("control")) {
            throw new IllegalArgumentException("--control PATH is required");
        }
        RtpPortConfig c = RtpPortConfig.defaults(Path.of(o.get("control")));
        if (o.has("name")) {
            c = c.withName(o.get("name"));
        }
        if (o.has("bind")) {
            c = c.withBindAddress(address(o, "bind"));
        }
        if (o.has("advertise")) {
            c = c.withAdvertisedAddress(address(o, "advertise"));
        }
        if (o.has("ports")) {
            String v = o.get("ports");
            int dash = v.indexOf('-');
            if (dash < 0) {
                throw new IllegalArgumentException("--ports must be LOW-HIGH, not '" + v + "'");
            }
            c = c.withPorts(integer("--ports", v.substring(0, dash)), integer("--ports", v.substring(dash + 1)));
        }
        if (o.has("idle-timeout")) {
            c = c.withIdleTimeout(seconds(o, "idle-timeout"));
        }
        if (o.has("keepalive")) {
            c = c.withKeepaliveInterval(seconds(o, "keepalive"));
        }
        if (o.has("tcp-connect-timeout")) {
            c = c.withTcpConnectTimeout(seconds(o, "tcp-connect-timeout"));
        }
        if (o.has("workers")) {
            c = c.withWorkers((int) o.number("workers", 1, 64));
        }
        if (o.has("max-sessions")) {
            c = c.withMaxSessions((int) o.number("max-sessions", 1, Integer.MAX_VALUE));
        }
        return c;
    }

    private static InetAddress address(Options o, String name) {
        String v = o.get(name);
        try {
            return InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--" + name + ": unknown host '" + v + "'");
        }
    }

    private static int integer(String opt, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a number, not '" + v + "'");
        }
    }

    /** Seconds, fractions allowed (0.5), 0 to one day. */
    private static Duration seconds(Options o, String name) {
        String v = o.get(name);
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isNaN(d) || d < 0 || d > 86_400) {
                throw new IllegalArgumentException("--" + name + " out of range: " + v);
            }
            return Duration.ofMillis(Math.round(d * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number of seconds, not '" + v + "'");
        }
    }
}
