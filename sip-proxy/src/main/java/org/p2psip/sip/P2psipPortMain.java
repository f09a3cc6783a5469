package org.p2psip.sip;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.p2psip.common.Options;
import org.p2psip.common.Options.Option;
import org.p2psip.control.SatoPortProcessMain;

/**
 * {@code ./p2psip sip-port}: runs one P2PSIP-Port as a process until its OM sends
 * {@code port.shutdown} or the process is signalled.
 */
public final class P2psipPortMain {
    private P2psipPortMain() {
    }

    static final String COMMAND = "p2psip sip-port";

    static final String USAGE = String.join("\n",
            "usage: p2psip sip-port --control PATH [options]",
            "",
            "The P2PSIP-Port: a SIP proxy and registrar for standard SIP phones whose location",
            "service is the overlay's lookup service. It listens on the control socket PATH; its",
            "Overlay Manager connects there.",
            "",
            "  --control PATH        control socket (Unix domain) to listen on (required)",
            "  --name NAME           name announced to the OM (default p2psip-port)",
            "  --bind ADDR           address of both SIP interfaces (default 127.0.0.1)",
            "  --advertise ADDR      address written into Via/Record-Route (default: --bind)",
            "  --sip-port N          UA-facing SIP port, UDP and TCP (default 5060; 0 = ephemeral)",
            "  --overlay-port N      overlay-facing TCP port for other P2PSIP-Ports (default 0 = ephemeral)",
            "  --overlay-advertise HOST:PORT  where other peers reach the overlay side, if not there",
            "                        (a peer behind a NAT: its allocation on a public peer's TCP relay)",
            "  --sdp-rewrite on|off  media through the RTP-Ports (on, default) or direct between UAs (off)",
            "  --min-expires S       shortest registration accepted, else 423 (default 60)",
            "  --default-expires S   registration interval when the UA names none (default 3600)",
            "  --max-expires S       longest registration granted (default 7200)",
            "  --threads N           SIP stack and worker threads (default 8)",
            "  --om-timeout MS       how long a request to the OM may take (default 5000)",
            "  --sato-timeout MS     how long a signalling SATO may take to be ready (default 10000)",
            "  --max-om-requests N   unanswered requests to the OM beyond which UAs get 503 at once (default 512)",
            "  --max-calls-in-setup N  new calls beyond N in set-up get 503 + Retry-After at once (default 32)",
            "  --target-setup-ms MS  when the calls set up for 500 ms each waited over MS more than the fastest set-up to",
            "                        its destination, only as many calls as are set up with that wait go into set-up; the",
            "                        excess gets 503 + Retry-After (default 0: off; 30 keeps calls set up in ~35 ms)",
            "  --max-tcp-connections N  open SIP TCP connections per listener; beyond, new ones are closed (default 256)",
            "  --max-tcp-per-source N   ... per source address (default 32)",
            "  --tcp-message-deadline-ms MS  a SIP message over TCP must be complete within this (default 10000)",
            "  --tcp-write-timeout-ms MS     an answer over TCP not written within this closes the connection (default 10000)",
            "  --tcp-idle-timeout-ms MS      a TCP connection silent both ways this long is closed (default 300000)",
            "  --users FILE          digest authentication of REGISTER and INVITE against FILE (NAME:PASSWORD a line);",
            "                        absent: none (any phone may register any name)",
            "  --realm NAME          digest realm (default p2psip)",
            "  --security DIR        a secured overlay: the overlay side speaks SIP over mutual TLS only, with the",
            "                        peer's certificate in DIR (./p2psip ca enroll-peer); absent: SIP over TCP",
            "  --digest-algorithms LIST  challenged with, in this order: MD5 (default), SHA-256 or both,",
            "                        e.g. SHA-256,MD5 (RFC 8760; baresip 1.0 fails on any SHA-256 challenge)",
            "  --help                this text",
            "");

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        P2psipPortConfig config;
        try {
            Options options = Options.parse(COMMAND, OPTIONS, args);
            if (options.help()) {
                out.print(USAGE);
                return 0;
            }
            config = config(options);
        } catch (IllegalArgumentException e) {
            err.println(COMMAND + ": " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        return SatoPortProcessMain.run(COMMAND, () -> new P2psipPort(config).start(),
                port -> "P2PSIP-Port " + config.name() + ": UA side " + port.address() + ":" + port.sipPort()
                        + " (udp, tcp), overlay side " + port.address() + ":" + port.overlayPort() + " ("
                        + config.overlayTransport() + "), control "
                        + config.controlSocket(), null, out, err);
    }

    /** The options of {@code USAGE}; defaults are {@link P2psipPortConfig}'s unless named here. */
    static final List<Option> OPTIONS = List.of(
            Option.value("control", null, "control socket (Unix domain) to listen on (required)"),
            Option.value("name", null, "name announced to the OM"),
            Option.value("bind", null, "address of both SIP interfaces"),
            Option.value("advertise", null, "address written into Via/Record-Route"),
            Option.value("sip-port", null, "UA-facing SIP port, UDP and TCP"),
            Option.value("overlay-port", null, "overlay-facing TCP port for other P2PSIP-Ports"),
            Option.value("overlay-advertise", null, "HOST:PORT where other peers reach the overlay side"),
            Option.value("sdp-rewrite", null, "on|off"),
            Option.value("min-expires", "60", "shortest registration accepted (s)"),
            Option.value("default-expires", "3600", "registration interval when the UA names none (s)"),
            Option.value("max-expires", "7200", "longest registration granted (s)"),
            Option.value("threads", null, "SIP stack and worker threads"),
            Option.value("om-timeout", null, "how long a request to the OM may take (ms)"),
            Option.value("sato-timeout", null, "how long a signalling SATO may take to be ready (ms)"),
            Option.value("max-om-requests", null, "unanswered requests to the OM beyond which UAs get 503"),
            Option.value("max-calls-in-setup", null, "new calls beyond this many in set-up get 503 + Retry-After"),
            Option.value("target-setup-ms", null, "set-up time beyond which a standing queue of calls gets 503 (ms)"),
            Option.value("users", null, "users file (NAME:PASSWORD a line): digest authentication"),
            Option.value("max-tcp-connections", "256", "open SIP TCP connections per listener"),
            Option.value("max-tcp-per-source", "32", "open SIP TCP connections per source address"),
            Option.value("tcp-message-deadline-ms", "10000", "deadline for a whole SIP message over TCP (ms)"),
            Option.value("tcp-write-timeout-ms", "10000", "write timeout of SIP TCP connections (ms)"),
            Option.value("tcp-idle-timeout-ms", "300000", "idle timeout of SIP TCP connections (ms)"),
            Option.value("realm", null, "digest realm"),
            Option.value("security", null, "the peer's security directory: SIP over mutual TLS on the overlay side"),
            Option.value("digest-algorithms", null, "digest algorithms challenged, in order"));

    /** The configuration the options describe (defaults and file values included). */
    static P2psipPortConfig config(Options o) {
        if (!o.has("control")) {
            throw new IllegalArgumentException("--control PATH is required");
        }
        P2psipPortConfig c = new P2psipPortConfig(Path.of(o.get("control")));
        if (o.has("name")) {
            c.name(o.get("name"));
        }
        if (o.has("bind")) {
            c.bindAddress(o.get("bind"));
        }
        if (o.has("advertise")) {
            c.advertisedAddress(o.get("advertise"));
        }
        if (o.has("sip-port")) {
            c.sipPort(o.port("sip-port"));
        }
        if (o.has("overlay-port")) {
            c.overlayPort(o.port("overlay-port"));
        }
        if (o.has("overlay-advertise")) {
            String v = o.get("overlay-advertise");
            try {
                c.overlayAdvertised(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--overlay-advertise must be HOST:PORT, not '" + v + "'");
            }
        }
        if (o.has("sdp-rewrite")) {
            c.sdpRewrite(o.onOff("sdp-rewrite"));
        }
        c.tcpBounds((int) o.number("max-tcp-connections", 1, 100_000), (int) o.number("max-tcp-per-source", 1, 100_000),
                java.time.Duration.ofMillis(o.number("tcp-message-deadline-ms", 100, 3_600_000)));
        c.tcpTimeouts(java.time.Duration.ofMillis(o.number("tcp-write-timeout-ms", 100, 3_600_000)),
                java.time.Duration.ofMillis(o.number("tcp-idle-timeout-ms", 1000, 86_400_000)));
        if (o.has("users")) {
            c.usersFile(Path.of(o.get("users")));
        }
        if (o.has("security")) {
            c.securityDir(Path.of(o.get("security")));
        }
        if (o.has("realm")) {
            c.realm(o.get("realm"));
        }
        if (o.has("digest-algorithms")) {
            c.digestAlgorithms(List.of(o.get("digest-algorithms").split(",")));
        }
        int min = (int) o.number("min-expires", 1, 604800);
        int dflt = (int) o.number("default-expires", 1, 604800);
        int max = (int) o.number("max-expires", 1, 604800);
        c.expires(min, Math.max(min, Math.min(dflt, max)), max);
        if (o.has("threads")) {
            c.threads((int) o.number("threads", 1, 256));
        }
        if (o.has("om-timeout")) {
            c.omTimeout(Duration.ofMillis(o.number("om-timeout", 1, 600_000)));
        }
        if (o.has("sato-timeout")) {
            c.satoTimeout(Duration.ofMillis(o.number("sato-timeout", 1, 600_000)));
        }
        if (o.has("max-om-requests")) {
            c.maxOmRequests((int) o.number("max-om-requests", 1, 1_000_000));
        }
        if (o.has("max-calls-in-setup")) {
            c.maxCallsInSetup((int) o.number("max-calls-in-setup", 1, 1_000_000));
        }
        if (o.has("target-setup-ms")) {
            c.targetSetupMillis((int) o.number("target-setup-ms", 0, 600_000));
        }
        return c;
    }
}
