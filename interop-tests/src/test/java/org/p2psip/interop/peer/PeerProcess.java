package org.p2psip.interop.peer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.p2psip.interop.fixtures.FreePorts;

/**
 * One overlay peer as its own OS process, exactly what {@code ./p2psip peer} runs:
 * {@code java -cp <test classpath> org.p2psip.peer.cli.P2psip peer --name ... --bind 127.0.0.1 ...}.
 * Ready when it prints {@code peer NAME up: SIP H:P, OM IF URL, lookup H:P ...}. Output (stdout and
 * stderr) goes to {@code target/peer-processes/NAME-*.log}. Public for the system benchmark
 * ({@code org.p2psip.interop.bench.SystemBenchmark}), which runs {@code ./p2psip peer} behind {@code taskset}.
 */
public final class PeerProcess implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("peer (\\S+) up: SIP (\\S+), OM IF (\\S+), lookup (\\S+)");

    public final String name;
    public final Path stateDir;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Matcher> up = new CompletableFuture<>();
    private List<ProcessHandle> children = List.of();
    private String sip;
    private String lookup;
    private String om;
    /** Its security directory (--security DIR); null when it runs unsecured. */
    private Path security;

    private PeerProcess(String name, Path stateDir, Process process, Path log) {
        this.name = name;
        this.stateDir = stateDir;
        this.process = process;
        this.log = log;
    }

    /** Starts the peer with free SIP/OM/DHT ports and the given extra flags; waits until it is up. */
    public static PeerProcess start(String name, Path stateRoot, String... extra) throws Exception {
        List<String> program = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.p2psip.peer.cli.P2psip");
        // the tests read the Figure 4 narrative in the log
        return start(name, stateRoot, program, Map.of("P2PSIP_FLOW_LEVEL", "INFO"), Path.of("target", "peer-processes"), extra);
    }

    /**
     * As {@link #start(String, Path, String...)}, with {@code program} as the command before
     * {@code peer} (e.g. {@code taskset -c 1 ./p2psip}: the launcher users run, whose SATO-Port
     * processes inherit the CPU affinity), {@code env} added to its environment and its output in
     * {@code logDir}.
     */
    public static PeerProcess start(String name, Path stateRoot, List<String> program, Map<String, String> env, Path logDir,
                                    String... extra) throws Exception {
        Path stateDir = stateRoot.resolve(name);
        Files.createDirectories(stateDir);
        Path logs = logDir.toAbsolutePath();
        Files.createDirectories(logs);
        Path log = logs.resolve(name + "-" + System.currentTimeMillis() + ".log");
        List<String> cmd = new ArrayList<>(program);
        cmd.addAll(List.of("peer",
                "--name", name, "--bind", "127.0.0.1",
                "--sip-port", Integer.toString(FreePorts.tcpAndUdp()),
                "--om-port", Integer.toString(FreePorts.tcpAndUdp()),
                "--dht-port", Integer.toString(FreePorts.tcpAndUdp()),
                "--tcp-relay-port", "0",
                "--state-dir", stateDir.toString()));
        Path security = null;
        int given = List.of(extra).indexOf("--security");
        if (given < 0) {
            // the peers of one test share its state root, and so one overlay CA; the tests' users alice and bob
            // may register at any of its peers
            security = org.p2psip.enrollment.RunCa.in(stateRoot).peer(name, "alice", "bob", "carol", "dave", "erin");
            cmd.addAll(List.of("--security", security.toString()));
        } else if (given + 1 < extra.length && !extra[given + 1].equals("off")) {
            security = Path.of(extra[given + 1]);
        }
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        PeerProcess pp = new PeerProcess(name, stateDir, p, log);
        pp.security = security;
        pp.pump();
        try {
            Matcher m = pp.up.get(60, TimeUnit.SECONDS);
            pp.sip = m.group(2);
            pp.lookup = m.group(4);
            pp.om = m.group(3);
            pp.children = p.descendants().collect(Collectors.toList());
            return pp;
        } catch (Exception e) {
            pp.close();
            throw new AssertionError("peer " + name + " did not come up within 60 s: " + e + "\n" + pp.logTail(), e);
        }
    }

    private void pump() throws IOException {
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); out) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.println(line);
                    Matcher m = UP.matcher(line);
                    if (m.find()) {
                        up.complete(m);
                    }
                }
            } catch (IOException e) {
                out.println("### harness: output closed: " + e.getMessage());
            }
            up.completeExceptionally(new IllegalStateException("exited before it was up"));
        }, "peer-out-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** HOST:PORT of its P2PSIP-Port, as printed. */
    public String sip() {
        return sip;
    }

    /** Its OM IF as printed (HOST:PORT, or the URL). */
    public String om() {
        return om;
    }

    /** HOST:PORT of its OM IF. */
    public org.p2psip.om.types.Address omAddress() {
        return org.p2psip.om.types.Address.parse(om.replaceFirst("^https?://", "").replaceFirst("/.*$", ""));
    }

    /**
     * An OM IF client as this peer's operator has it: presenting the peer's own certificate when it
     * runs secured (its OM IF is HTTPS with client certificates), plain HTTP otherwise. The caller closes it.
     */
    public org.p2psip.om.client.SoapOmIfClient omIfClient() {
        return security == null ? new org.p2psip.om.client.SoapOmIfClient()
                : org.p2psip.om.client.SoapOmIfClient.secured(org.p2psip.peer.LocalOms.tls(security));
    }

    /** HOST:PORT of its lookup node: what others pass as --bootstrap. */
    public String lookup() {
        return lookup;
    }

    /** The processes it started (SATO-Ports with --ports process), seen when it came up. */
    public List<ProcessHandle> children() {
        return children;
    }

    public Process process() {
        return process;
    }

    /** Socket files (*.sock) anywhere in its state directory. */
    List<Path> socketFiles() throws IOException {
        if (!Files.exists(stateDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(stateDir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".sock")).collect(Collectors.toList());
        }
    }

    /** Everything it printed so far. */
    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    public String logTail() {
        try {
            List<String> l = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- " + log + " (last 40 lines)\n" + String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGKILL, children too if any are left (test clean-up; also what the "killed peer" case uses). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }
}
