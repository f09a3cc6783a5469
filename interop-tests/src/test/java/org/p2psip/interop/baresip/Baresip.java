package org.p2psip.interop.baresip;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.p2psip.interop.fixtures.FreePorts;

/**
 * One real, unmodified baresip SIP phone (Debian package {@code baresip} 1.0.0) running headless
 * on loopback, driven through its {@code ctrl_tcp} module.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (Baresip alice = Baresip.start("alice", "127.0.0.1:5060");
 *      Baresip bob = Baresip.start("bob", "127.0.0.1:5060")) {
 *     alice.dial("bob");                       // sip:bob@127.0.0.1 via the outbound proxy
 *     alice.waitEstablished(Duration.ofSeconds(10));
 *     bob.waitEstablished(Duration.ofSeconds(10));
 *     alice.waitRtp(50, Duration.ofSeconds(10)); // >= 50 RTP packets sent and received
 *     alice.hangup();
 *     bob.waitClosed(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Each instance writes a private config directory (baresip {@code -f DIR}) into a temporary
 * folder: no audio hardware ({@code ausine} 440 Hz tone as source, {@code aubridge} as a null
 * player), PCMU only, automatic answer, RTP ports in a configurable range, SIP on an ephemeral
 * 127.0.0.1 port chosen by baresip, and {@code ctrl_tcp} on a free 127.0.0.1 port. Its output goes
 * to a log file under {@code target/baresip-logs/}; every failure message carries the file name and
 * the output's tail. See this package's README for the config and the pitfalls.
 *
 * <p>Call tracking: the "current call" of a UA starts at {@link #dial} (caller) or, for a callee,
 * at start or after the previous {@link #waitClosed}. {@link #waitEstablished} and
 * {@link #waitClosed} look only at events of the current call.
 */
public final class Baresip implements AutoCloseable {

    /** Default time to wait for registration. */
    public static final Duration DEFAULT_REGISTER_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 4;
    private static final int TAIL_LINES = 60;
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern TX_PACKETS = Pattern.compile("TX: packets=(\\d+)");
    private static final Pattern RX_PACKETS = Pattern.compile("\\brcvd=(\\d+)");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;0-9]*[A-Za-z]");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "baresip-reaper"));
    }

    private final Builder cfg;
    private final String aor;
    private final Path configDir;
    private final ProcessLog log;
    private final List<BaresipEvent> events = new ArrayList<>();
    private Process process;
    private CtrlConnection ctrl;
    private int ctrlPort;
    private int callCursor;
    private boolean disconnected;
    private boolean closed;

    /** Registers a helper process (Kamailio, sipp) for the JVM-exit safety net. */
    static void track(Process p) {
        LIVE.add(p);
    }

    static void untrack(Process p) {
        LIVE.remove(p);
    }

    private Baresip(Builder cfg) throws IOException {
        this.cfg = cfg;
        this.aor = "sip:" + cfg.user + "@" + cfg.domain();
        this.configDir = Files.createTempDirectory("baresip-" + cfg.user + "-");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        this.log = new ProcessLog(cfg.logDir.resolve(cfg.user + "-" + stamp + "-" + SEQ.incrementAndGet() + ".log"));
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts baresip for {@code user} with {@code proxyHostPort} ("host:port", UDP) as outbound
     * proxy and registrar, AOR {@code sip:user@host}, and waits until it is registered.
     */
    public static Baresip start(String user, String proxyHostPort) {
        return builder(user).registrar(proxyHostPort).start();
    }

    /** A builder for options beyond {@link #start(String, String)}. */
    public static Builder builder(String user) {
        return new Builder(user);
    }

    /** Options of one baresip instance. */
    public static final class Builder {
        private final String user;
        private String proxy;
        private String domain;
        private int regint = 600;
        private int rtpMin = 10000;
        private int rtpMax = 29999;
        private String answerMode = "auto";
        private Duration registerTimeout = DEFAULT_REGISTER_TIMEOUT;
        private Path logDir = Path.of("target", "baresip-logs");
        private String binary = System.getProperty("baresip.binary", "baresip");
        private Path modulePath = Path.of(System.getProperty("baresip.modules", "/usr/lib/baresip/modules"));
        private int sipPort;
        private IntSupplier ctrlPorts = FreePorts::tcp;
        private boolean sipTrace;
        private String authPass;
        private final List<String> extraConfig = new ArrayList<>();

        private Builder(String user) {
            if (user == null || !user.matches("[A-Za-z0-9._+-]+")) {
                throw new IllegalArgumentException("bad SIP user name: " + user);
            }
            this.user = user;
        }

        /** Outbound proxy and registrar, "host:port" (UDP). Without it baresip does not register. */
        public Builder registrar(String hostPort) {
            if (hostPort == null || !hostPort.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("registrar must be host:port, got " + hostPort);
            }
            this.proxy = hostPort;
            return this;
        }

        /** The AOR's domain; default: the registrar's host, or 127.0.0.1 without registrar. */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** Registration interval in seconds (baresip's {@code regint}); default 600. */
        public Builder regint(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("regint must be positive (use no registrar instead)");
            }
            this.regint = seconds;
            return this;
        }

        /** Local RTP port range (baresip's {@code rtp_ports}); default 10000-29999. */
        public Builder rtpPorts(int min, int max) {
            if (min < 1024 || max > 65535 || max - min < 4) {
                throw new IllegalArgumentException("bad RTP port range " + min + "-" + max);
            }
            this.rtpMin = min;
            this.rtpMax = max;
            return this;
        }

        /** {@code auto} (default), {@code manual} or {@code early}. */
        public Builder answerMode(String mode) {
            if (!Set.of("auto", "manual", "early").contains(mode)) {
                throw new IllegalArgumentException("answer mode must be auto, manual or early: " + mode);
            }
            this.answerMode = mode;
            return this;
        }

        /** How long {@link #start()} waits for "200 OK" to REGISTER; default 20 s. */
        public Builder registerTimeout(Duration timeout) {
            this.registerTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Directory for the log file; default {@code target/baresip-logs}. */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir);
            return this;
        }

        /** Fixed local SIP port on 127.0.0.1 (UDP and TCP; TLS uses port+1). Default: ephemeral. */
        public Builder sipPort(int port) {
            this.sipPort = port;
            return this;
        }

        /** Runs baresip with {@code -s}: every SIP message it sends and receives goes to the log. */
        /** Password answering the registrar's and proxy's digest challenges ({@code ;auth_pass=} in the account). */
        public Builder authPass(String password) {
            this.authPass = password;
            return this;
        }

        public Builder sipTrace(boolean on) {
            this.sipTrace = on;
            return this;
        }

        /** An extra line appended to baresip's {@code config} file, e.g. {@code "rtp_timeout 10"}. */
        public Builder config(String line) {
            this.extraConfig.add(line);
            return this;
        }

        /** Source of candidate ctrl_tcp ports (tests of the port-taken retry). */
        Builder ctrlPorts(IntSupplier ports) {
            this.ctrlPorts = Objects.requireNonNull(ports);
            return this;
        }

        String domain() {
            if (domain != null) {
                return domain;
            }
            return proxy == null ? "127.0.0.1" : proxy.substring(0, proxy.lastIndexOf(':'));
        }

        /** Starts baresip and, with a registrar, waits until it is registered. */
        public Baresip start() {
            Baresip b;
            try {
                b = new Baresip(this);
            } catch (IOException e) {
                throw new BaresipException("cannot create baresip config/log directories: " + e, e);
            }
            try {
                b.launch();
                if (proxy != null) {
                    b.awaitRegistered(registerTimeout);
                }
                return b;
            } catch (RuntimeException | Error e) {
                b.close();
                throw e;
            }
        }
    }

    private void launch() {
        checkInstalled();
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            ctrlPort = cfg.ctrlPorts.getAsInt();
            try {
                writeConfig();
                long from = log.lineCount();
                log.note("### harness: starting baresip (attempt " + attempt + "), ctrl_tcp port " + ctrlPort
                        + ", config dir " + configDir + "\n### config:\n" + read("config")
                        + "### accounts:\n" + read("accounts"));
                List<String> cmd = new ArrayList<>(List.of(cfg.binary, "-f", configDir.toString()));
                if (cfg.sipTrace) {
                    cmd.add("-s");
                }
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .directory(configDir.toFile())
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                process = pb.start();
                LIVE.add(process);
                log.pump(process.getInputStream(), "baresip-" + cfg.user + "-out");
                String line = log.awaitLine(from,
                        l -> l.contains("baresip is ready") || l.contains("ctrl_tcp: failed to listen")
                                || l.contains("init failed"),
                        READY_TIMEOUT);
                boolean ctrlFailed = log.anyLine(from,
                        l -> l.contains("ctrl_tcp: failed") || l.contains("module ctrl_tcp.so:"));
                if (line != null && line.contains("baresip is ready") && !ctrlFailed) {
                    connectCtrl();
                    return;
                }
                lastFailure = line == null
                        ? (process.isAlive() ? "no 'baresip is ready' within " + READY_TIMEOUT.toSeconds() + " s"
                                : "baresip exited with status " + exitValue())
                        : line;
                if (!ctrlFailed) {
                    throw fail("baresip did not start: " + lastFailure, null);
                }
                // ctrl_tcp port taken by someone else between our probe and baresip's bind: retry.
                // One SIGTERM first lets it un-REGISTER, so no stale binding is left at the registrar.
                process.destroy();
                stopProcess(Duration.ofSeconds(3));
            } catch (IOException e) {
                throw fail("cannot start baresip: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail("interrupted while starting baresip", e);
            }
        }
        throw fail("baresip did not start after " + START_ATTEMPTS + " attempts: " + lastFailure, null);
    }

    private void checkInstalled() {
        if (!Files.isRegularFile(cfg.modulePath.resolve("ctrl_tcp.so"))) {
            throw new BaresipException("baresip modules not found: " + cfg.modulePath.resolve("ctrl_tcp.so")
                    + " is missing. Install the Debian package 'baresip' (1.0.0) or set -Dbaresip.modules=DIR");
        }
        if (!cfg.binary.contains("/") && Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .noneMatch(d -> Files.isExecutable(Path.of(d, cfg.binary)))) {
            throw new BaresipException("'" + cfg.binary + "' not found on PATH. Install the Debian package"
                    + " 'baresip' (1.0.0) or set -Dbaresip.binary=/path/to/baresip");
        }
    }

    private void writeConfig() throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("# written by org.p2psip.interop.baresip.Baresip\n");
        c.append("poll_method\tepoll\n");
        c.append("net_interface\t127.0.0.1\n");
        if (cfg.sipPort > 0) {
            c.append("sip_listen\t127.0.0.1:").append(cfg.sipPort).append('\n');
        }
        c.append("call_local_timeout\t60\n");
        c.append("call_max_calls\t4\n");
        c.append("audio_source\tausine,440\n");
        c.append("audio_player\taubridge,nil\n");
        c.append("audio_alert\taubridge,nil\n");
        c.append("ausrc_srate\t48000\n");
        c.append("ausrc_channels\t2\n");
        c.append("audio_level\tno\n");
        c.append("rtp_ports\t").append(cfg.rtpMin).append('-').append(cfg.rtpMax).append('\n');
        c.append("rtcp_mux\tno\n");
        c.append("jitter_buffer_delay\t5-10\n");
        c.append("rtp_stats\tno\n");
        c.append("module_path\t").append(cfg.modulePath).append('\n');
        c.append("module\tg711.so\n");
        c.append("module\tausine.so\n");
        c.append("module\taubridge.so\n");
        c.append("module_tmp\taccount.so\n");
        c.append("module_app\tmenu.so\n");
        c.append("module_app\tctrl_tcp.so\n");
        c.append("ctrl_tcp_listen\t127.0.0.1:").append(ctrlPort).append('\n');
        c.append("statmode_default\toff\n");
        c.append("ringback_disabled\tyes\n");
        for (String line : cfg.extraConfig) {
            c.append(line).append('\n');
        }
        Files.writeString(configDir.resolve("config"), c.toString(), StandardCharsets.UTF_8);

        StringBuilder a = new StringBuilder("<").append(aor).append('>');
        if (cfg.proxy != null) {
            a.append(";outbound=\"sip:").append(cfg.proxy).append(";transport=udp\"");
            a.append(";regint=").append(cfg.regint);
        } else {
            a.append(";regint=0");
        }
        if (cfg.authPass != null) {
            a.append(";auth_pass=").append(cfg.authPass);
        }
        a.append(";answermode=").append(cfg.answerMode);
        a.append(";audio_codecs=PCMU");
        a.append(";ptime=20");
        a.append('\n');
        Files.writeString(configDir.resolve("accounts"), a.toString(), StandardCharsets.UTF_8);
    }

    private String read(String name) {
        try {
            return Files.readString(configDir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")\n";
        }
    }

    private void connectCtrl() throws IOException, InterruptedException {
        IOException last = null;
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                ctrl = CtrlConnection.connect(ctrlPort, Duration.ofSeconds(2), "baresip-" + cfg.user + "-ctrl",
                        this::onEvent, this::onDisconnect);
                break;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        if (ctrl == null) {
            throw fail("cannot connect to baresip's ctrl_tcp on 127.0.0.1:" + ctrlPort
                    + (last == null ? "" : ": " + last), last);
        }
        // make sure the listener is our baresip and not some other process on that port
        String info = command("reginfo");
        if (!info.contains(aor)) {
            throw fail("ctrl_tcp on 127.0.0.1:" + ctrlPort + " answers without account " + aor
                    + " (another process on that port, or baresip did not load the account); reginfo: " + info.trim(),
                    null);
        }
    }

    private void awaitRegistered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (true) {
            BaresipEvent failed = findEvent(0, e -> "REGISTER_FAIL".equals(e.type()));
            if (failed != null) {
                throw fail(aor + " registration at " + cfg.proxy + " failed: " + failed.param(), null);
            }
            status = registrationStatus();
            if (status.equals("OK")) {
                return;
            }
            if (status.equals("ERR")) {
                throw fail(aor + " registration at " + cfg.proxy + " failed (reginfo status ERR)", null);
            }
            if (System.nanoTime() > deadline) {
                throw fail(aor + " not registered at " + cfg.proxy + " within " + timeout.toSeconds()
                        + " s (reginfo status '" + status + "')", null);
            }
            sleep(150);
        }
    }

    /**
     * The registration status of this UA from baresip's {@code reginfo}: {@code OK} when
     * registered, {@code zzz} while not (yet) registered, {@code ERR} after a failure.
     */
    public String registrationStatus() {
        String info = command("reginfo");
        for (String line : info.split("\n")) {
            String clean = ANSI.matcher(line).replaceAll("");
            int i = clean.indexOf(aor + " ");
            if (i >= 0) {
                String rest = clean.substring(i + aor.length()).trim();
                return rest.isEmpty() ? "" : rest.split("\\s+")[0];
            }
        }
        return "";
    }

    // ------------------------------------------------------------------ calls

    /** This UA's address of record, e.g. {@code sip:alice@127.0.0.1}. */
    public String aor() {
        return aor;
    }

    /**
     * Dials {@code target}: a full SIP URI ({@code sip:bob@127.0.0.1}) or a user name ({@code bob},
     * which baresip completes with this account's domain). Starts a new current call.
     */
    public void dial(String target) {
        synchronized (events) {
            callCursor = events.size();
        }
        command("dial", target);
    }

    /** Answers an incoming call (only needed with answer mode {@code manual}). */
    public void accept() {
        command("accept");
    }

    /** Hangs up the current call (baresip sends BYE, or CANCEL while it is still ringing). */
    public void hangup() {
        command("hangup");
    }

    /** Waits for an incoming call of the current call window and returns its event. */
    public BaresipEvent waitIncoming(Duration timeout) {
        return waitCallEvent("CALL_INCOMING", timeout, true);
    }

    /**
     * Waits until the current call is established. Fails at once, with the reason, if it is closed
     * first (e.g. {@code 404 Not Found}).
     */
    public BaresipEvent waitEstablished(Duration timeout) {
        return waitCallEvent("CALL_ESTABLISHED", timeout, true);
    }

    /**
     * Waits until the current call is closed and returns the CALL_CLOSED event, whose
     * {@link BaresipEvent#param()} is the reason ({@code "Connection reset by peer"} after the
     * other side's BYE, {@code "Connection reset by user"} after {@link #hangup()}, or a SIP
     * status such as {@code "404 Not Found"}). The next call starts after this event.
     */
    public BaresipEvent waitClosed(Duration timeout) {
        BaresipEvent e = waitCallEvent("CALL_CLOSED", timeout, false);
        synchronized (events) {
            callCursor = events.indexOf(e) + 1;
        }
        return e;
    }

    private BaresipEvent waitCallEvent(String type, Duration timeout, boolean failOnClose) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                // events of earlier calls that arrive late must not count for the current one
                Set<String> earlierCalls = new HashSet<>();
                for (int i = 0; i < callCursor && i < events.size(); i++) {
                    if (events.get(i).callId() != null) {
                        earlierCalls.add(events.get(i).callId());
                    }
                }
                for (int i = callCursor; i < events.size(); i++) {
                    BaresipEvent e = events.get(i);
                    if (e.callId() != null && earlierCalls.contains(e.callId())) {
                        continue;
                    }
                    if (type.equals(e.type())) {
                        return e;
                    }
                    if (failOnClose && "CALL_CLOSED".equals(e.type())) {
                        throw fail(aor + ": call closed before " + type + ": " + e.param(), null);
                    }
                }
                long left = deadline - System.nanoTime();
                if (disconnected) {
                    throw fail(aor + ": baresip went away while waiting for " + type, null);
                }
                if (left <= 0) {
                    throw fail(aor + ": no " + type + " within " + timeout.toSeconds() + " s; call events: "
                            + events.subList(callCursor, events.size()), null);
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw fail("interrupted waiting for " + type, ex);
                }
            }
        }
    }

    /** Every event received so far over ctrl_tcp, oldest first. */
    public List<BaresipEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private BaresipEvent findEvent(int from, Predicate<BaresipEvent> p) {
        synchronized (events) {
            for (int i = from; i < events.size(); i++) {
                if (p.test(events.get(i))) {
                    return events.get(i);
                }
            }
            return null;
        }
    }

    // ------------------------------------------------------------------ media

    /**
     * RTP counters of the current call's audio stream at this UA.
     *
     * @throws BaresipException if there is no call with an audio stream
     */
    public RtpStats rtpStats() {
        String dbg = command("audio_debug");
        Matcher tx = TX_PACKETS.matcher(dbg);
        if (!tx.find()) {
            throw fail(aor + ": no active audio stream (audio_debug: '" + dbg.trim() + "')", null);
        }
        long sent = Long.parseLong(tx.group(1));
        long received = 0;
        Matcher rx = RX_PACKETS.matcher(dbg);
        while (rx.find()) {
            received += Long.parseLong(rx.group(1));
        }
        return new RtpStats(sent, received);
    }

    /**
     * Polls {@link #rtpStats()} until at least {@code minPackets} RTP packets were sent and
     * received by this UA; returns the counters. Fails with the last counters on timeout.
     */
    public RtpStats waitRtp(long minPackets, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RtpStats s = null;
        while (true) {
            try {
                s = rtpStats();
                if (s.sent() >= minPackets && s.received() >= minPackets) {
                    return s;
                }
            } catch (BaresipException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw fail(aor + ": RTP did not reach " + minPackets + " packets each way within "
                        + timeout.toSeconds() + " s: " + s, null);
            }
            sleep(200);
        }
    }

    // ------------------------------------------------------------------ control

    /** Runs a baresip command (as in its menu: {@code reginfo}, {@code listcalls}, ...). */
    public String command(String name) {
        return command(name, null);
    }

    /** Runs a baresip command with parameters; returns its output; fails if baresip says not ok. */
    public String command(String name, String params) {
        CtrlConnection c = ctrl;
        if (c == null || c.isClosed()) {
            throw fail("baresip control connection is not open (command '" + name + "')", null);
        }
        CtrlConnection.Response r;
        try {
            r = c.call(name, params, COMMAND_TIMEOUT);
        } catch (IOException e) {
            throw fail("command '" + name + "' failed: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw fail("no answer to command '" + name + "' within " + COMMAND_TIMEOUT.toSeconds() + " s", e);
        }
        if (!r.ok()) {
            throw fail("baresip refused '" + name + (params == null ? "" : " " + params) + "': " + r.data().trim(),
                    null);
        }
        return r.data();
    }

    private void onEvent(Map<String, Object> fields) {
        synchronized (events) {
            events.add(new BaresipEvent(fields));
            events.notifyAll();
        }
    }

    private void onDisconnect() {
        synchronized (events) {
            disconnected = true;
            events.notifyAll();
        }
    }

    /** True while the baresip process runs. */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The log file with baresip's output and the generated config. */
    public Path logFile() {
        return log.file();
    }

    /** The last {@code lines} lines of baresip's output. */
    public String logTail(int lines) {
        return log.tail(lines);
    }

    /** The private config directory given to baresip with {@code -f} (deleted on close). */
    public Path configDir() {
        return configDir;
    }

    private BaresipException fail(String message, Throwable cause) {
        String full = message + "\n  baresip log: " + log.file().toAbsolutePath() + "\n  --- last " + TAIL_LINES
                + " lines ---\n" + log.tail(TAIL_LINES);
        return cause == null ? new BaresipException(full) : new BaresipException(full, cause);
    }

    private Integer exitValue() {
        try {
            return process.exitValue();
        } catch (IllegalThreadStateException e) {
            return null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BaresipException("interrupted");
        }
    }

    /** Quits baresip ({@code quit}; it unregisters), killing it if it does not exit in time. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CtrlConnection c = ctrl;
        if (c != null && !c.isClosed() && isAlive()) {
            try {
                c.call("quit", null, Duration.ofSeconds(3));
            } catch (IOException | TimeoutException | RuntimeException e) {
                // baresip may close the connection before answering; we kill it below if needed
            }
        }
        stopProcess(Duration.ofSeconds(3));
        if (c != null) {
            c.close();
        }
        log.close();
        deleteTree(configDir);
    }

    private void stopProcess(Duration grace) {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            // baresip 1.0.0: 'quit' and the first SIGTERM both wait for the un-REGISTER to be
            // answered (up to SIP timer F when the registrar is gone); a second SIGTERM exits at once
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
                    p.destroy();
                    if (!p.waitFor(2, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(3, TimeUnit.SECONDS);
                    }
                }
            }
            log.awaitEnd(Duration.ofSeconds(2));
            log.note("### harness: baresip exited with status " + (p.isAlive() ? "(still alive!)" : p.exitValue()));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(p);
            process = null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; best effort
        }
    }

    @Override
    public String toString() {
        return "baresip " + aor + " (ctrl 127.0.0.1:" + ctrlPort + ", log " + log.file() + ")";
    }
}
