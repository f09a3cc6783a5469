package org.p2psip.phone;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./p2psip phone}: the phone as a command. Registers, places or answers one call, sends a tone for
 * some seconds, hangs up (or is hung up on), prints a report and exits 0 only if media flowed both ways.
 */
public final class PhoneCommand {

    static final String USAGE = """
            usage: ./p2psip phone --user NAME --proxy HOST:PORT (--answer | --call USER) [options]

            A small SIP phone (JAIN-SIP, UDP) for tests and teaching: it registers with its proxy,
            places or answers one call with PCMU audio (a 440 Hz tone in 20 ms RTP packets), counts
            the RTP it receives (loss, jitter), hangs up, unregisters and prints a report.
            Exit status 0 only if media flowed both ways; 1 if the call or the media failed; 2 on
            bad usage.

              --user NAME          this phone's user name (AoR sip:NAME@DOMAIN)
              --proxy HOST:PORT    the SIP proxy and registrar (every request goes there)
              --call USER          call sip:USER@DOMAIN
              --answer             wait for a call and answer it
              --listen HOST:PORT   local SIP address (default: the address that routes to the
                                   proxy, ephemeral port; port 0 = ephemeral)
              --media-host HOST    address for RTP and the SDP (default: the --listen host)
              --domain DOMAIN      the AoR domain (default: the proxy host)
              --seconds N          how long to send media once the call is up (default 5); the
                                   side whose time runs out first hangs up
              --wait N             caller: seconds to wait for the answer before CANCEL (default 30);
                                   callee: seconds to wait for a call (default 60)
              --expires N          registration lifetime to request (default 3600; refreshed at half
                                   of what the registrar grants)
              --no-register        do not register (calling only)
              --timeout N          overall deadline in seconds (default: wait + seconds + 60); the
                                   phone gives up, cleans up and exits 1 when it passes
              --help               this text
            """;

    private PhoneCommand() {
    }

    /** Runs the command in its own JVM (the launcher uses {@link #run(String[])}). */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("phone: " + e.getMessage());
            err.println("try ./p2psip phone --help");
            return 2;
        }
        if (o.help) {
            out.print(USAGE);
            return 0;
        }
        PhoneConfig cfg;
        try {
            String listenHost = o.listenHost != null ? o.listenHost : localAddressTowards(o.proxy);
            PhoneConfig.Builder b = PhoneConfig.builder(o.user, o.proxy)
                    .listen(listenHost, o.listenPort)
                    .registerExpires(o.expires)
                    .steps(line -> out.println(line));
            if (o.domain != null) {
                b.domain(o.domain);
            }
            if (o.mediaHost != null) {
                b.mediaHost(o.mediaHost);
            }
            cfg = b.build();
        } catch (IllegalArgumentException | IOException e) {
            err.println("phone: " + e.getMessage());
            return 2;
        }
        Duration media = Duration.ofSeconds(o.seconds);
        Duration wait = Duration.ofSeconds(o.wait != null ? o.wait : (o.answer ? 60 : 30));
        Duration overall = o.timeout != null ? Duration.ofSeconds(o.timeout)
                : wait.plus(media).plusSeconds(60);
        AtomicBoolean expired = new AtomicBoolean();
        Thread caller = Thread.currentThread();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(overall.toMillis());
                expired.set(true);
                caller.interrupt();
            } catch (InterruptedException e) {
                // finished in time
            }
        }, "phone-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        boolean ok = false;
        Phone phone = null;
        try {
            phone = Phone.start(cfg);
            if (o.register) {
                phone.register();
            }
            if (o.answer) {
                out.println("waiting up to " + wait.toSeconds() + " s for a call");
                phone.answer(wait);
            } else {
                phone.call(o.callee, wait);
            }
            long start = System.nanoTime();
            if (phone.awaitMedia(media.plusSeconds(2))) {
                out.println("media flowing: RTP arriving from " + phone.stats().remoteSource());
            } else {
                out.println("no media received within " + (media.toSeconds() + 2) + " s");
            }
            Duration left = media.minusNanos(System.nanoTime() - start);
            String reason = left.isNegative() ? null : phone.awaitHangup(left);
            if (reason == null) {
                phone.hangup();
            }
            MediaStats s = phone.stats();
            out.println("report: " + s.summary());
            ok = s.flowedBothWays();
            if (!ok) {
                err.println("phone: media did not flow both ways (sent " + s.packetsSent() + ", received "
                        + s.packetsReceived() + ")");
            }
        } catch (PhoneException e) {
            err.println("phone: " + e.getMessage());
        } catch (InterruptedException e) {
            err.println("phone: interrupted");
        } finally {
            watchdog.interrupt();
            if (expired.get()) {
                ok = false;
                err.println("phone: gave up: overall deadline of " + overall.toSeconds() + " s reached");
            }
            Thread.interrupted(); // clear a deadline interrupt so that the clean-up below can wait
            if (phone != null) {
                phone.close();
            }
        }
        out.println(ok ? "result: OK, media flowed both ways" : "result: FAILED");
        return ok ? 0 : 1;
    }

    /** The local address the OS would use to reach {@code proxy} (no packet is sent). */
    static String localAddressTowards(InetSocketAddress proxy) throws IOException {
        if (proxy.getAddress() == null) {
            throw new UnknownHostException("unknown proxy host: " + proxy.getHostString());
        }
        if (proxy.getAddress().isLoopbackAddress()) {
            return proxy.getAddress().getHostAddress();
        }
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(proxy);
            InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IOException("cannot tell the local address towards " + proxy + "; use --listen");
            }
            return local.getHostAddress();
        }
    }

    /** Parsed command line. */
    static final class Options {
        String user;
        InetSocketAddress proxy;
        String callee;
        boolean answer;
        String listenHost;
        int listenPort;
        String mediaHost;
        String domain;
        int seconds = 5;
        Integer wait;
        Integer timeout;
        int expires = 3600;
        boolean register = true;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--user" -> o.user = value(args, ++i, a);
                    case "--proxy" -> o.proxy = hostPort(value(args, ++i, a), a, false);
                    case "--call" -> o.callee = value(args, ++i, a);
                    case "--answer" -> o.answer = true;
                    case "--listen" -> {
                        InetSocketAddress l = hostPort(value(args, ++i, a), a, true);
                        if (l.getAddress().isAnyLocalAddress()) {
                            throw new IllegalArgumentException("--listen needs a concrete address the proxy can"
                                    + " reach (it goes into Via, Contact and SDP), not " + l.getHostString());
                        }
                        o.listenHost = l.getHostString();
                        o.listenPort = l.getPort();
                    }
                    case "--media-host" -> o.mediaHost = value(args, ++i, a);
                    case "--domain" -> o.domain = value(args, ++i, a);
                    case "--seconds" -> o.seconds = number(value(args, ++i, a), a, 1, 3600);
                    case "--wait" -> o.wait = number(value(args, ++i, a), a, 1, 3600);
                    case "--expires" -> o.expires = number(value(args, ++i, a), a, 1, 86400);
                    case "--no-register" -> o.register = false;
                    case "--timeout" -> o.timeout = number(value(args, ++i, a), a, 1, 86400);
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            }
            if (o.help) {
                return o;
            }
            if (o.user == null) {
                throw new IllegalArgumentException("--user is required");
            }
            if (o.proxy == null) {
                throw new IllegalArgumentException("--proxy HOST:PORT is required");
            }
            if (o.answer == (o.callee != null)) {
                throw new IllegalArgumentException("give exactly one of --answer and --call USER");
            }
            if (o.answer && !o.register) {
                throw new IllegalArgumentException("--answer needs the registration (drop --no-register)");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int number(String s, String option, int min, int max) {
            try {
                int n = Integer.parseInt(s);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ": " + s);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number: " + s);
            }
        }

        static InetSocketAddress hostPort(String s, String option, boolean portZeroAllowed) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException(option + " needs HOST:PORT: " + s);
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = number(s.substring(colon + 1), option, portZeroAllowed ? 0 : 1, 65535);
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
                throw new IllegalArgumentException(option + ": unknown host " + host);
            }
            return a;
        }
    }
}
