package org.p2psip.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The driving side of a small agent JVM ({@link NetAgent}, {@link LoadAgent}) inside one namespace
 * of a {@link Lab}: the agent's {@code main} runs {@link AgentLoop}, reading one command per line on
 * its standard input and answering one line on its standard output. This class starts it, waits for
 * its {@code ready}, sends one command at a time, turns {@code err} answers into exceptions naming
 * the command (with the end of the agent's standard error), and closes it (end of input, then kill).
 */
final class AgentChannel implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Answers not yet taken; an agent answers one line per command, so this is never near full. */
    private static final int MAX_PENDING = 1000;

    private final String label;
    private final Function<String, RuntimeException> failure;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>(MAX_PENDING);
    private final Path log;

    private AgentChannel(String label, Function<String, RuntimeException> failure, Process process, Path log) {
        this.label = label;
        this.failure = failure;
        this.process = process;
        this.commands = process.getOutputStream();
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    answers.offer(line);
                }
            } catch (IOException e) {
                // the agent ended; call() reports it
            }
            answers.offer("eof");
        }, "agent-reader-" + label.replace(' ', '-'));
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a small JVM with this JVM's class path inside
     * {@code node}'s namespace, its standard error to {@code log}, and waits until it is ready.
     *
     * @param label   names the agent in errors, e.g. {@code agent in h1} or {@code load agent on A}
     * @param failure makes the exception thrown for a failure, from its message
     */
    static AgentChannel start(Lab lab, NetNode node, Class<?> mainClass, List<String> args, Path log, String label,
                              Function<String, RuntimeException> failure) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(args);
        AgentChannel agent = new AgentChannel(label, failure, lab.start(node, new ProcessBuilder(command).redirectError(log.toFile())), log);
        String ready = agent.next(START_TIMEOUT);
        if (!"ready".equals(ready)) {
            agent.close();
            throw failure.apply(label + " did not start: " + ready + agent.logTail());
        }
        return agent;
    }

    /** Sends one command and returns the answer; an {@code err} answer, the agent's end or no answer is an exception. */
    synchronized String call(String command, Duration timeout) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw failure.apply(label + " gone: " + e.getMessage() + logTail());
        }
        String answer = next(timeout);
        if (answer == null) {
            throw failure.apply(label + ": no answer to '" + command + "' within " + timeout.toSeconds() + " s");
        }
        if (answer.startsWith("err") || answer.equals("eof")) {
            throw failure.apply(label + ": '" + command + "' -> " + answer + logTail());
        }
        return answer;
    }

    boolean isAlive() {
        return process.isAlive();
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
            return text.isBlank() ? "" : "\n--- " + label + " stderr ---\n" + text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "";
        }
    }

    /** Closes its input (the agent stops and exits); kills it if it does not within 5 s. */
    @Override
    public void close() {
        try {
            commands.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
