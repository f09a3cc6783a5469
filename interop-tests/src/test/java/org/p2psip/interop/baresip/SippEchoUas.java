package org.p2psip.interop.baresip;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.fixtures.Tools;

/**
 * sipp's built-in {@code uas} scenario on 127.0.0.1 with {@code -rtp_echo}: answers one INVITE
 * with PCMU SDP pointing at its echo port, sends every RTP packet it receives back to its sender,
 * answers the BYE and exits ({@code -m 1}); a global {@code -timeout} keeps it from ever hanging.
 */
final class SippEchoUas implements AutoCloseable {

    private static final int ATTEMPTS = 4;

    private final Path dir;
    private final ProcessLog log;
    private Process process;
    private int sipPort;
    private int mediaPort;

    private SippEchoUas(Path dir) throws IOException {
        this.dir = dir;
        this.log = new ProcessLog(dir.resolve("sipp.log"));
    }

    static SippEchoUas start(Duration globalTimeout) {
        String binary = Tools.requireOnPath("sipp", "sip-tester");
        try {
            Path dir = Path.of("target", "baresip-logs",
                    "sipp-" + System.currentTimeMillis() + "-" + ThreadLocalRandom.current().nextInt(1000));
            Files.createDirectories(dir);
            SippEchoUas u = new SippEchoUas(dir);
            try {
                u.launch(binary, globalTimeout);
                return u;
            } catch (RuntimeException | Error e) {
                u.close();
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare sipp directory: " + e, e);
        }
    }

    /** The URI to dial, e.g. {@code sip:echo@127.0.0.1:40000}. */
    String uri() {
        return "sip:echo@127.0.0.1:" + sipPort;
    }

    private void launch(String binary, Duration globalTimeout) throws IOException {
        String why = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            sipPort = FreePorts.udp();
            mediaPort = FreePorts.udpPairPlus2();
            log.note("### harness: sipp uas on 127.0.0.1:" + sipPort + ", RTP echo on " + mediaPort
                    + " (attempt " + attempt + ")");
            process = new ProcessBuilder(binary, "-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(sipPort),
                    "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort), "-rtp_echo", "-m", "1", "-nostdin",
                    "-timeout", globalTimeout.toSeconds() + "s", "-timeout_error")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Baresip.track(process);
            log.pump(process.getInputStream(), "sipp-out");
            // ready when sipp holds its SIP and RTP ports (we picked them free a moment ago)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (!FreePorts.udpFree(sipPort) && !FreePorts.udpFree(mediaPort)) {
                    return;
                }
                sleep(50);
            }
            why = process.isAlive() ? "ports not bound within 15 s" : "exited with " + process.exitValue();
            stop();
        }
        throw new IllegalStateException("sipp did not start: " + why + "\n" + logTail(40));
    }

    /** Waits for sipp to finish its one call; returns its exit status (0: the call succeeded). */
    int awaitExit(Duration timeout) throws InterruptedException {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("sipp not running");
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sipp still running after " + timeout.toSeconds() + " s\n" + logTail(40));
        }
        log.awaitEnd(Duration.ofSeconds(2));
        return p.exitValue();
    }

    String logTail(int lines) {
        return "sipp log " + log.file().toAbsolutePath() + ":\n" + log.tail(lines);
    }

    private void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
            }
            log.awaitEnd(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Baresip.untrack(p);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    @Override
    public void close() {
        stop();
        log.close();
    }
}
