package org.p2psip.interop.peer;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.p2psip.interop.fixtures.Tools;

/** One sipp process (Debian package sip-tester) on 127.0.0.1, its output in a file under target/peer-sipp/. */
final class Sipp implements AutoCloseable {

    private final Process process;
    private final Path out;

    private Sipp(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Starts sipp with these arguments (after the binary) in a fresh directory. */
    static Sipp start(List<String> args) throws IOException {
        String bin = Tools.requireOnPath("sipp", "sip-tester");
        Path base = Path.of("target", "peer-sipp").toAbsolutePath();
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base, "sipp-");
        List<String> cmd = new ArrayList<>();
        cmd.add(bin);
        cmd.addAll(args);
        Path out = dir.resolve("sipp.out");
        Files.writeString(out, String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Sipp(p, out);
    }

    /** Copies a scenario resource of this package into target/peer-sipp/ and returns its path. */
    static Path scenario(String name) throws IOException {
        Path base = Path.of("target", "peer-sipp").toAbsolutePath();
        Files.createDirectories(base);
        Path xml = base.resolve(name);
        try (InputStream in = Sipp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("scenario resource missing: " + name);
            }
            Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
        }
        return xml;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Exit status, or fails if sipp is still running after {@code seconds}. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("sipp still running after " + seconds + " s\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        StringBuilder sb = new StringBuilder("--- sipp output and traces in " + out.getParent() + ":\n");
        try (Stream<Path> files = Files.list(out.getParent())) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                List<String> l = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                sb.append("--- ").append(f.getFileName()).append('\n')
                        .append(String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()))).append('\n');
            }
        } catch (IOException e) {
            sb.append("(cannot read: ").append(e.getMessage()).append(")");
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        }
    }
}
