package org.p2psip.sip;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./p2psip sip-port}: runs one P2PSIP-Port as a process until its OM sends
 * {@code port.shutdown} or the process is signalled.
 */
public final class P2psipPortMain {
    private P2psipPortMain() {
    }

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
            "  --help                this text",
            "");

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        P2psipPortConfig config;
        try {
            config = parse(args);
        } catch (HelpRequested h) {
            out.print(USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("p2psip sip-port: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        P2psipPort port = new P2psipPort(config);
        try {
            port.start();
        } catch (IOException e) {
            err.println("p2psip sip-port: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(port::close, "p2psip-port-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("P2PSIP-Port " + config.name() + ": UA side " + port.address() + ":" + port.sipPort()
                + " (udp, tcp), overlay side " + port.address() + ":" + port.overlayPort() + " (tcp), control "
                + config.controlSocket());
        out.flush();
        try {
            port.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            port.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        return 0;
    }

    private static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }

    static P2psipPortConfig parse(String[] args) {
        Path control = null;
        String name = null;
        String bind = null;
        String advertise = null;
        Integer sipPort = null;
        Integer overlayPort = null;
        String overlayAdvertise = null;
        Boolean sdp = null;
        int min = 60;
        int dflt = 3600;
        int max = 7200;
        Integer threads = null;
        Long omTimeout = null;
        Long satoTimeout = null;
        Integer maxOm = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new HelpRequested();
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--control": control = Path.of(v); break;
                case "--name": name = v; break;
                case "--bind": bind = v; break;
                case "--advertise": advertise = v; break;
                case "--sip-port": sipPort = number(a, v, 0, 65535); break;
                case "--overlay-port": overlayPort = number(a, v, 0, 65535); break;
                case "--overlay-advertise": overlayAdvertise = v; break;
                case "--sdp-rewrite":
                    if (!v.equals("on") && !v.equals("off")) {
                        throw new IllegalArgumentException("--sdp-rewrite takes on or off, not '" + v + "'");
                    }
                    sdp = v.equals("on");
                    break;
                case "--min-expires": min = number(a, v, 1, 604800); break;
                case "--default-expires": dflt = number(a, v, 1, 604800); break;
                case "--max-expires": max = number(a, v, 1, 604800); break;
                case "--threads": threads = number(a, v, 1, 256); break;
                case "--om-timeout": omTimeout = (long) number(a, v, 1, 600_000); break;
                case "--sato-timeout": satoTimeout = (long) number(a, v, 1, 600_000); break;
                case "--max-om-requests": maxOm = number(a, v, 1, 1_000_000); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (control == null) {
            throw new IllegalArgumentException("--control PATH is required");
        }
        P2psipPortConfig c = new P2psipPortConfig(control);
        if (name != null) {
            c.name(name);
        }
        if (bind != null) {
            c.bindAddress(bind);
        }
        if (advertise != null) {
            c.advertisedAddress(advertise);
        }
        if (sipPort != null) {
            c.sipPort(sipPort);
        }
        if (overlayPort != null) {
            c.overlayPort(overlayPort);
        }
        if (overlayAdvertise != null) {
            try {
                c.overlayAdvertised(overlayAdvertise);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--overlay-advertise must be HOST:PORT, not '" + overlayAdvertise + "'");
            }
        }
        if (sdp != null) {
            c.sdpRewrite(sdp);
        }
        c.expires(min, Math.max(min, Math.min(dflt, max)), max);
        if (threads != null) {
            c.threads(threads);
        }
        if (omTimeout != null) {
            c.omTimeout(Duration.ofMillis(omTimeout));
        }
        if (satoTimeout != null) {
            c.satoTimeout(Duration.ofMillis(satoTimeout));
        }
        if (maxOm != null) {
            c.maxOmRequests(maxOm);
        }
        return c;
    }

    private static int number(String option, String v, int lo, int hi) {
        try {
            int n = Integer.parseInt(v);
            if (n < lo || n > hi) {
                throw new IllegalArgumentException(option + " must be between " + lo + " and " + hi + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + v + "'");
        }
    }
}
