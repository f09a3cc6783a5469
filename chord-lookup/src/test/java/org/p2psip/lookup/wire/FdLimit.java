package org.p2psip.lookup.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The open-files limit of a process, read and set with {@code prlimit} (util-linux), for descriptor-exhaustion tests. */
final class FdLimit {
    private FdLimit() {
    }

    /** SOFT:HARD of {@code pid}. */
    static String get(long pid) throws IOException, InterruptedException {
        return run("prlimit", "--pid", Long.toString(pid), "--nofile", "--output", "SOFT,HARD", "--noheadings")
                .trim().replaceAll("\\s+", ":");
    }

    static void set(long pid, String softHard) throws IOException, InterruptedException {
        run("prlimit", "--pid", Long.toString(pid), "--nofile=" + softHard);
    }

    /** Descriptors this process has open now. */
    static int openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
