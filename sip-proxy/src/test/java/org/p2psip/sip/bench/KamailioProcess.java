package org.p2psip.sip.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.p2psip.sip.it.RawSip;
import org.p2psip.sip.it.Sipp;

/**
 * Kamailio as the baseline: a minimal registrar (usrloc in memory) and record-routing stateful proxy
 * on a free loopback UDP port, its configuration written into the benchmark's directory at run time.
 */
final class KamailioProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private KamailioProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    int port() {
        return port;
    }

    static KamailioProcess start(Path dir) throws IOException, InterruptedException {
        String bin = Files.isExecutable(Path.of("/usr/sbin/kamailio")) ? "/usr/sbin/kamailio" : "kamailio";
        Files.createDirectories(dir);
        int port = Sipp.freePort();
        String cfg = String.join("\n",
                "#!KAMAILIO",
                "# written by org.p2psip.sip.bench.KamailioProcess: registrar + record-routing proxy (baseline)",
                "debug=1",
                "log_stderror=yes",
                "children=4",
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
                "    if (is_method(\"REGISTER\")) { if (!save(\"location\")) { sl_reply_error(); } exit; }",
                "    if (is_method(\"INVITE|SUBSCRIBE\")) { record_route(); }",
                "    if (!lookup(\"location\")) { sl_send_reply(\"404\", \"Not Found\"); exit; }",
                "    if (!t_relay()) { sl_reply_error(); }",
                "}",
                "");
        Path conf = dir.resolve("kamailio.cfg");
        Files.writeString(conf, cfg);
        Process p = new ProcessBuilder(bin, "-f", conf.toString(), "-DD", "-E", "-m", "256", "-M", "16",
                "-Y", dir.toString(), "-w", dir.toString(), "-P", dir.resolve("kamailio.pid").toString())
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
