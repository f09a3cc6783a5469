package org.p2psip.phone;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.p2psip.common.HostPort;
import org.p2psip.common.Options.Option;

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
              --password PW        answer the proxy's digest challenges (401 to REGISTER, 407 to
                                   INVITE) as --user with this password (SHA-256 if offered, else MD5)
              --timeout N          overall deadline in seconds (default: wait + seconds + 60); the
                                   phone gives up, cleans up and exits 1 when it passes
              --report-every N     while media flows, print one line per N seconds with that
                                   interval's figures (default: off):
                                   interval: t=3 received=50 expected=50 lost=0 loss=0.0%
                                   jitter=0.42ms delay_mean=12.3ms delay_p95=15.1ms delay_samples=50
                                   max_gap=21ms
                                   (delay from the abs-send-time RTP header extension; '-' and
                                   delay_samples=0 when the other phone does not send it;
                                   max_gap: the longest silence between two received packets
                                   that ended in the interval)
              --report-every-ms N  the same lines every N milliseconds (100 to 3600000), t with
                                   its fraction: interval: t=12.3 received=5 ... max_gap=20ms
                                   (not together with --report-every)
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
                    .password(o.password)
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
        IntervalReporter reporter = null;
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
                if (o.reportEveryMillis != null) {
                    reporter = IntervalReporter.start(phone::takeMediaInterval, o.reportEveryMillis, out::println);
                }
            } else {
                out.println("no media received within " + (media.toSeconds() + 2) + " s");
            }
            Duration left = media.minusNanos(System.nanoTime() - start);
            String reason = left.isNegative() ? null : phone.awaitHangup(left);
            if (reporter != null) {
                reporter.stop();
            }
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
            if (reporter != null) {
                reporter.stop();
            }
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

    /** The parsed command line: the common option parser plus the phone's own rules. */
    static final class Options {
        static final List<Option> OPTIONS = List.of(
                Option.value("user", null, "this phone's user name"),
                Option.value("proxy", null, "the SIP proxy and registrar"),
                Option.value("call", null, "call sip:USER@DOMAIN"),
                Option.flag("answer", "wait for a call and answer it"),
                Option.value("listen", null, "local SIP address"),
                Option.value("media-host", null, "address for RTP and the SDP"),
                Option.value("domain", null, "the AoR domain"),
                Option.value("seconds", "5", "seconds of media"),
                Option.value("wait", null, "seconds to wait for the answer or the call"),
                Option.value("expires", "3600", "registration lifetime to request"),
                Option.value("password", null, "password for the proxy's digest challenges"),
                Option.flag("no-register", "do not register"),
                Option.value("timeout", null, "overall deadline in seconds"),
                Option.value("report-every", null, "seconds per media interval line"),
                Option.value("report-every-ms", null, "milliseconds per media interval line"));

        String user;
        InetSocketAddress proxy;
        String callee;
        boolean answer;
        String listenHost;
        int listenPort;
        String mediaHost;
        String domain;
        int seconds;
        Integer wait;
        Integer timeout;
        /** The interval of the media report, ms (from --report-every or --report-every-ms), or null. */
        Long reportEveryMillis;
        int expires;
        String password;
        boolean register;
        boolean help;

        static Options parse(String[] args) {
            org.p2psip.common.Options p = org.p2psip.common.Options.parse("./p2psip phone", OPTIONS, args);
            Options o = new Options();
            o.help = p.help();
            if (o.help) {
                return o;
            }
            o.user = p.get("user");
            if (o.user == null) {
                throw new IllegalArgumentException("--user is required");
            }
            if (!p.has("proxy")) {
                throw new IllegalArgumentException("--proxy HOST:PORT is required");
            }
            o.proxy = resolved(p.hostPort("proxy"), "--proxy");
            o.callee = p.get("call");
            o.password = p.get("password");
            o.answer = p.flag("answer");
            if (p.has("listen")) {
                InetSocketAddress l = resolved(listen(p.get("listen")), "--listen");
                if (l.getAddress().isAnyLocalAddress()) {
                    throw new IllegalArgumentException("--listen needs a concrete address the proxy can"
                            + " reach (it goes into Via, Contact and SDP), not " + l.getHostString());
                }
                o.listenHost = l.getHostString();
                o.listenPort = l.getPort();
            }
            o.mediaHost = p.get("media-host");
            o.domain = p.get("domain");
            o.seconds = (int) p.number("seconds", 1, 3600);
            o.wait = p.has("wait") ? (int) p.number("wait", 1, 3600) : null;
            o.expires = (int) p.number("expires", 1, 86400);
            o.register = !p.flag("no-register");
            o.timeout = p.has("timeout") ? (int) p.number("timeout", 1, 86400) : null;
            if (p.has("report-every") && p.has("report-every-ms")) {
                throw new IllegalArgumentException("give --report-every N (seconds) or --report-every-ms N, not both");
            }
            if (p.has("report-every")) {
                o.reportEveryMillis = 1000L * p.number("report-every", 1, 3600);
            } else if (p.has("report-every-ms")) {
                o.reportEveryMillis = p.number("report-every-ms", IntervalReporter.MIN_MILLIS, 3_600_000);
            }
            if (o.answer == (o.callee != null)) {
                throw new IllegalArgumentException("give exactly one of --answer and --call USER");
            }
            if (o.answer && !o.register) {
                throw new IllegalArgumentException("--answer needs the registration (drop --no-register)");
            }
            return o;
        }

        /** {@code --listen}: HOST:PORT where port 0 means an ephemeral port. */
        private static HostPort listen(String text) {
            try {
                return HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--listen needs HOST:PORT, not '" + text + "'");
            }
        }

        private static InetSocketAddress resolved(HostPort h, String option) {
            InetSocketAddress a = h.toSocketAddress();
            if (a.isUnresolved()) {
                throw new IllegalArgumentException(option + ": unknown host " + h.host());
            }
            return a;
        }
    }
}
