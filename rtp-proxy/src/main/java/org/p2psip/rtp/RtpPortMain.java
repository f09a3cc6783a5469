package org.p2psip.rtp;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.p2psip.control.SocketInUseException;

/**
 * {@code ./p2psip rtp-port}: runs an RTP-Port alone, driven over its control socket, until a
 * port.shutdown request or SIGTERM; then it closes every socket and removes the socket file.
 */
public final class RtpPortMain {
    private RtpPortMain() {
    }

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
            System.err.println("rtp-port: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (config == null) {
            System.out.println(USAGE);
            return 0;
        }
        RtpPort port = new RtpPort(config);
        try {
            port.start();
        } catch (SocketInUseException e) {
            System.err.println("rtp-port: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("rtp-port: cannot start: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(port::close, "rtp-port-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("rtp-port " + config.name() + ": control socket " + config.controlSocket() + ", media on "
                + config.bindAddress().getHostAddress() + " ports " + config.portLow() + "-" + config.portHigh());
        System.out.flush();
        try {
            port.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            port.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (SIGTERM): the hook closes the port
        }
        System.out.println("rtp-port " + config.name() + ": stopped");
        return 0;
    }

    /** The configuration the arguments describe, or null for --help. */
    static RtpPortConfig parse(String[] args) {
        Path control = null;
        RtpPortConfig c = RtpPortConfig.defaults(null);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            String v;
            int eq = a.indexOf('=');
            String opt = eq > 0 ? a.substring(0, eq) : a;
            if (!opt.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (eq > 0) {
                v = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                v = args[++i];
            } else {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            switch (opt) {
                case "--control":
                    control = Path.of(v);
                    break;
                case "--name":
                    c = c.withName(v);
                    break;
                case "--bind":
                    c = c.withBindAddress(address(opt, v));
                    break;
                case "--advertise":
                    c = c.withAdvertisedAddress(address(opt, v));
                    break;
                case "--ports": {
                    int dash = v.indexOf('-');
                    if (dash < 0) {
                        throw new IllegalArgumentException("--ports must be LOW-HIGH, not '" + v + "'");
                    }
                    c = c.withPorts(integer(opt, v.substring(0, dash)), integer(opt, v.substring(dash + 1)));
                    break;
                }
                case "--idle-timeout":
                    c = c.withIdleTimeout(seconds(opt, v));
                    break;
                case "--keepalive":
                    c = c.withKeepaliveInterval(seconds(opt, v));
                    break;
                case "--tcp-connect-timeout":
                    c = c.withTcpConnectTimeout(seconds(opt, v));
                    break;
                case "--workers":
                    c = c.withWorkers(integer(opt, v));
                    break;
                case "--max-sessions":
                    c = c.withMaxSessions(integer(opt, v));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (control == null) {
            throw new IllegalArgumentException("--control PATH is required");
        }
        return c.withControlSocket(control);
    }

    private static InetAddress address(String opt, String v) {
        try {
            return InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(opt + ": unknown host '" + v + "'");
        }
    }

    private static int integer(String opt, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a number, not '" + v + "'");
        }
    }

    private static Duration seconds(String opt, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isNaN(d) || d < 0 || d > 86_400) {
                throw new IllegalArgumentException(opt + " out of range: " + v);
            }
            return Duration.ofMillis(Math.round(d * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a number of seconds, not '" + v + "'");
        }
    }

    static void printUsage(PrintStream out) {
        out.println(USAGE);
    }
}
