package org.p2psip.sip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A packet capture on loopback (dumpcap) of one SIP port, read back with tshark ({@link SipTrace}):
 * kernel timestamps with microseconds, where sipp's own timing has millisecond steps.
 */
public final class Capture implements AutoCloseable {
    private final Process dumpcap;
    private final Path file;

    private Capture(Process dumpcap, Path file) {
        this.dumpcap = dumpcap;
        this.file = file;
    }

    /** Starts dumpcap on {@code lo} for UDP port {@code port}, writing {@code file}; returns once it writes. */
    public static Capture start(Path file, int port) throws IOException, InterruptedException {
        return start(file, "udp port " + port);
    }

    /** Starts dumpcap on {@code lo} with capture filter {@code bpf}, writing {@code file}; returns once it writes. */
    public static Capture start(Path file, String bpf) throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        Path log = file.resolveSibling(file.getFileName() + ".log");
        Process p = new ProcessBuilder("dumpcap", "-q", "-i", "lo", "-f", bpf, "-B", "64", "-w", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.size(file) > 0)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("dumpcap did not start: " + (Files.exists(log) ? Files.readString(log) : "no log"));
            }
            Thread.sleep(50);
        }
        Thread.sleep(300);
        return new Capture(p, file);
    }

    /** Stops the capture (idempotent). */
    public void stop() throws InterruptedException {
        if (!dumpcap.isAlive()) {
            return;
        }
        Thread.sleep(300);
        dumpcap.destroy();
        if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
            dumpcap.destroyForcibly();
            dumpcap.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (dumpcap.isAlive()) {
            dumpcap.destroyForcibly();
        }
    }

    public Path file() {
        return file;
    }

    /** The SIP messages of the capture, decoded by tshark with {@code ports} as SIP ports. */
    public SipTrace trace(int... ports) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString()));
        for (int p : ports) {
            cmd.addAll(List.of("-d", "udp.port==" + p + ",sip"));
        }
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|"));
        for (String f : SipTrace.TSHARK_FIELDS) {
            cmd.addAll(List.of("-e", f));
        }
        Process t = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!t.waitFor(120, TimeUnit.SECONDS)) {
            t.destroyForcibly();
        }
        return SipTrace.parse(out);
    }

    /** Milliseconds from each first {@code method} request sent to the proxy until the proxy's first 200 for it. */
    Delays delays(String method, int proxyPort) throws IOException, InterruptedException {
        return trace(proxyPort).delays(method, proxyPort, code -> code == 200);
    }

    /** Delays in milliseconds, sorted; percentiles by the nearest-rank method. */
    public record Delays(List<Double> sortedMs) {
        public Delays {
            sortedMs = List.copyOf(sortedMs);
        }

        public int count() {
            return sortedMs.size();
        }

        public double median() {
            return percentile(50);
        }

        public double p95() {
            return percentile(95);
        }

        public double p99() {
            return percentile(99);
        }

        /** The nearest-rank percentile: the smallest value with at least {@code p} percent of the values at or below it; NaN if empty. */
        public double percentile(double p) {
            if (sortedMs.isEmpty()) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sortedMs.size()) - 1;
            return sortedMs.get(Math.max(0, Math.min(sortedMs.size() - 1, i)));
        }
    }
}
