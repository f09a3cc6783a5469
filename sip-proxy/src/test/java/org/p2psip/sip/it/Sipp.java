package org.p2psip.sip.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real sipp process (Debian package sip-tester) with its scenario copied out of the test
 * resources, bound to 127.0.0.1 on a free port, with message and error traces in its own directory.
 */
public final class Sipp implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private final Process process;
    private final Path dir;
    private final String label;
    public final int port;
    /** The port sipp announces in its SDP (its RTP echo port). */
    public final int mediaPort;

    private Sipp(Process process, Path dir, String label, int port, int mediaPort) {
        this.process = process;
        this.dir = dir;
        this.label = label;
        this.port = port;
        this.mediaPort = mediaPort;
    }

    /** The sipp binary; fails the test with a clear message when it is missing. */
    public static String binary() {
        for (String p : new String[] {"/usr/bin/sipp", "/usr/local/bin/sipp"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (Files.isExecutable(Path.of(d, "sipp"))) {
                    return Path.of(d, "sipp").toString();
                }
            }
        }
        throw new AssertionError("sipp is not installed (Debian package sip-tester); the P2PSIP-Port tests need it");
    }

    /** A port free for both UDP and TCP on loopback right now. */
    public static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int p = u.getLocalPort();
                try (ServerSocket t = new ServerSocket()) {
                    t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                    return p;
                } catch (IOException e) {
                    // TCP side taken: try another
                }
            }
        }
        throw new IOException("no free port for UDP and TCP");
    }

    /**
     * A media port for sipp's {@code -mp}: sipp binds it for audio and the port two above for
     * video, so both must be free (a taken p+2 ends sipp with "Unable to bind video RTP socket").
     */
    public static int freeMediaPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freePort();
            if (p + 2 <= 65535 && udpFree(p + 2)) {
                return p;
            }
        }
        throw new IOException("no free UDP ports p and p+2 on loopback after 50 tries");
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts sipp with scenario {@code scenario} (a file under resources /sipp, placeholders
     * {@code @NAME@} filled from {@code fill}) against {@code target} ("HOST:PORT", or null for a UAS).
     */
    public static Sipp start(Path workRoot, String scenario, Map<String, String> fill, String target, String... extra)
            throws IOException {
        return start(workRoot, scenario, fill, target, true, extra);
    }

    /** As {@link #start(Path, String, Map, String, String...)}; {@code trace} false leaves out the message and action logs (load runs). */
    public static Sipp start(Path workRoot, String scenario, Map<String, String> fill, String target, boolean trace,
                             String... extra) throws IOException {
        String label = scenario.replace(".xml", "") + "-" + COUNT.incrementAndGet();
        Path dir = workRoot.toAbsolutePath().resolve(label);
        Files.createDirectories(dir);
        String xml;
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + scenario)) {
            if (in == null) {
                throw new IOException("no scenario /sipp/" + scenario + " in the test resources");
            }
            xml = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        for (Map.Entry<String, String> e : fill.entrySet()) {
            xml = xml.replace("@" + e.getKey() + "@", e.getValue());
        }
        Path sf = dir.resolve(scenario);
        Files.writeString(sf, xml, StandardCharsets.ISO_8859_1);
        int port = freePort();
        int media = freeMediaPort();
        List<String> cmd = new ArrayList<>(List.of(binary(), "-sf", sf.toString(), "-i", "127.0.0.1", "-p",
                Integer.toString(port), "-mp", Integer.toString(media), "-nostdin",
                "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
        if (trace) {
            cmd.addAll(List.of("-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
                    "-trace_logs", "-log_file", dir.resolve("actions.log").toString()));
        }
        cmd.addAll(Arrays.asList(extra));
        if (target != null) {
            cmd.add(target);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        return new Sipp(pb.start(), dir, label, port, media);
    }

    /** Waits for sipp to end; returns its exit status (0: every call succeeded). Kills it on timeout. */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("sipp " + label + " did not finish within " + timeout.toSeconds() + " s\n" + report());
        }
        return process.exitValue();
    }

    /** Asserts that sipp ended with status 0, with its traces in the failure message otherwise. */
    public void assertSuccess(Duration timeout) throws InterruptedException {
        int rc = await(timeout);
        if (rc != 0) {
            throw new AssertionError("sipp " + label + " exited with " + rc + "\n" + report());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path dir() {
        return dir;
    }

    /** Everything sipp sent and received. */
    public String messages() {
        return read("messages.log");
    }

    /** The log lines of the scenario's log actions. */
    public String actions() {
        return read("actions.log");
    }

    /** The SIP messages sipp received, in order (from its message trace). */
    public List<String> received() {
        List<String> out = new ArrayList<>();
        String all = messages();
        String[] blocks = all.split("\n-{20,}[^\n]*\n");
        for (String b : blocks) {
            int i = b.indexOf("message received");
            if (i < 0) {
                continue;
            }
            int start = b.indexOf('\n', i);
            if (start >= 0) {
                out.add(b.substring(start + 1).strip());
            }
        }
        return out;
    }

    private String read(String name) {
        try {
            Path p = dir.resolve(name);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(" + name + ": " + e.getMessage() + ")";
        }
    }

    public String report() {
        String m = messages();
        if (m.length() > 6000) {
            m = "..." + m.substring(m.length() - 6000);
        }
        return "--- " + dir + "\n--- stdout (tail):\n" + tail(read("stdout.txt"), 1500) + "\n--- stderr:\n"
                + tail(read("stderr.txt"), 1500) + "\n--- errors:\n" + tail(read("errors.log"), 3000)
                + "\n--- messages (tail):\n" + m;
    }

    private static String tail(String s, int n) {
        return s.length() > n ? "..." + s.substring(s.length() - n) : s;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
