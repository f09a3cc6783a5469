package org.p2psip.interop.phone;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.fixtures.Tools;

/**
 * sipp running one of this package's UAS scenarios (a registrar that answers calls) on 127.0.0.1 with
 * {@code -rtp_echo}, in its own directory under {@code target/phone-sipp/}. {@code -m 2}: the phone's
 * registration dialog and its call; sipp exits 0 if both followed the scenario.
 */
final class SippUas implements AutoCloseable {

    private static final int ATTEMPTS = 4;

    private final Path dir;
    private final Path log;
    private Process process;
    private int sipPort;
    private int mediaPort;

    private SippUas(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("sipp.out");
    }

    /** Starts sipp with the scenario resource {@code scenario} (in this package) and a global timeout. */
    static SippUas start(String scenario, Duration globalTimeout) throws IOException, InterruptedException {
        String bin = Tools.requireOnPath("sipp", "sip-tester");
        Files.createDirectories(Path.of("target", "phone-sipp"));
        Path dir = Files.createTempDirectory(Path.of("target", "phone-sipp").toAbsolutePath(), "sipp-");
        Path xml = dir.resolve(scenario);
        try (InputStream in = SippUas.class.getResourceAsStream(scenario)) {
            if (in == null) {
                throw new IllegalStateException("scenario resource missing: " + scenario);
            }
            Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
        }
        SippUas u = new SippUas(dir);
        try {
            u.launch(bin, xml, globalTimeout);
            return u;
        } catch (IOException | RuntimeException | InterruptedException e) {
            u.close();
            throw e;
        }
    }

    private void launch(String bin, Path xml, Duration globalTimeout) throws IOException, InterruptedException {
        String why = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            sipPort = FreePorts.udp();
            mediaPort = FreePorts.udpPairPlus2();
            int controlPort = FreePorts.udp();
            process = new ProcessBuilder(bin, "-sf", xml.toString(), "-i", "127.0.0.1", "-p", Integer.toString(sipPort),
                    "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort), "-rtp_echo", "-cp",
                    Integer.toString(controlPort), "-m", "2", "-nostdin", "-timeout", globalTimeout.toSeconds() + "s",
                    "-timeout_error", "-trace_err", "-trace_msg")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (!FreePorts.udpFree(sipPort) && !FreePorts.udpFree(mediaPort)) {
                    return;
                }
                Thread.sleep(50);
            }
            why = process.isAlive() ? "ports not bound within 15 s" : "exited with status " + process.exitValue();
            stop();
        }
        throw new IllegalStateException("sipp did not start: " + why + "\n" + logTail(30));
    }

    /** "127.0.0.1:PORT" of sipp's SIP socket. */
    String hostPort() {
        return "127.0.0.1:" + sipPort;
    }

    int mediaPort() {
        return mediaPort;
    }

    /** Waits for sipp to finish; its exit status (0: every call went as scripted). */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("sipp still running after " + timeout.toSeconds() + " s\n" + logTail(40));
        }
        return process.exitValue();
    }

    /** sipp's screen output and error/message traces, for failure messages. */
    String logTail(int lines) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".log"))
                    .sorted().collect(Collectors.toList())) {
                List<String> l = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                sb.append("--- ").append(f.toAbsolutePath()).append('\n')
                        .append(String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()))).append('\n');
            }
        } catch (IOException e) {
            sb.append("(cannot read sipp logs: ").append(e.getMessage()).append(")");
        }
        return sb.toString();
    }

    private void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        Tools.stop(p, Duration.ofSeconds(5), Duration.ofSeconds(3));
    }

    @Override
    public void close() {
        stop();
    }
}
