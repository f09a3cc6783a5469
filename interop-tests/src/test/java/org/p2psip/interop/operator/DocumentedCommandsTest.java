package org.p2psip.interop.operator;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.Test;
import org.p2psip.interop.operator.DocumentedCommands.Command;

/**
 * Every command the documents show works as shown (issue 21), read from the documents themselves so
 * that they cannot drift: each runnable command of a fenced block is run verbatim with bash from the
 * project root, in the block's order (a block is one walk-through: the peers, dht nodes and answering
 * phones it starts keep running until the block ends, as in the terminals the reader opens); it must
 * exit 0, or for those that run on, come up. Each synopsis (a line with placeholders, or for other
 * hosts) must name a command whose {@code --help} answers and lists every option it uses. Output of
 * each command: {@code target/documented-commands/}. The documents' own fixed ports are used, as a
 * reader would: a port taken by something else on this host fails the test with the peer's message.
 */
public class DocumentedCommandsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final Path LOGS = Path.of("target", "documented-commands").toAbsolutePath();
    /** Commands that run until stopped; the block's end stops them. */
    private static final Pattern RUNS_ON = Pattern.compile("^\\./p2psip (peer|dht node|rtp-port|sip-port)\\b(?!.*--help)|--answer\\b");
    /** What such a command prints when it is up. */
    private static final Pattern UP = Pattern.compile("P2PSIP-Port \\S+ up: |RTP-Port \\S+ ready: |started a new ring|joined the ring via"
            + "|waiting up to \\d+ s for a call");
    /** What a peer prints when it is up (its parts log their own "up" lines before). */
    private static final Pattern PEER_UP = Pattern.compile("(?m)^peer \\S+ up: ");

    private final Map<String, String> helps = new HashMap<>();

    @Test
    public void everySynopsisNamesACommandWhoseHelpListsItsOptions() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : DocumentedCommands.documents(ROOT)) {
            for (Command c : DocumentedCommands.of(ROOT, doc)) {
                if (c.runnable() || !c.text().startsWith("./p2psip")) {
                    continue;
                }
                checked++;
                String help = help(c, problems);
                if (help == null) {
                    continue;
                }
                for (String o : DocumentedCommands.options(c.text())) {
                    if (!o.equals("--help") && !o.equals("--version") && !help.contains(o)) {
                        problems.add(c + "\n    option " + o + " is not in './p2psip " + String.join(" ", DocumentedCommands.commandWords(c.text()))
                                + " --help'");
                    }
                }
            }
        }
        assertTrue("no synopsis found: the documents were not read", checked > 5);
        assertTrue(checked + " synopses checked; these do not match the commands:\n" + String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void everyRunnableCommandRunsVerbatim() throws Exception {
        Files.createDirectories(LOGS);
        List<String> problems = new ArrayList<>();
        Set<String> passed = new HashSet<>();
        int ran = 0;
        for (Path doc : DocumentedCommands.documents(ROOT)) {
            Map<Integer, List<Command>> blocks = new LinkedHashMap<>();
            for (Command c : DocumentedCommands.of(ROOT, doc)) {
                if (c.runnable()) {
                    blocks.computeIfAbsent(c.block(), b -> new ArrayList<>()).add(c);
                }
            }
            for (List<Command> block : blocks.values()) {
                ran += runBlock(block, passed, problems);
            }
        }
        assertTrue("no runnable command found: the documents were not read", ran > 5);
        assertTrue(ran + " commands run; these failed:\n" + String.join("\n", problems), problems.isEmpty());
    }

    /** Runs one walk-through; returns how many commands ran. */
    private int runBlock(List<Command> block, Set<String> passed, List<String> problems) throws Exception {
        List<Running> background = new ArrayList<>();
        int ran = 0;
        try {
            for (Command c : block) {
                boolean runsOn = c.background() || RUNS_ON.matcher(c.text()).find();
                if (!runsOn && passed.contains(c.text())) {
                    continue; // the same command, shown again elsewhere (./p2psip demo)
                }
                ran++;
                freshEnrollment(c.text());
                Running r = Running.start(c, LOGS);
                if (runsOn) {
                    background.add(r);
                    String why = r.awaitUp(c.text().startsWith("./p2psip peer") ? PEER_UP : UP, 180);
                    if (why != null) {
                        problems.add(c + "\n    did not come up: " + why + "\n" + r.tail());
                        return ran; // the rest of the walk-through needs it
                    }
                } else {
                    Integer exit = r.awaitExit(240);
                    if (exit == null || exit != 0) {
                        problems.add(c + "\n    " + (exit == null ? "still running after 240 s" : "exit status " + exit) + "\n" + r.tail());
                        r.stop();
                        return ran;
                    }
                    passed.add(c.text());
                }
            }
        } finally {
            for (int i = background.size() - 1; i >= 0; i--) {
                Running r = background.get(i);
                Integer exit = r.exitIfDone();
                if (exit != null && exit != 0) {
                    problems.add(r.command + "\n    ended with exit status " + exit + "\n" + r.tail());
                }
                r.stop();
            }
        }
        return ran;
    }

    /** {@code ./p2psip ca init DIR} and {@code enroll-peer DIR} never overwrite: a directory under /tmp they name is made anew, as on a fresh machine. */
    private static final java.util.regex.Pattern ENROLLS = java.util.regex.Pattern.compile("^\\./p2psip ca (?:init|enroll-peer) (/tmp/[\\w.-]+)");

    private static void freshEnrollment(String command) throws java.io.IOException {
        java.util.regex.Matcher m = ENROLLS.matcher(command);
        if (!m.find()) {
            return;
        }
        Path dir = Path.of(m.group(1));
        if (Files.isDirectory(dir)) {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private String help(Command c, List<String> problems) throws Exception {
        List<String> words = DocumentedCommands.commandWords(c.text());
        String key = String.join(" ", words);
        if (!helps.containsKey(key)) {
            List<String> cmd = new ArrayList<>(List.of("./p2psip"));
            cmd.addAll(words);
            cmd.add("--help");
            Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(240, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problems.add(c + "\n    './p2psip " + key + " --help' failed:\n" + out);
                helps.put(key, null);
            } else {
                helps.put(key, out);
            }
        }
        return helps.get(key);
    }

    /** One command started with bash from the project root, its output in a log file. */
    private static final class Running {
        final Command command;
        final Process process;
        final Path log;

        private Running(Command command, Process process, Path log) {
            this.command = command;
            this.process = process;
            this.log = log;
        }

        static Running start(Command c, Path logs) throws IOException {
            Path log = logs.resolve(c.doc().toString().replace('/', '_') + "-L" + c.line() + ".log");
            Process p = new ProcessBuilder("bash", "-c", c.text()).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Running(c, p, log);
        }

        /** Null when up; else why not. */
        String awaitUp(Pattern up, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (up.matcher(Files.readString(log)).find()) {
                    return null;
                }
                if (!process.isAlive()) {
                    return "exited with status " + process.exitValue() + " before it was up";
                }
                Thread.sleep(200);
            }
            return "not up after " + seconds + " s";
        }

        Integer awaitExit(int seconds) throws InterruptedException {
            return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
        }

        Integer exitIfDone() {
            return process.isAlive() ? null : process.exitValue();
        }

        String tail() throws IOException {
            List<String> l = Files.readAllLines(log);
            return "    --- last lines of " + log + ":\n    " + String.join("\n    ", l.subList(Math.max(0, l.size() - 15), l.size()));
        }

        /** SIGTERM to the command and everything it started (a peer leaves the ring cleanly), then waits. */
        void stop() throws InterruptedException {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        }
    }
}
