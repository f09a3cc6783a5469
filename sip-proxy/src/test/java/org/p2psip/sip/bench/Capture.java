package org.p2psip.sip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packet capture on loopback (dumpcap) of one SIP port, and the request-to-200 delays read back
 * with tshark: kernel timestamps with microseconds, where sipp's own timing has millisecond steps.
 */
final class Capture {
    private final Process dumpcap;
    private final Path file;

    private Capture(Process dumpcap, Path file) {
        this.dumpcap = dumpcap;
        this.file = file;
    }

    static Capture start(Path file, int port) throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        Process p = new ProcessBuilder("dumpcap", "-q", "-i", "lo", "-f", "udp port " + port, "-B", "64", "-w", file.toString())
                .redirectErrorStream(true).redirectOutput(file.resolveSibling(file.getFileName() + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.size(file) > 0)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("dumpcap did not start: " + Files.readString(file.resolveSibling(file.getFileName() + ".log")));
            }
            Thread.sleep(50);
        }
        Thread.sleep(300);
        return new Capture(p, file);
    }

    void stop() throws InterruptedException {
        Thread.sleep(300);
        dumpcap.destroy();
        if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
            dumpcap.destroyForcibly();
            dumpcap.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Milliseconds from each first {@code method} request sent to the proxy until the proxy's first 200 for it. */
    Delays delays(String method, int proxyPort) throws IOException, InterruptedException {
        Process t = new ProcessBuilder("tshark", "-r", file.toString(), "-d", "udp.port==" + proxyPort + ",sip", "-T", "fields",
                "-E", "separator=|", "-e", "frame.time_epoch", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.Call-ID",
                "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        t.waitFor(60, TimeUnit.SECONDS);
        String port = Integer.toString(proxyPort);
        Map<String, Double> sent = new HashMap<>();
        Map<String, Double> answered = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 7 || f[3].isEmpty()) {
                continue;
            }
            double ts = Double.parseDouble(f[0]);
            if (method.equals(f[4]) && port.equals(f[2])) {
                sent.putIfAbsent(f[3], ts);
            } else if ("200".equals(f[5]) && method.equals(f[6]) && port.equals(f[1])) {
                answered.putIfAbsent(f[3], ts);
            }
        }
        List<Double> ms = new ArrayList<>();
        for (Map.Entry<String, Double> e : sent.entrySet()) {
            Double a = answered.get(e.getKey());
            if (a != null) {
                ms.add((a - e.getValue()) * 1000.0);
            }
        }
        Collections.sort(ms);
        return new Delays(ms);
    }

    record Delays(List<Double> sortedMs) {
        int count() {
            return sortedMs.size();
        }

        double median() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        double percentile(double p) {
            if (sortedMs.isEmpty()) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sortedMs.size()) - 1;
            return sortedMs.get(Math.max(0, Math.min(sortedMs.size() - 1, i)));
        }
    }
}
