package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.p2psip.enrollment.RunCa;

/**
 * Adaptation during a call (Sec. 4 and 6), on the network lab: one call whose media path the
 * caller's OM changes three times while the phones notice nothing but short gaps.
 *
 * <pre>
 *   alice - peer-a (A) ===== 2 Mbit/s, 300 ms queue (congestible) ===== peer-b (B) - bob
 *               \  \                                                  /  /
 *                \  +------------ fast ------ relay-c (C) ---- fast --+  /
 *                 +-------------- fast ------ relay-d (D) ---- fast ----+
 * </pre>
 *
 * Timeline ({@link Settings}, seconds from the moment media flows at alice): the call starts direct;
 * at {@code congestionStart} the lab's UDP flood A->B at three times the bottleneck starts (peer-a's
 * OM should insert a relay); at {@code kill} the relay peer in use (named by the insertion's
 * {@code via XXXXXXXX}) is SIGKILLed (failover to the other relay); at {@code congestionEnd} the
 * flood stops (the relay should be removed after the peers' {@code --adapt-remove-ms}). Both phones
 * print a 100 ms timeline ({@code --report-every-ms 100}) with the longest silence per interval.
 * After the hangup {@code ./p2psip status} of every live peer must show no SATO and no RTP-Port
 * session; the lab is removed whatever happened.
 *
 * <p>{@link #trials}: the failover step alone, repeated: three relay peers, policy always, one long
 * call; kill the relay in use, measure the gap at each phone, restart the killed peer, repeat.
 */
public final class AdaptExperiment {
    static final String CALLER = "alice";
    static final String CALLEE = "bob";
    static final int BOTTLENECK_KBIT = CongestionExperiment.BOTTLENECK_KBIT;
    static final int BOTTLENECK_QUEUE_MS = CongestionExperiment.BOTTLENECK_QUEUE_MS;
    static final int TIMELINE_MS = 100;
    private static final Duration UP = Duration.ofSeconds(90);

    /**
     * The timeline and the targets.
     *
     * @param workDir         logs, report, CSV and PNG
     * @param congestionStart seconds into the call when the flood starts
     * @param kill            seconds into the call when the relay in use is killed
     * @param congestionEnd   seconds into the call when the flood stops
     * @param callSeconds     length of the call; must leave room for the removal ({@code adapt-remove-ms} after the later
     *                        of {@code congestionEnd} and the failover, plus a few seconds)
     * @param removeMs        the peers' {@code --adapt-remove-ms}, or 0 for their default (10000)
     * @param maxGapMs        the failover's gap target at each phone
     * @param trials          for {@link #trials}: how many failovers
     */
    public record Settings(Path workDir, int congestionStart, int kill, int congestionEnd, int callSeconds, long removeMs,
                           long maxGapMs, int trials) {
        public Settings {
            if (!(0 < congestionStart && congestionStart < kill && kill < congestionEnd && congestionEnd < callSeconds)) {
                throw new IllegalArgumentException("the timeline needs 0 < congestion start < kill < congestion end < call length,"
                        + " not " + congestionStart + ", " + kill + ", " + congestionEnd + ", " + callSeconds);
            }
        }

        /** The timeline: congestion 10-28 s, kill at 20 s, a 50 s call (removal expected near 41 s: 10 s of a good direct path, plus the probes' window). */
        public static Settings defaults(Path workDir) {
            return new Settings(workDir, 10, 20, 28, 50, 0, AdaptReport.TARGET_GAP_MS, 20);
        }

        /**
         * The lab test's shorter timeline: congestion 5-16 s, kill at 12 s, a 30 s call, and the peers' removal
         * hold shortened to 5 s ({@code --adapt-remove-ms 5000}, test only) so the relay goes near 21 s; the
         * gap bound is the tests' generous 2 s.
         */
        public static Settings testing(Path workDir) {
            return new Settings(workDir, 5, 12, 16, 30, 5000, 2000, 0);
        }

        long effectiveRemoveMs() {
            return removeMs > 0 ? removeMs : 10_000;
        }
    }

    private final Settings settings;
    private final Consumer<String> say;
    private final LabProcesses processes = new LabProcesses();
    private final Map<String, Integer> incarnations = new LinkedHashMap<>();

    private AdaptExperiment(Settings settings, Consumer<String> say) {
        this.settings = settings;
        this.say = say;
    }

    /** Builds the lab, runs the call with its three changes, removes the lab; {@code say} hears the progress. */
    public static AdaptReport run(Settings settings, Consumer<String> say) throws IOException, InterruptedException {
        return new AdaptExperiment(settings, say).runCall();
    }

    /** Builds a lab with three relays, repeats the failover {@link Settings#trials} times, removes the lab. */
    public static AdaptTrials trials(Settings settings, Consumer<String> say) throws IOException, InterruptedException {
        return new AdaptExperiment(settings, say).runTrials();
    }

    static Topology topology(int relays) {
        Topology.Builder b = Topology.builder().site("a").site("b");
        for (int i = 0; i < relays; i++) {
            b.site(String.valueOf((char) ('c' + i)));
        }
        return b.link("a", "b", Link.rateKbit(BOTTLENECK_KBIT).queueMillis(BOTTLENECK_QUEUE_MS)).build();
    }

    // ------------------------------------------------------------------ the call with three changes

    private AdaptReport runCall() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        AdaptReport.Builder report = AdaptReport.builder(settings);
        long t0 = System.nanoTime();
        say.accept("building the lab: sites A, B, C, D; A-B " + BOTTLENECK_KBIT + " kbit/s with a " + BOTTLENECK_QUEUE_MS
                + " ms queue; A-C, C-B, A-D, D-B unlimited");
        Lab lab = Lab.start(topology(2));
        try {
            callIn(lab, report);
        } finally {
            processes.stopAll();
            lab.close();
            report.namespacesLeft(StaleNamespaces.count(lab.namePrefix()));
            report.seconds((System.nanoTime() - t0) / 1e9);
        }
        say.accept("lab removed");
        AdaptReport r = report.build();
        r.writeFiles(settings.workDir());
        return r;
    }

    private void callIn(Lab lab, AdaptReport.Builder report) throws IOException, InterruptedException {
        Site a = lab.site("a");
        Site b = lab.site("b");
        Map<String, ExperimentProcess> relays = new LinkedHashMap<>();
        Map<String, String> relayIds = new LinkedHashMap<>();
        String bootstrap = a.ip() + ":4000";
        say.accept("starting peer-a on A " + a.ip() + " (bootstrap; relay policy auto, offers no relay), peer-b on B " + b.ip());
        ExperimentProcess peerA = peer(lab, a, "peer-a", peerArgs(null, "auto"));
        peerA.awaitLine("peer peer-a up", UP);
        ExperimentProcess peerB = peer(lab, b, "peer-b", peerArgs(bootstrap, "auto"));
        for (String name : List.of("c", "d")) {
            Site s = lab.site(name);
            say.accept("starting relay-" + name + " on " + name.toUpperCase() + " " + s.ip() + " (offers its RTP-Port as a relay)");
            relays.put("relay-" + name, peer(lab, s, "relay-" + name, relayArgs(bootstrap)));
        }
        peerB.awaitLine("peer peer-b up", UP);
        for (Map.Entry<String, ExperimentProcess> e : relays.entrySet()) {
            e.getValue().awaitLine("peer " + e.getKey() + " up", UP);
            String id = AdaptLog.nodeId(logOf(e.getKey())).orElse("?");
            relayIds.put(e.getKey(), id);
            say.accept(e.getKey() + " is node " + id);
        }
        report.relayIds(relayIds);
        Thread.sleep(3000); // the relay records reach the lookup service at once; let the ring settle

        String call = String.valueOf(settings.callSeconds());
        ExperimentProcess bob = phone(lab, b, CALLEE, List.of("--answer", "--wait", "90", "--seconds",
                String.valueOf(settings.callSeconds() + 30), "--report-every-ms", String.valueOf(TIMELINE_MS)));
        bob.awaitLine("waiting up to", Duration.ofSeconds(60));
        Thread.sleep(500);
        ExperimentProcess alice = phone(lab, a, CALLER, List.of("--call", CALLEE, "--wait", "30", "--seconds", call,
                "--report-every-ms", String.valueOf(TIMELINE_MS)));
        alice.awaitLine("media flowing", Duration.ofSeconds(60));
        long t0 = System.currentTimeMillis();
        report.callStart(t0);
        say.accept("call up, media flowing at alice; t = 0");
        bob.awaitLine("media flowing", Duration.ofSeconds(10));
        report.bobMediaStart(System.currentTimeMillis());

        LoadFlow flood = null;
        try {
            sleepUntil(t0, settings.congestionStart());
            flood = lab.udpFlood(a, b, 3 * BOTTLENECK_KBIT);
            report.congestionStart(System.currentTimeMillis());
            say.accept(String.format("t = %.1f s: UDP flood A->B at %d kbit/s started", secondsSince(t0), 3 * BOTTLENECK_KBIT));

            sleepUntil(t0, settings.kill());
            String inUse = relayInUse(t0);
            String victim = null;
            for (Map.Entry<String, String> e : relayIds.entrySet()) {
                if (AdaptLog.sameNode(inUse, e.getValue())) {
                    victim = e.getKey();
                }
            }
            if (victim == null) {
                say.accept(String.format("t = %.1f s: no relay in use (%s): nothing to kill", secondsSince(t0),
                        inUse == null ? "no insertion in peer-a's log" : "via " + inUse + " is no relay peer of the lab"));
            } else {
                relays.get(victim).kill();
                processes.forget(relays.get(victim));
                report.killed(victim, System.currentTimeMillis());
                say.accept(String.format("t = %.1f s: %s (via %s, the relay in use) killed with SIGKILL", secondsSince(t0), victim,
                        inUse));
            }

            sleepUntil(t0, settings.congestionEnd());
            report.congestionEnd(System.currentTimeMillis());
            LoadResult carried = flood.stop();
            flood = null;
            report.load(carried);
            say.accept(String.format("t = %.1f s: flood stopped (%s)", secondsSince(t0), carried));
        } finally {
            if (flood != null) {
                flood.stop();
            }
        }
        int aliceExit = alice.awaitExit(Duration.ofSeconds(settings.callSeconds() + 60L));
        int bobExit = bob.awaitExit(Duration.ofSeconds(40));
        say.accept("call ended (alice exit " + aliceExit + ", bob exit " + bobExit + ")");
        report.phones(aliceExit, bobExit, alice.lines(), bob.lines());
        report.peerLogs(AdaptLog.read(logOf("peer-a"), t0), AdaptLog.read(logOf("peer-b"), t0));

        Thread.sleep(2000); // the BYE's teardown reaches every OM
        Map<String, Site> live = new LinkedHashMap<>();
        live.put("peer-a", a);
        live.put("peer-b", b);
        for (Map.Entry<String, ExperimentProcess> e : relays.entrySet()) {
            if (e.getValue().isAlive()) {
                live.put(e.getKey(), lab.site(e.getKey().substring("relay-".length())));
            }
        }
        for (Map.Entry<String, Site> e : live.entrySet()) {
            report.status(e.getKey(), status(lab, e.getValue(), e.getKey()));
        }
    }

    /** The relay the media goes through now, as peer-a's log last said ({@code via XXXXXXXX}), or null. */
    private String relayInUse(long t0) throws IOException {
        String via = null;
        for (AdaptLog.Entry e : AdaptLog.read(logOf("peer-a"), t0)) {
            if (e.kind() == AdaptLog.Kind.MOVED) {
                via = AdaptLog.Entry.relayOf(e.to());
            }
        }
        return via;
    }

    // ------------------------------------------------------------------ trials of the failover

    private AdaptTrials runTrials() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        AdaptTrials.Builder out = AdaptTrials.builder(settings.trials(), settings.maxGapMs());
        say.accept("building the lab: sites A, B and three relay sites C, D, E; every path unlimited");
        Lab lab = Lab.start(Topology.builder().site("a").site("b").site("c").site("d").site("e").build());
        try {
            trialsIn(lab, out);
        } finally {
            processes.stopAll();
            lab.close();
            out.namespacesLeft(StaleNamespaces.count(lab.namePrefix()));
        }
        say.accept("lab removed");
        AdaptTrials t = out.build();
        Files.write(settings.workDir().resolve("trials.txt"), t.lines());
        return t;
    }

    private void trialsIn(Lab lab, AdaptTrials.Builder out) throws IOException, InterruptedException {
        Site a = lab.site("a");
        Site b = lab.site("b");
        String bootstrap = a.ip() + ":4000";
        ExperimentProcess peerA = peer(lab, a, "peer-a", peerArgs(null, "always"));
        peerA.awaitLine("peer peer-a up", UP);
        ExperimentProcess peerB = peer(lab, b, "peer-b", peerArgs(bootstrap, "always"));
        Map<String, ExperimentProcess> relays = new LinkedHashMap<>();
        for (String name : List.of("c", "d", "e")) {
            relays.put("relay-" + name, peer(lab, lab.site(name), "relay-" + name, relayArgs(bootstrap)));
        }
        peerB.awaitLine("peer peer-b up", UP);
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, ExperimentProcess> e : relays.entrySet()) {
            e.getValue().awaitLine("peer " + e.getKey() + " up", UP);
            ids.put(e.getKey(), AdaptLog.nodeId(logOf(e.getKey())).orElse("?"));
        }
        say.accept("peers up; relays " + ids);
        Thread.sleep(3000);
        int perTrial = 25;
        int seconds = settings.trials() * perTrial + 20;
        ExperimentProcess bob = phone(lab, b, CALLEE, List.of("--answer", "--wait", "90", "--seconds", String.valueOf(seconds + 30),
                "--report-every-ms", String.valueOf(TIMELINE_MS)));
        bob.awaitLine("waiting up to", Duration.ofSeconds(60));
        Thread.sleep(500);
        ExperimentProcess alice = phone(lab, a, CALLER, List.of("--call", CALLEE, "--wait", "30", "--seconds",
                String.valueOf(seconds), "--report-every-ms", String.valueOf(TIMELINE_MS)));
        alice.awaitLine("media flowing", Duration.ofSeconds(60));
        long aliceStart = System.currentTimeMillis();
        bob.awaitLine("media flowing", Duration.ofSeconds(10));
        long bobStart = System.currentTimeMillis();
        Thread.sleep(3000);
        String inUse = firstRelay();
        for (int trial = 1; trial <= settings.trials() && alice.isAlive(); trial++) {
            List<AdaptLog.Entry> sofar = moves(aliceStart);
            if (!sofar.isEmpty()) { // the path as peer-a last moved it (it may have moved on its own since the last trial)
                inUse = AdaptLog.Entry.relayOf(sofar.get(sofar.size() - 1).to());
            }
            String victim = null;
            for (Map.Entry<String, String> e : ids.entrySet()) {
                if (AdaptLog.sameNode(inUse, e.getValue())) {
                    victim = e.getKey();
                }
            }
            if (victim == null) {
                out.trial(new AdaptTrials.Trial(trial, "?", "-", -1, -1, -1, "no relay in use known (" + inUse + ")"));
                break;
            }
            int movesBefore = moves(aliceStart).size();
            relays.get(victim).kill();
            processes.forget(relays.get(victim));
            long killedAt = System.currentTimeMillis();
            AdaptLog.Entry moved = awaitMove(aliceStart, movesBefore, Duration.ofSeconds(10));
            Thread.sleep(3000); // media back and a few intervals more at both phones
            long to = System.currentTimeMillis();
            long gapAlice = AdaptReport.maxGap(PhoneIntervals.parse(CALLER, alice.lines()), aliceStart, killedAt, to);
            long gapBob = AdaptReport.maxGap(PhoneIntervals.parse(CALLEE, bob.lines()), bobStart, killedAt, to);
            String to8 = moved == null ? "-" : moved.to();
            out.trial(new AdaptTrials.Trial(trial, victim, to8, moved == null ? -1 : moved.atMillis() - killedAt, gapAlice, gapBob,
                    moved == null ? "no failover within 10 s" : null));
            say.accept(String.format("trial %d: %s killed, moved to %s after %d ms; longest gap alice %d ms, bob %d ms", trial,
                    victim, to8, moved == null ? -1 : moved.atMillis() - killedAt, gapAlice, gapBob));
            if (moved == null) {
                break;
            }
            inUse = AdaptLog.Entry.relayOf(moved.to());
            // the killed relay comes back (new incarnation, new log) so the next trial has two others to go to
            String site = victim.substring("relay-".length());
            ExperimentProcess back = peer(lab, lab.site(site), victim, relayArgs(bootstrap));
            relays.put(victim, back);
            back.awaitLine("peer " + victim + " up", UP);
            ids.put(victim, AdaptLog.nodeId(logOf(victim)).orElse("?"));
            Thread.sleep(3000);
        }
        alice.stop(Duration.ofSeconds(10));
        bob.stop(Duration.ofSeconds(10));
    }

    /** The relay peer-a chose at set-up (its {@code relay decision} line: {@code relay on XXXXXXXX}), or null. */
    private String firstRelay() throws IOException {
        String text = Files.readString(logOf("peer-a"));
        // "relay decision for call ...: relay HOST:PORT (relay policy always: relay on 214ec19b (...)"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("relay decision for call .*?: relay on ([0-9a-f]+)").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private List<AdaptLog.Entry> moves(long reference) throws IOException {
        return AdaptLog.read(logOf("peer-a"), reference).stream().filter(e -> e.kind() == AdaptLog.Kind.MOVED).toList();
    }

    private AdaptLog.Entry awaitMove(long reference, int before, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<AdaptLog.Entry> m = moves(reference);
            if (m.size() > before) {
                return m.get(before);
            }
            Thread.sleep(50);
        }
        return null;
    }

    // ------------------------------------------------------------------ processes

    private List<String> peerArgs(String bootstrap, String policy) {
        List<String> args = new ArrayList<>(List.of("--offer-relay", "off", "--relay-policy", policy));
        if (bootstrap != null) {
            args.addAll(List.of("--bootstrap", bootstrap));
        }
        if (settings.removeMs() > 0) {
            args.addAll(List.of("--adapt-remove-ms", String.valueOf(settings.removeMs())));
        }
        return args;
    }

    private static List<String> relayArgs(String bootstrap) {
        return List.of("--offer-relay", "on", "--relay-policy", "never", "--bootstrap", bootstrap);
    }

    /** {@code ./p2psip status} of a peer, run on its site; its output lines. */
    private List<String> status(Lab lab, Site site, String name) throws IOException, InterruptedException {
        ExperimentProcess st = processes.start(lab, site, "status-" + name, "-Xmx64m", List.of("status", site.ip() + ":7070",
                "--security", RunCa.in(settings.workDir()).peer(name).toString()),
                settings.workDir().resolve("status-" + name + ".log"));
        st.awaitExit(Duration.ofSeconds(30));
        processes.forget(st);
        return st.lines();
    }

    private Path logOf(String name) {
        return settings.workDir().resolve(name + incarnationSuffix(name) + ".log");
    }

    private String incarnationSuffix(String name) {
        int n = incarnations.getOrDefault(name, 1);
        return n == 1 ? "" : "-" + n;
    }

    private ExperimentProcess peer(Lab lab, Site site, String name, List<String> extra) throws IOException {
        Path state = settings.workDir().resolve(name);
        Files.createDirectories(state);
        if (incarnations.containsKey(name)) {
            incarnations.merge(name, 1, Integer::sum);
        } else {
            incarnations.put(name, 1);
        }
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--bind", site.ip(), "--sip-port", "5060",
                "--om-port", "7070", "--dht-port", "4000", "--ports", "in-process", "--state-dir", state.toString()));
        args.addAll(List.of("--security", RunCa.in(settings.workDir()).peer(name).toString()));
        args.addAll(extra);
        return processes.start(lab, site, name, "-Xmx192m", args, logOf(name));
    }

    private ExperimentProcess phone(Lab lab, Site site, String user, List<String> extra) throws IOException {
        RunCa.in(settings.workDir()).user(user); // she may register at any peer of the run
        List<String> args = new ArrayList<>(List.of("phone", "--user", user, "--proxy", site.ip() + ":5060",
                "--listen", site.ip() + ":0"));
        args.addAll(extra);
        return processes.start(lab, site, "phone-" + user, "-Xmx96m", args, settings.workDir().resolve("phone-" + user + ".log"));
    }



    private static void sleepUntil(long t0, int second) throws InterruptedException {
        long wait = t0 + second * 1000L - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static double secondsSince(long t0) {
        return (System.currentTimeMillis() - t0) / 1000.0;
    }
}
