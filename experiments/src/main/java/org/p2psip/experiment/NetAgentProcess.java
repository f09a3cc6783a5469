package org.p2psip.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;


/** The driving side of a {@link NetAgent} running inside one namespace of a {@link Lab} or {@link NatNetwork} (tests and experiments). */
public final class NetAgentProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final NetNode node;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private NetAgentProcess(NetNode node, Process process, Path log) {
        this.node = node;
        this.process = process;
        this.commands = process.getOutputStream();
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // the agent ended; call() reports it
            }
            answers.add("eof");
        }, "agent-reader-" + node.name());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a {@link NetAgent} inside {@code node}'s namespace (its standard error goes to a file in {@code logDir}) and waits until it is ready. */
    public static NetAgentProcess start(NatNetwork network, NetNode node, Path logDir) throws IOException {
        return start(network.lab(), node, logDir);
    }

    /** Starts a {@link NetAgent} inside {@code node}'s namespace of {@code lab} (standard error to a file in {@code logDir}) and waits until it is ready. */
    public static NetAgentProcess start(Lab lab, NetNode node, Path logDir) throws IOException {
        Path dir = logDir;
        Files.createDirectories(dir);
        Path log = dir.resolve(lab.namePrefix() + node.name() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), NetAgent.class.getName())
                .redirectError(log.toFile());
        NetAgentProcess agent = new NetAgentProcess(node, lab.start(node, pb), log);
        String ready = agent.next(START_TIMEOUT);
        if (!"ready".equals(ready)) {
            throw new IllegalStateException("agent in " + node + " did not start: " + ready + agent.logTail());
        }
        return agent;
    }

    /** Sends one command and returns the answer; an {@code err} answer or no answer fails the test. */
    public String call(String command, Duration timeout) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new IllegalStateException("agent in " + node + " gone: " + e + logTail());
        }
        String answer = next(timeout);
        if (answer == null) {
            throw new IllegalStateException("agent in " + node + ": no answer to '" + command + "' within " + timeout.toSeconds() + " s");
        }
        if (answer.startsWith("err") || answer.equals("eof")) {
            throw new IllegalStateException("agent in " + node + ": '" + command + "' -> " + answer + logTail());
        }
        return answer;
    }

    public String call(String command) {
        return call(command, Duration.ofSeconds(30));
    }

    /** {@code udp.open}: a new UDP socket; returns {id, localPort}. */
    public int[] udpOpen() {
        String[] f = call("udp.open").split(" ");
        return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
    }

    private String next(Duration timeout) {
        try {
            return answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log);
            return text.isBlank() ? "" : "\n--- agent stderr ---\n" + text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            commands.close(); // the agent exits at end of input
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
