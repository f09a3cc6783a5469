package org.p2psip.sip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.p2psip.sip.it.RawSip;
import org.p2psip.sip.it.Sipp;

/**
 * Kamailio as the baseline: a minimal registrar (usrloc in memory) and record-routing stateful proxy
 * on a free loopback UDP port, its configuration written into the benchmark's directory at run time;
 * or, with a next hop, a record-routing stateful proxy that forwards every request outside a dialog
 * to that hop (the caller's proxy in front of the callee's registrar: two chained Kamailios).
 *
 * <p>Sized for load: {@value #CHILDREN} UDP worker processes and {@value #SHM_MB} MB of shared
 * memory. With 256 MB, 2,000 calls/s ran tm out of shared memory ("build_cell(): could not allocate
 * shared memory", answered 500) because every transaction stays in memory for the wait timer after
 * its final response.
 */
public final class KamailioProcess implements AutoCloseable {
    /** UDP worker processes. */
    public static final int CHILDREN = 4;
    /** Shared memory (-m), MB: transactions and registrations. */
    public static final int SHM_MB = 1024;
    /** Private memory per process (-M), MB. */
    public static final int PKG_MB = 16;
    private final Process process;
    private final int port;

    private KamailioProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** The main process (its children are Kamailio's workers). */
    public Process process() {
        return process;
    }

    /** A registrar and record-routing proxy, started directly. */
    public static KamailioProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of(), 0);
    }

    /**
     * Starts Kamailio with {@code launcher} before its command (e.g. {@code taskset -c 1}): a
     * registrar and record-routing proxy if {@code nextHopPort} is 0, otherwise a record-routing
     * proxy that relays every request outside a dialog (INVITE, REGISTER, ...) to 127.0.0.1:nextHopPort.
     */
    public static KamailioProcess start(Path dir, List<String> launcher, int nextHopPort) throws IOException, InterruptedException {
        String bin = Files.isExecutable(Path.of("/usr/sbin/kamailio")) ? "/usr/sbin/kamailio" : "kamailio";
        Files.createDirectories(dir);
        int port = Sipp.freePort();
        String outside = nextHopPort == 0
                ? String.join("\n",
                "    if (is_method(\"REGISTER\")) { if (!save(\"location\")) { sl_reply_error(); } exit; }",
                "    if (is_method(\"INVITE|SUBSCRIBE\")) { record_route(); }",
                "    if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }",
                "    if (!t_relay()) { sl_reply_error(); }")
                : String.join("\n",
                "    if (is_method(\"INVITE|SUBSCRIBE\")) { record_route(); }",
                "    $du = \"sip:127.0.0.1:" + nextHopPort + "\";",
                "    if (!t_relay()) { sl_reply_error(); }");
        String cfg = String.join("\n",
                "#!KAMAILIO",
                "# written by org.p2psip.sip.bench.KamailioProcess: " + (nextHopPort == 0 ? "registrar + record-routing proxy (baseline)"
                        : "record-routing proxy relaying to 127.0.0.1:" + nextHopPort + " (the first of two chained proxies)"),
                "debug=1",
                "log_stderror=yes",
                "children=" + CHILDREN,
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
                "modparam(\"usrloc\", \"db_mode\", 0)",
                "modparam(\"usrloc\", \"hash_size\", 14)",
                "request_route {",
                "    if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); exit; }",
                "    if (has_totag()) {",
                "        if (loose_route()) { t_relay(); exit; }",
                "        if (is_method(\"ACK\")) { if (t_check_trans()) { t_relay(); } exit; }",
                "        if (uri != myself) { t_relay(); exit; }",
                "        sl_send_reply(\"404\", \"Not here\"); exit;",
                "    }",
                "    if (is_method(\"CANCEL\")) { if (t_check_trans()) { t_relay(); } exit; }",
                "    if (is_method(\"OPTIONS\") && uri==myself && $rU==$null) { sl_send_reply(\"200\", \"OK\"); exit; }",
                "    t_check_trans();",
                "    remove_hf(\"Route\");",
                outside,
                "}",
                "");
        Path conf = dir.resolve("kamailio.cfg");
        Files.writeString(conf, cfg);
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(bin, "-f", conf.toString(), "-DD", "-E", "-m", Integer.toString(SHM_MB), "-M", Integer.toString(PKG_MB),
                "-Y", dir.toString(), "-w", dir.toString(), "-P", dir.resolve("kamailio.pid").toString()));
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
        KamailioProcess k = new KamailioProcess(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("kamailio exited: see " + dir.resolve("kamailio.log"));
            }
            try (RawSip probe = RawSip.udp(port)) {
                probe.send("OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + probe.localPort()
                        + ";branch=z9hG4bKready" + System.nanoTime() + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:p@127.0.0.1>;tag=1\r\n"
                        + "To: <sip:127.0.0.1>\r\nCall-ID: ready" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
                if (probe.receive(Duration.ofMillis(300)) != null) {
                    return k;
                }
            }
            if (System.nanoTime() > deadline) {
                k.close();
                throw new IOException("kamailio did not answer OPTIONS within 20 s: see " + dir.resolve("kamailio.log"));
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
