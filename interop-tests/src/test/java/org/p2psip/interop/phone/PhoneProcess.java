package org.p2psip.interop.phone;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./p2psip phone ...} as a real process: the launcher's main class
 * ({@code org.p2psip.peer.cli.P2psip}) in a fresh JVM on this test's class path, output into files under
 * {@code target/phone-cli/}. {@link #close()} kills it if it is still running.
 */
final class PhoneProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private PhoneProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static PhoneProcess start(String... args) throws IOException {
        Files.createDirectories(Path.of("target", "phone-cli"));
        Path dir = Files.createTempDirectory(Path.of("target", "phone-cli").toAbsolutePath(), "phone-");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.p2psip.peer.cli.P2psip");
        cmd.add("phone");
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new PhoneProcess(p, out, err);
    }

    /** Waits for the exit status; fails the test if the phone is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("phone still running after " + timeout.toSeconds() + " s (it must never hang)\n"
                    + describe());
        }
        return process.exitValue();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** Both outputs, for failure messages. */
    String describe() {
        return "--- phone stdout (" + out + "):\n" + stdout() + "--- phone stderr (" + err + ", last 60 lines):\n"
                + tail(stderr(), 60);
    }

    private static String tail(String s, int n) {
        List<String> l = s.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - n), l.size()));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
