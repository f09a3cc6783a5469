package org.p2psip.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.p2psip.control.ControlMessage;
import org.p2psip.enrollment.RunCa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's Figure 4 with the relay chosen by measurement (Sec. 5.2 and the "dynamic adaptation"
 * of Sec. 6), on a real congested network: four sites on the lab's backbone, peer 1 with phone
 * alice on A, peer 2 with phone bob on B, relay peers on C and D. The A-B path is a bottleneck
 * (2 Mbit/s, 300 ms queue); the detour through C is fast, the one through D worse (512 kbit/s
 * links with 15% loss each way), so the choice between the two relays is visible.
 *
 * <pre>
 *   alice - peer-a (A) ======= 2 Mbit/s, 300 ms queue ======= peer-b (B) - bob
 *               \  \                                          /  /
 *                \  +------ fast ------ relay-c (C) --- fast -+  /
 *                 +---- 512 kbit/s, 15% -- relay-d (D) - 512 kbit/s, 15% +
 * </pre>
 *
 * Each run is a real call of {@link Settings#callSeconds} from alice to bob (the project's phone,
 * G.711, per-second loss, jitter and one-way delay): no load (media direct), a UDP flood A->B at
 * three times the bottleneck (relay on C), a bulk TCP flow A->B (relay on C), and the UDP flood
 * with relay policy {@code never} (the control: the loss and jitter the relay spared the phones).
 * The network is removed afterwards whatever happened.
 */
public final class CongestionExperiment {
    private static final Logger log = LoggerFactory.getLogger(CongestionExperiment.class);
    static final String CALLER = "alice";
    static final String CALLEE = "bob";
    /** The bottleneck between A and B. */
    static final int BOTTLENECK_KBIT = 2000;
    static final int BOTTLENECK_QUEUE_MS = 300;
    /** The links of the worse detour, through D. */
    static final int SLOW_DETOUR_KBIT = 512;
    static final int SLOW_DETOUR_LOSS_PERCENT = 15;
    /** The loss of the lossy run. */
    static final int LOSS_PERCENT = 20;

    /** The load during a run. */
    public enum Load {
        NONE("no load"),
        UDP_FLOOD("UDP flood A->B at " + 3 * BOTTLENECK_KBIT + " kbit/s"),
        TCP_BULK("bulk TCP flow A->B"),
        LOSS("random loss of " + LOSS_PERCENT + "% on A-B (nftables)"),
        PEER_B_KILLED("peer-b killed (SIGKILL) after bob registered");

        final String text;

        Load(String text) {
            this.text = text;
        }
    }

    /** What a run expects of the relay decision. */
    public enum Expect { DIRECT, RELAY_C, REJECTED_480 }

    /** One run: the load, peer-a's relay policy, what must happen. */
    public record Run(String name, Load load, String policy, Expect expect) {
    }

    /** The runs of {@code ./p2psip experiment congestion}. */
    public static List<Run> defaultRuns() {
        return List.of(
                new Run("1 no load", Load.NONE, "auto", Expect.DIRECT),
                new Run("2 UDP flood, auto", Load.UDP_FLOOD, "auto", Expect.RELAY_C),
                new Run("2b TCP bulk, auto", Load.TCP_BULK, "auto", Expect.RELAY_C),
                new Run("3 UDP flood, never", Load.UDP_FLOOD, "never", Expect.DIRECT));
    }

    /**
     * The runs of the tests: the default ones, then a lossy A-B path (relay on C), then peer-b
     * killed (the call gets 480 at once; the last run, since peer-b stays dead).
     */
    public static List<Run> testRuns() {
        List<Run> runs = new ArrayList<>(defaultRuns());
        runs.add(new Run("4 loss, auto", Load.LOSS, "auto", Expect.RELAY_C));
        runs.add(new Run("5 peer-b gone", Load.PEER_B_KILLED, "auto", Expect.REJECTED_480));
        return List.copyOf(runs);
    }

    /** Where logs and figures go, how long each call lasts, the runs. */
    public record Settings(Path workDir, int callSeconds, List<Run> runs) {
        public static Settings defaults(Path workDir) {
            return new Settings(workDir, 15, defaultRuns());
        }
    }

    private final Settings settings;
    private final Consumer<String> say;
    private final LabProcesses processes = new LabProcesses();
    private ExperimentProcess peerA;
    private ExperimentProcess peerB;
    private String peerAPolicy;
    /** peer-a's log: peer-a.log, then peer-a.2.log ... after each restart (each incarnation's log is kept). */
    private Path peerALog;
    private int peerAStarts;

    private CongestionExperiment(Settings settings, Consumer<String> say) {
        this.settings = settings;
        this.say = say;
    }

    /** Builds the lab, runs every run, removes the lab; {@code say} hears the progress. */
    public static CongestionReport run(Settings settings, Consumer<String> say) throws IOException, InterruptedException {
        return new CongestionExperiment(settings, say).run();
    }

    static Topology topology() {
        Link bottleneck = Link.rateKbit(BOTTLENECK_KBIT).queueMillis(BOTTLENECK_QUEUE_MS);
        Link slow = Link.rateKbit(SLOW_DETOUR_KBIT).queueMillis(100).loss(SLOW_DETOUR_LOSS_PERCENT);
        return Topology.builder()
                .site("a").site("b").site("c").site("d")
                .link("a", "b", bottleneck)
                .link("a", "d", slow)
                .link("d", "b", slow)
                .build();
    }

    private CongestionReport run() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        CongestionReport.Builder report = CongestionReport.builder(settings);
        long t0 = System.nanoTime();
        say.accept("building the lab: sites A, B, C, D; A-B " + BOTTLENECK_KBIT + " kbit/s with a " + BOTTLENECK_QUEUE_MS
                + " ms queue; A-D and D-B " + SLOW_DETOUR_KBIT + " kbit/s; every other path unlimited");
        Lab lab = Lab.start(topology());
        try {
            runIn(lab, report);
        } finally {
            processes.stopAll();
            lab.close();
            report.namespacesLeft(StaleNamespaces.count(lab.namePrefix()));
            report.seconds((System.nanoTime() - t0) / 1e9);
        }
        say.accept("lab removed");
        CongestionReport r = report.build();
        r.writeFiles(settings.workDir());
        return r;
    }

    private void runIn(Lab lab, CongestionReport.Builder report) throws IOException, InterruptedException {
        Site a = lab.site("a");
        Site b = lab.site("b");
        Site c = lab.site("c");
        Site d = lab.site("d");
        say.accept("starting relay-c on C " + c.ip() + " (bootstrap, offers its RTP-Port and TCP relay), relay-d on D " + d.ip());
        ExperimentProcess relayC = peer(lab, c, "relay-c", List.of("--offer-relay", "on", "--relay-policy", "never"));
        relayC.awaitLine("peer relay-c up", Duration.ofSeconds(90));
        String bootstrap = c.ip() + ":4000";
        ExperimentProcess relayD = peer(lab, d, "relay-d", List.of("--offer-relay", "on", "--relay-policy", "never",
                "--bootstrap", bootstrap));
        say.accept("starting peer-a on A " + a.ip() + " and peer-b on B " + b.ip());
        peerAPolicy = settings.runs().get(0).policy();
        peerA = startPeerA(lab, a, bootstrap);
        peerB = peer(lab, b, "peer-b", List.of("--offer-relay", "off", "--bootstrap", bootstrap));
        relayD.awaitLine("peer relay-d up", Duration.ofSeconds(90));
        peerA.awaitLine("peer peer-a up", Duration.ofSeconds(90));
        peerB.awaitLine("peer peer-b up", Duration.ofSeconds(90));
        // the relay records reach the lookup service at once; give the ring a moment to settle
        Thread.sleep(3000);

        for (Run run : settings.runs()) {
            if (!run.policy().equals(peerAPolicy)) {
                say.accept("restarting peer-a with --relay-policy " + run.policy());
                peerA.stop(Duration.ofSeconds(10));
                processes.forget(peerA);
                peerAPolicy = run.policy();
                peerA = startPeerA(lab, a, bootstrap);
                peerA.awaitLine("peer peer-a up", Duration.ofSeconds(90));
                // before the load: the restarted peer settles in the ring and reads the relay records
                Thread.sleep(5000);
            }
            report.run(runOnce(lab, run, a, b));
        }
    }

    private ExperimentProcess startPeerA(Lab lab, Site a, String bootstrap) throws IOException {
        peerAStarts++;
        peerALog = settings.workDir().resolve(peerAStarts == 1 ? "peer-a.log" : "peer-a." + peerAStarts + ".log");
        return peer(lab, a, "peer-a", peerArgs(bootstrap, peerAPolicy), peerALog);
    }

    private static List<String> peerArgs(String bootstrap, String policy) {
        return List.of("--offer-relay", "off", "--bootstrap", bootstrap, "--relay-policy", policy);
    }

    private CongestionReport.RunResult runOnce(Lab lab, Run run, Site a, Site b) throws IOException, InterruptedException {
        Path work = settings.workDir();
        say.accept("run " + run.name() + ": " + run.load().text + ", peer-a relay policy " + run.policy());
        long logMark = logSize(peerALog);
        if (run.load() == Load.PEER_B_KILLED) {
            return gone(lab, run, a, b);
        }
        if (run.load() == Load.LOSS) {
            lab.setLink("a", "b", lab.link("a", "b").loss(LOSS_PERCENT));
        }
        LoadFlow load = switch (run.load()) {
            case UDP_FLOOD -> lab.udpFlood(a, b, 3 * BOTTLENECK_KBIT);
            case TCP_BULK -> lab.tcpBulk(a, b);
            default -> null;
        };
        String tag = run.name().split(" ")[0];
        try {
            if (load != null || run.load() == Load.LOSS) {
                // let the queue fill and the peers' background probes see it (they cover the last 4 s)
                Thread.sleep(4000);
            }
            ExperimentProcess bob = phone(lab, b, CALLEE, tag, List.of("--answer", "--wait", "90",
                    "--seconds", String.valueOf(settings.callSeconds() + 30), "--report-every", "1"));
            bob.awaitLine("waiting up to", Duration.ofSeconds(60));
            Thread.sleep(500);
            ExperimentProcess alice = phone(lab, a, CALLER, tag, List.of("--call", CALLEE, "--wait", "30",
                    "--seconds", String.valueOf(settings.callSeconds()), "--report-every", "1"));
            String answered;
            try {
                answered = alice.awaitLine("answered by", Duration.ofSeconds(60));
            } catch (IOException e) {
                answered = null;
                log.info("run {}: no answer: {}", run.name(), e.getMessage());
            }
            // the decision as an operator sees it: the media SATO's note in peer-a's node status
            List<String> status = answered == null ? List.of() : satoStatus(lab, a);
            // the relays' sessions go with the call: sample their counters while it lasts
            long viaC = 0;
            long viaD = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(settings.callSeconds() + 60L).toNanos();
            while (alice.isAlive() && System.nanoTime() < deadline) {
                viaC = Math.max(viaC, relayPackets(work.resolve("relay-c")));
                viaD = Math.max(viaD, relayPackets(work.resolve("relay-d")));
                Thread.sleep(1000);
            }
            int aliceExit = alice.awaitExit(Duration.ofSeconds(30));
            int bobExit = bob.awaitExit(Duration.ofSeconds(30));
            LoadResult loadResult = load == null ? null : load.stop();
            load = null;
            List<String> decisions = new ArrayList<>(status);
            decisions.addAll(decisionLines(peerALog, logMark));
            String aliceReport = reportLine(alice.lines());
            if (answered == null) {
                // why not: what the caller's phone said, and what went wrong at peer-a meanwhile
                aliceReport = failureLine(alice.lines()).orElse(aliceReport);
                failureLines(peerALog, logMark).stream().filter(l -> !decisions.contains(l)).forEach(decisions::add);
            }
            return new CongestionReport.RunResult(run, srd(answered), aliceExit, bobExit,
                    PhoneIntervals.parse(CALLER, alice.lines()), PhoneIntervals.parse(CALLEE, bob.lines()),
                    aliceReport, reportLine(bob.lines()), viaC, viaD, decisions, loadResult);
        } finally {
            if (load != null) {
                load.stop();
            }
            if (run.load() == Load.LOSS) {
                lab.setLink("a", "b", lab.link("a", "b").loss(0));
            }
        }
    }

    /**
     * Bob registers at peer-b, then peer-b dies without leaving the overlay (its user record still
     * points at it); alice calls bob: peer-a measures that peer-b answers neither directly nor
     * through a relay and the call is refused with 480 at once, no hang.
     */
    private CongestionReport.RunResult gone(Lab lab, Run run, Site a, Site b) throws IOException, InterruptedException {
        String tag = run.name().split(" ")[0];
        say.accept("run " + run.name() + ": " + run.load().text);
        ExperimentProcess bob = phone(lab, b, CALLEE, tag, List.of("--answer", "--wait", "60", "--seconds", "5"));
        bob.awaitLine("waiting up to", Duration.ofSeconds(60));
        peerB.kill();
        processes.forget(peerB);
        Thread.sleep(1000);
        ExperimentProcess alice = phone(lab, a, CALLER, tag, List.of("--call", CALLEE, "--wait", "30", "--seconds", "5"));
        int aliceExit = alice.awaitExit(Duration.ofSeconds(60));
        bob.stop(Duration.ofSeconds(5));
        String log = Files.readString(settings.workDir().resolve("phone-" + CALLER + "-run" + tag + ".log"));
        String rejected = null;
        for (String l : log.split("\n")) {
            if (l.contains("call to " + CALLEE + " failed")) {
                rejected = l.strip();
            }
        }
        long srd = -1;
        for (String l : alice.lines()) {
            if (l.contains("rejected after")) {
                srd = srd(l); // "rejected after 26 ms: 480 ..."
            }
        }
        List<String> lines = new ArrayList<>();
        if (rejected != null) {
            lines.add("alice: " + rejected);
        }
        lines.addAll(decisionLines(peerALog, 0).stream()
                .filter(l -> l.contains("unreachable") || l.contains("480")).toList());
        return new CongestionReport.RunResult(run, srd, aliceExit, 0, PhoneIntervals.parse(CALLER, List.of()),
                PhoneIntervals.parse(CALLEE, List.of()), rejected == null ? "(not rejected)" : rejected, "(peer-b gone)",
                0, 0, lines, null);
    }

    /** {@code ./p2psip status} of peer-a, run on site A: its media SATO lines (with the relay decision). */
    private List<String> satoStatus(Lab lab, Site a) throws IOException, InterruptedException {
        ExperimentProcess st = processes.start(lab, a, "status", "-Xmx64m", List.of("status", a.ip() + ":7070",
                "--security", RunCa.in(settings.workDir()).peer("peer-a").toString()),
                settings.workDir().resolve("status.log"));
        st.awaitExit(Duration.ofSeconds(30));
        processes.forget(st);
        List<String> out = new ArrayList<>();
        for (String l : st.lines()) {
            if (l.contains("RTP1 ->")) {
                out.add("./p2psip status: " + l.strip());
            }
        }
        return out;
    }

    /** The set-up delay the caller printed ("answered by bob after 123 ms: ...", "rejected after 26 ms: ..."), or -1. */
    static long srd(String answered) {
        if (answered == null) {
            return -1;
        }
        int after = answered.indexOf(" after ");
        int ms = answered.indexOf(" ms", after + 1);
        if (after < 0 || ms < 0) {
            return -1;
        }
        try {
            return Long.parseLong(answered.substring(after + 7, ms).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String reportLine(List<String> lines) {
        for (String l : lines) {
            if (l.startsWith("report:")) {
                return l.substring("report:".length()).trim();
            }
        }
        return "(no report)";
    }

    /** Packets the relay peer's RTP-Port relayed so far (all its sessions, current ones; 0 if none). */
    private static long relayPackets(Path peerDir) {
        ControlMessage m = RtpStats.ask(peerDir.resolve("rtp-port.sock"));
        return m == null ? 0 : RtpStats.packetsIn(m);
    }

    private static long logSize(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The caller's line saying why the call failed ("call to bob failed: 480 ..."), if it printed one. */
    static java.util.Optional<String> failureLine(List<String> phoneLines) {
        String found = null;
        for (String l : phoneLines) {
            if (l.contains(" failed") || l.contains("rejected after") || l.contains("no answer")) {
                found = l.strip();
            }
        }
        return java.util.Optional.ofNullable(found);
    }

    /** peer-a's warnings and failures since {@code mark} (at most 8 lines): why a call was not set up. */
    private static List<String> failureLines(Path log, long mark) throws IOException {
        return linesSince(log, mark).stream()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("failed")).limit(8).toList();
    }

    /** peer-a's log lines since {@code mark} that tell the relay decision and the signalling detour. */
    private static List<String> decisionLines(Path log, long mark) throws IOException {
        return linesSince(log, mark).stream()
                .filter(l -> l.contains("relay decision") || l.contains("Signalling to the peer at")).toList();
    }

    /** The lines of {@code log} from byte {@code mark} on, stripped (none if there is no log). */
    private static List<String> linesSince(Path log, long mark) throws IOException {
        if (log == null || !Files.exists(log)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(log);
        // a restarted peer starts a new log: then the whole file is this run's
        int from = mark > all.length ? 0 : (int) mark;
        List<String> out = new ArrayList<>();
        for (String line : new String(all, from, all.length - from, StandardCharsets.UTF_8).split("\n")) {
            out.add(line.strip());
        }
        return out;
    }

    private ExperimentProcess peer(Lab lab, Site site, String name, List<String> extra) throws IOException {
        return peer(lab, site, name, extra, settings.workDir().resolve(name + ".log"));
    }

    private ExperimentProcess peer(Lab lab, Site site, String name, List<String> extra, Path log) throws IOException {
        Path state = settings.workDir().resolve(name);
        Files.createDirectories(state);
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--bind", site.ip(), "--sip-port", "5060",
                "--om-port", "7070", "--dht-port", "4000", "--ports", "in-process", "--state-dir", state.toString()));
        args.addAll(List.of("--security", RunCa.in(settings.workDir()).peer(name).toString()));
        args.addAll(extra);
        return processes.start(lab, site, name, "-Xmx192m", args, log);
    }

    private ExperimentProcess phone(Lab lab, Site site, String user, String run, List<String> extra) throws IOException {
        RunCa.in(settings.workDir()).user(user); // she may register at any peer of the run
        List<String> args = new ArrayList<>(List.of("phone", "--user", user, "--proxy", site.ip() + ":5060",
                "--listen", site.ip() + ":0"));
        args.addAll(extra);
        return processes.start(lab, site, "phone-" + user, "-Xmx96m", args, settings.workDir().resolve("phone-" + user + "-run" + run + ".log"));
    }



    static String percent(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f%%", d);
    }
}
