package org.p2psip.interop.baresip;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal private Kamailio (Debian package {@code kamailio} 5.6) for this package's tests: a
 * registrar (in-memory usrloc) and record-routing stateful proxy on 127.0.0.1 at a free UDP port,
 * config written into {@code target/} at test time, run in the foreground and stopped by
 * {@link #close()}. It answers OPTIONS to itself with 200 (used as the readiness probe).
 */
final class TestKamailio implements AutoCloseable {

    private static final int ATTEMPTS = 4;

    private final Path dir;
    private final ProcessLog log;
    private Process process;
    private int port;

    private TestKamailio(Path dir) throws IOException {
        this.dir = dir;
        this.log = new ProcessLog(dir.resolve("kamailio.log"));
    }

    /** Starts Kamailio and waits until it answers SIP. */
    static TestKamailio start() {
        String binary = requireOnPath("kamailio", "kamailio");
        try {
            Path dir = Files.createDirectories(Path.of("target", "baresip-logs"))
                    .resolve("kamailio-" + System.currentTimeMillis() + "-" + ThreadLocalRandom.current().nextInt(1000));
            Files.createDirectories(dir);
            TestKamailio k = new TestKamailio(dir);
            try {
                k.launch(binary);
                return k;
            } catch (RuntimeException | Error e) {
                k.close();
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare Kamailio directory: " + e, e);
        }
    }

    /** "127.0.0.1:PORT", for {@link Baresip#start(String, String)}. */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    String logTail(int lines) {
        return "kamailio log " + log.file().toAbsolutePath() + ":\n" + log.tail(lines);
    }

    private void launch(String binary) {
        String why = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            port = FreePorts.udp();
            try {
                Path cfg = dir.resolve("kamailio.cfg");
                Files.writeString(cfg, config(port), StandardCharsets.UTF_8);
                log.note("### harness: starting kamailio on 127.0.0.1:" + port + " (attempt " + attempt + ")");
                process = new ProcessBuilder(binary, "-DD", "-E", "-m", "32", "-M", "4",
                        "-Y", dir.toAbsolutePath().toString(), "-w", dir.toAbsolutePath().toString(),
                        "-f", cfg.toAbsolutePath().toString())
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                Baresip.track(process);
                log.pump(process.getInputStream(), "kamailio-out");
                if (awaitAnswering(Duration.ofSeconds(20))) {
                    return;
                }
                why = process.isAlive() ? "no answer to OPTIONS within 20 s" : "exited with " + process.exitValue();
                stop();
                if (!log.anyLine(l -> l.contains("Address already in use"))) {
                    break;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot start kamailio: " + e, e);
            }
        }
        throw new IllegalStateException("Kamailio did not start: " + why + "\n" + logTail(40));
    }

    /** Sends OPTIONS sip:127.0.0.1:PORT until Kamailio answers 200. */
    private boolean awaitAnswering(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(300);
            int n = 0;
            while (System.nanoTime() < deadline && process.isAlive()) {
                n++;
                String msg = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bKprobe" + n + "x"
                        + System.nanoTime() + "\r\n"
                        + "Max-Forwards: 70\r\n"
                        + "From: <sip:probe@127.0.0.1>;tag=probe" + n + "\r\n"
                        + "To: <sip:127.0.0.1:" + port + ">\r\n"
                        + "Call-ID: probe-" + n + "-" + System.nanoTime() + "@127.0.0.1\r\n"
                        + "CSeq: 1 OPTIONS\r\n"
                        + "Content-Length: 0\r\n\r\n";
                byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                byte[] buf = new byte[4096];
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(in);
                    String reply = new String(buf, 0, in.getLength(), StandardCharsets.US_ASCII);
                    if (reply.startsWith("SIP/2.0 200")) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static String config(int port) {
        return String.join("\n",
                "#!KAMAILIO",
                "# written by org.p2psip.interop.baresip.TestKamailio: registrar + record-routing proxy",
                "debug=2",
                "log_stderror=yes",
                "children=2",
                "disable_tcp=yes",
                "auto_aliases=no",
                "listen=udp:127.0.0.1:" + port,
                "loadmodule \"tm.so\"",
                "loadmodule \"sl.so\"",
                "loadmodule \"rr.so\"",
                "loadmodule \"pv.so\"",
                "loadmodule \"maxfwd.so\"",
                "loadmodule \"usrloc.so\"",
                "loadmodule \"registrar.so\"",
                "loadmodule \"textops.so\"",
                "loadmodule \"siputils.so\"",
                "loadmodule \"xlog.so\"",
                "modparam(\"usrloc\", \"db_mode\", 0)",
                "request_route {",
                "    xlog(\"L_INFO\", \"$rm $ru from $si:$sp\\n\");",
                "    if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); exit; }",
                "    if (has_totag()) {",
                "        if (loose_route()) { t_relay(); exit; }",
                "        if (is_method(\"ACK\")) { if (t_check_trans()) { t_relay(); } exit; }",
                "        sl_send_reply(\"404\", \"Not here\"); exit;",
                "    }",
                "    if (is_method(\"CANCEL\")) { if (t_check_trans()) { t_relay(); } exit; }",
                "    if (is_method(\"OPTIONS\") && uri==myself && $rU==$null) { sl_send_reply(\"200\", \"OK\"); exit; }",
                "    t_check_trans();",
                "    remove_hf(\"Route\");",
                "    if (is_method(\"REGISTER\")) { if (!save(\"location\")) { sl_reply_error(); } exit; }",
                "    if (is_method(\"INVITE|SUBSCRIBE\")) { record_route(); }",
                "    if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }",
                "    if (!t_relay()) { sl_reply_error(); }",
                "}",
                "");
    }

    private void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        try {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
            }
            // kamailio's children normally exit with the main process; make sure
            children.forEach(ProcessHandle::destroyForcibly);
            log.awaitEnd(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Baresip.untrack(p);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
        log.close();
    }

    /** The absolute path of {@code binary} on PATH (or in /usr/sbin, /usr/bin), or a clear failure. */
    static String requireOnPath(String binary, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/bin";
        return Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, binary))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("'" + binary + "' not found on PATH, /usr/sbin or"
                        + " /usr/bin: install the Debian package '" + debianPackage + "'"));
    }
}
