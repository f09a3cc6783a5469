package org.p2psip.interop.kamailio;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.fixtures.Tools;

/**
 * A private Kamailio (Debian package {@code kamailio}, 5.x) for tests: the centralised SIP baseline, a
 * registrar (usrloc in memory) and record-routing stateful proxy listening on 127.0.0.1 at a free UDP
 * port. The configuration is written into a fresh directory under {@code target/} at test time; Kamailio
 * runs in the foreground ({@code -DD -E}, log on stderr into {@code kamailio.log} there) and is stopped by
 * {@link #close()} (call it from {@code @After}).
 *
 * <p>Readiness: Kamailio answers an OPTIONS for itself (no user part) with {@code 200 Keepalive}; {@link
 * #start()} returns once it does. Every request routed inside a dialog (loose_route) is logged as
 * {@code "in-dialog <METHOD> from <ip>:<port>"}, and every REGISTER as {@code "REGISTER <aor> expires
 * <n>"}, so tests can check that ACK and BYE followed the Record-Route ({@link #awaitLog}).
 *
 * <pre>{@code
 * try (Kamailio k = Kamailio.builder().minExpires(1).start()) {
 *     InetSocketAddress proxy = k.address();
 *     ...
 * }
 * }</pre>
 */
public final class Kamailio implements AutoCloseable {

    private static final int ATTEMPTS = 4;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path log;
    private final Path config;
    private Process process;
    private int port;

    private Kamailio(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("kamailio.log");
        this.config = dir.resolve("kamailio.cfg");
    }

    /** A Kamailio with the default settings. */
    public static Kamailio start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The binary, from PATH, /usr/sbin or /usr/bin; fails naming the Debian package if it is missing. */
    public static String binary() {
        return Tools.requireOnPath("kamailio", "kamailio");
    }

    /** Where Kamailio listens (UDP). */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** "127.0.0.1:PORT". */
    public String hostPort() {
        return host() + ":" + port;
    }

    /** The directory holding the configuration and the log. */
    public Path directory() {
        return dir;
    }

    public Path configFile() {
        return config;
    }

    public Path logFile() {
        return log;
    }

    /** Everything Kamailio logged so far. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code n} lines of the log, for failure messages. */
    public String logTail(int n) {
        List<String> lines = logText().lines().collect(Collectors.toList());
        return "kamailio log " + log.toAbsolutePath() + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Waits until the log contains {@code text}; returns whether it did within {@code timeout}. */
    public boolean awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (logText().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return logText().contains(text);
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops Kamailio (SIGTERM, then SIGKILL for it and its children if needed). Idempotent. */
    @Override
    public void close() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().collect(Collectors.toList());
        Tools.stop(p, Duration.ofSeconds(10), Duration.ofSeconds(5));
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }

    private void launch(Builder b) throws IOException, InterruptedException {
        String bin = binary();
        String why = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            port = FreePorts.udp();
            Files.writeString(config, b.config(port), StandardCharsets.US_ASCII);
            Files.deleteIfExists(log);
            process = new ProcessBuilder(bin, "-f", config.toString(), "-DD", "-E",
                    "-m", Integer.toString(b.sharedMemoryMb), "-M", "8",
                    "-Y", dir.toAbsolutePath().toString(), "-w", dir.toAbsolutePath().toString(),
                    "-P", dir.resolve("kamailio.pid").toAbsolutePath().toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (awaitReady()) {
                return;
            }
            why = process.isAlive() ? "no answer to OPTIONS within " + READY_TIMEOUT.toSeconds() + " s"
                    : "exited with status " + process.exitValue();
            String tail = logTail(30);
            close();
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("Kamailio did not start on 127.0.0.1:" + port + ": " + why
                        + "\n" + tail);
            }
        }
        throw new IllegalStateException("Kamailio did not start: " + why);
    }

    /** Sends OPTIONS to Kamailio until it answers 200 (or the process dies). */
    private boolean awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(200);
            int n = 0;
            byte[] buf = new byte[4096];
            while (System.nanoTime() < deadline) {
                Process p = process;
                if (p == null || !p.isAlive()) {
                    return false;
                }
                n++;
                String branch = "z9hG4bK-ready-" + n + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
                String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=" + branch + "\r\n"
                        + "From: <sip:probe@127.0.0.1>;tag=probe" + n + "\r\n"
                        + "To: <sip:127.0.0.1:" + port + ">\r\n"
                        + "Call-ID: ready-" + n + "-" + s.getLocalPort() + "@127.0.0.1\r\n"
                        + "CSeq: " + n + " OPTIONS\r\n"
                        + "Max-Forwards: 70\r\n"
                        + "Content-Length: 0\r\n\r\n";
                byte[] out = options.getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    s.receive(in);
                    String answer = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
                    if (answer.startsWith("SIP/2.0 200")) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
                Thread.sleep(100);
            }
            return false;
        }
    }

    /** Settings of the generated configuration. */
    public static final class Builder {
        private Path parent = Path.of("target", "kamailio");
        private int minExpires = 60;
        private int maxExpires = 3600;
        private int children = 2;
        private int sharedMemoryMb = 32;
        private boolean recordRoute = true;

        private Builder() {
        }

        /** Parent of the run directory (default {@code target/kamailio}). */
        public Builder parentDirectory(Path parent) {
            this.parent = parent;
            return this;
        }

        /** The registrar's smallest accepted expiry (Kamailio's default is 60 s; tests of refresh want 1). */
        public Builder minExpires(int seconds) {
            this.minExpires = seconds;
            return this;
        }

        public Builder maxExpires(int seconds) {
            this.maxExpires = seconds;
            return this;
        }

        /** UDP worker processes. */
        public Builder children(int n) {
            this.children = n;
            return this;
        }

        public Builder sharedMemoryMb(int mb) {
            this.sharedMemoryMb = mb;
            return this;
        }

        /** Whether INVITEs are record-routed (default true: in-dialog requests then pass Kamailio). */
        public Builder recordRoute(boolean on) {
            this.recordRoute = on;
            return this;
        }

        /** Writes the configuration, starts Kamailio and waits until it answers. */
        public Kamailio start() {
            try {
                Files.createDirectories(parent);
                Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "run-");
                Kamailio k = new Kamailio(dir);
                try {
                    k.launch(this);
                    return k;
                } catch (RuntimeException | Error | IOException | InterruptedException e) {
                    k.close();
                    throw e;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot start Kamailio: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kamailio", e);
            }
        }

        private static final String RECORD_ROUTE = """
                if (is_method("INVITE|SUBSCRIBE")) {
                        record_route();
                    }""";

        /** The configuration text for {@code port}. */
        String config(int port) {
            return """
                    #!KAMAILIO
                    # Written by org.p2psip.interop.kamailio.Kamailio for a test: registrar + proxy, memory only.
                    debug=2
                    log_stderror=yes
                    children=%d
                    disable_tcp=yes
                    auto_aliases=no
                    listen=udp:127.0.0.1:%d
                    # No alias for 127.0.0.1: the phones on other loopback ports are not "myself" (an alias
                    # without port would make loose_route treat in-dialog requests to them as strict-routed).

                    loadmodule "tm.so"
                    loadmodule "sl.so"
                    loadmodule "rr.so"
                    loadmodule "pv.so"
                    loadmodule "maxfwd.so"
                    loadmodule "usrloc.so"
                    loadmodule "registrar.so"
                    loadmodule "textops.so"
                    loadmodule "siputils.so"
                    loadmodule "xlog.so"

                    modparam("usrloc", "db_mode", 0)
                    modparam("registrar", "min_expires", %d)
                    modparam("registrar", "max_expires", %d)
                    modparam("rr", "enable_full_lr", 1)

                    request_route {
                        if (!mf_process_maxfwd_header("10")) {
                            sl_send_reply("483", "Too Many Hops");
                            exit;
                        }
                        if (is_method("OPTIONS") && uri==myself && $rU==$null) {
                            sl_send_reply("200", "Keepalive");
                            exit;
                        }
                        if (has_totag()) {
                            if (loose_route()) {
                                xlog("L_INFO", "in-dialog $rm from $si:$sp\\n");
                                t_relay();
                                exit;
                            }
                            if (is_method("ACK")) {
                                if (t_check_trans()) {
                                    t_relay();
                                }
                                exit;
                            }
                            sl_send_reply("404", "Not here");
                            exit;
                        }
                        if (is_method("CANCEL")) {
                            if (t_check_trans()) {
                                t_relay();
                            }
                            exit;
                        }
                        t_check_trans();
                        remove_hf("Route");
                    %s
                        if (is_method("REGISTER")) {
                            xlog("L_INFO", "REGISTER $tu expires $hdr(Expires)\\n");
                            if (!save("location")) {
                                sl_reply_error();
                            }
                            exit;
                        }
                        if ($rU==$null) {
                            sl_send_reply("484", "Address Incomplete");
                            exit;
                        }
                        if (!lookup("location")) {
                            sl_send_reply("404", "Not Found");
                            exit;
                        }
                        if (!t_relay()) {
                            sl_reply_error();
                        }
                        exit;
                    }
                    """.formatted(children, port, minExpires, maxExpires, recordRoute ? RECORD_ROUTE : "# no record_route");
        }
    }
}
