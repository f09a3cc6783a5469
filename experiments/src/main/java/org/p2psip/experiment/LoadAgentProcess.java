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

/**
 * The driving side of a {@link LoadAgent} running on one site of a {@link Lab}: started by the lab
 * on first use, one command at a time, closed by the lab. Answers that start with {@code err} become
 * exceptions naming the command.
 */
final class LoadAgentProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Site site;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>(1000);
    private final Path log;

    private LoadAgentProcess(Site site, Process process, Path log) {
        this.site = site;
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
        }, "load-agent-reader-" + site.name());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a load agent on {@code site}'s host that may send to {@code allowed} only; waits until it is ready. */
    static LoadAgentProcess start(Lab lab, Site site, List<String> allowed, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LoadAgent.class.getName(), "--allow", String.join(",", allowed)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        LoadAgentProcess agent = new LoadAgentProcess(site, lab.start(site.host(), pb), log);
        String ready = agent.next(START_TIMEOUT);
        if (!"ready".equals(ready)) {
            agent.close();
            throw new NatNetworkException("load agent on " + site + " did not start: " + ready + agent.logTail());
        }
        return agent;
    }

    /** Sends one command and returns the answer ({@code ok ...}); an {@code err} or no answer is an exception. */
    synchronized String call(String command, Duration timeout) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new NatNetworkException("load agent on " + site + " gone: " + e.getMessage() + logTail());
        }
        String answer = next(timeout);
        if (answer == null) {
            throw new NatNetworkException("load agent on " + site + ": no answer to '" + command + "' within "
                    + timeout.toSeconds() + " s");
        }
        if (answer.startsWith("err") || answer.equals("eof")) {
            throw new NatNetworkException("load agent on " + site + ": '" + command + "' -> " + answer + logTail());
        }
        return answer;
    }

    Site site() {
        return site;
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
            return text.isBlank() ? "" : "\n--- load agent stderr ---\n" + text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "";
        }
    }

    /** Closes its input (the agent stops its flows and exits); kills it if it does not within 5 s. */
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
