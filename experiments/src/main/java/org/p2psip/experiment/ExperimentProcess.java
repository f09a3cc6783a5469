package org.p2psip.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.p2psip.common.ChildJvm;

/**
 * One {@code ./p2psip} command (a peer or a phone) running inside a namespace of a
 * {@link Lab} (a {@link NatNetwork}'s or another), in its own JVM with this JVM's class path. Standard output is kept line by
 * line (and can be waited on); standard error, the logs, goes to a file. {@link #stop} sends
 * SIGTERM (a peer leaves cleanly) and kills after the grace period; the network also stops it if
 * the experiment forgets.
 */
public final class ExperimentProcess {
    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    /** When each line of {@link #lines} arrived (wall clock, ms). */
    private final List<Long> times = new ArrayList<>();
    private final Thread reader;

    private ExperimentProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::readOutput, "experiment-out-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ExperimentProcess start(NatNetwork net, NetNode node, String name, String heap, List<String> args, Path log)
            throws IOException {
        return start(net.lab(), node, name, heap, args, log);
    }

    /** Starts {@code ./p2psip ARGS} ({@code org.p2psip.peer.cli.P2psip}) on {@code node} of {@code lab}; logs to {@code log}. */
    public static ExperimentProcess start(Lab lab, NetNode node, String name, String heap, List<String> args, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        cmd.addAll(ChildJvm.sharedArchiveOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.p2psip.peer.cli.P2psip"));
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().putIfAbsent("P2PSIP_LOG_LEVEL", "INFO");
        return new ExperimentProcess(name, lab.start(node, pb), log);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    times.add(System.currentTimeMillis());
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        synchronized (lines) {
            lines.notifyAll();
        }
    }

    /** Waits until a line of standard output contains {@code text}; fails if the process ends first or time runs out. */
    public String awaitLine(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).contains(text)) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new IOException(name + " ended (exit " + process.exitValue() + ") before saying '" + text + "'" + logTail());
                }
                if (left <= 0) {
                    throw new IOException(name + " did not say '" + text + "' within " + timeout.toSeconds() + " s" + logTail());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; its exit status, or -1 if it had to be killed. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(Duration.ofSeconds(5));
            return -1;
        }
        reader.join(2000);
        return process.exitValue();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** When the first line containing {@code text} arrived (wall clock, ms), or -1 if none did (yet). */
    public long lineAt(String text) {
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return times.get(i);
                }
            }
            return -1;
        }
    }

    /** Every line with when it arrived (wall clock, ms). */
    List<Map.Entry<Long, String>> timedLines() {
        synchronized (lines) {
            List<Map.Entry<Long, String>> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                out.add(Map.entry(times.get(i), lines.get(i)));
            }
            return out;
        }
    }

    /** The first line containing {@code text}, or null. */
    public String line(String text) {
        synchronized (lines) {
            for (String l : lines) {
                if (l.contains(text)) {
                    return l;
                }
            }
            return null;
        }
    }

    /** The log file (standard error). */
    public Path log() {
        return log;
    }

    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log);
            return text.isBlank() ? "" : "\n--- " + log + " (end) ---\n" + text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills the process at once (SIGKILL): a peer that crashes, without leaving the overlay. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
