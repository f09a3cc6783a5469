package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.p2psip.enrollment.RunCa;

/**
 * A network partition and its healing, on the network lab: {@code 2 * perSide} public sites, one
 * peer each, in two sides A ({@code a1..aN}) and B ({@code b1..bN}). "The link" between the sides is
 * cut with {@link Lab#cut}: every site drops every packet arriving from the other side (nftables,
 * no ICMP, no reset), paths within a side are untouched; {@link Lab#heal} removes the rules.
 *
 * <pre>
 *   a1 .. aN  (peer per site, phones)  ====X====  b1 .. bN  (peer per site, phones)
 *   bootstrap a1                                   bootstrap b1 (joined through a1)
 * </pre>
 *
 * What it does: the peers form one ring; answering phones register old users on both sides; a call
 * a1 -> b1 is set up across the link; the link is cut (the running call must be ended by BYE at both
 * phones after {@code --dead-media-s}); during the cut new users register on both sides, one local
 * call per side runs through a relay of its side (callers' peers a2, b2 have relay policy always),
 * and cross calls every {@link Settings#crossEverySeconds} from each side must get a final response
 * quickly; then the link heals and the experiment measures the time until every peer reports the
 * whole ring and every user is found from every peer, and places a cross call to each user in both
 * directions. The peers' ring sizes are polled every second through their management sockets
 * ({@link RingWatch}). The network is removed afterwards whatever happened.
 */
public final class PartitionExperiment {

    /** Where logs and figures go, peers per side, the cut's length, the peers' --dead-media-s, targets. */
    public record Settings(Path workDir, int perSide, int partitionSeconds, int deadMediaSeconds, int crossEverySeconds,
                           int crossFinalSeconds, int mergeTargetSeconds, int mergeWaitSeconds) {
        public Settings {
            if (perSide < 3 || perSide > 20) {
                throw new IllegalArgumentException("peers per side must be 3..20, not " + perSide);
            }
            if (partitionSeconds < 20) {
                throw new IllegalArgumentException("the partition must last at least 20 s, not " + partitionSeconds);
            }
            if (deadMediaSeconds < 1) {
                throw new IllegalArgumentException("--dead-media-s must be at least 1, not " + deadMediaSeconds);
            }
        }

        /**
         * {@code ./p2psip experiment partition}: 6 + 6 peers, a 90 s cut (the relay call comes 78 s into
         * it, after the other side's relay records, TTL 60 s, expired), dead media after 10 s, cross
         * calls every 8 s, targets: final response within 5 s, merged within 30 s (waiting up to 120 s).
         */
        public static Settings defaults(Path workDir) {
            return new Settings(workDir, 6, 90, 10, 8, 5, 30, 120);
        }
    }

    /** Users and where their phones are; the kind of each call. */
    enum Kind { ACROSS_THE_CUT, LOCAL, LOCAL_RELAY_EARLY, LOCAL_RELAY, CROSS_DURING, CROSS_AFTER }

    /** One call placed: its phones, when, what came of it (filled by {@link #finish}). */
    static final class Placed {
        final String name;
        final Kind kind;
        final String from;
        final String callee;
        final ExperimentProcess caller;
        final ExperimentProcess answerer;
        final long startedMillis;

        Placed(String name, Kind kind, String from, String callee, ExperimentProcess caller, ExperimentProcess answerer) {
            this.name = name;
            this.kind = kind;
            this.from = from;
            this.callee = callee;
            this.caller = caller;
            this.answerer = answerer;
            this.startedMillis = System.currentTimeMillis();
        }
    }

    private final Settings settings;
    private final Consumer<String> say;
    private final LabProcesses processes = new LabProcesses();
    private final Map<String, ExperimentProcess> peers = new LinkedHashMap<>();
    private final List<Placed> calls = new ArrayList<>();
    private final Map<String, ExperimentProcess> answering = new LinkedHashMap<>();
    private int callSeq;

    private PartitionExperiment(Settings settings, Consumer<String> say) {
        this.settings = settings;
        this.say = say;
    }

    /** Builds the lab, runs the partition and the heal, removes the lab; {@code say} hears the progress. */
    public static PartitionReport run(Settings settings, Consumer<String> say) throws IOException, InterruptedException {
        return new PartitionExperiment(settings, say).run();
    }

    static List<String> side(String letter, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(letter + i);
        }
        return out;
    }

    static Topology topology(int perSide) {
        Topology.Builder b = Topology.builder();
        side("a", perSide).forEach(b::site);
        side("b", perSide).forEach(b::site);
        return b.build();
    }

    private PartitionReport run() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        PartitionReport.Builder report = PartitionReport.builder(settings);
        long t0 = System.nanoTime();
        int n = settings.perSide();
        say.accept("building the lab: " + 2 * n + " public sites, side A " + side("a", n) + ", side B " + side("b", n));
        Lab lab = Lab.start(topology(n));
        RingWatch watch = null;
        try {
            Map<String, Path> sockets = new LinkedHashMap<>();
            for (Site s : lab.sites()) {
                sockets.put(peerName(s), settings.workDir().resolve(peerName(s)).resolve(PeerStatus.SOCKET));
            }
            startPeers(lab);
            watch = new RingWatch(sockets, 1000);
            report.watch(watch);
            runIn(lab, watch, report);
        } finally {
            if (watch != null) {
                watch.close();
            }
            processes.stopAll();
            lab.close();
            report.namespacesLeft(StaleNamespaces.count(lab.namePrefix()));
            report.seconds((System.nanoTime() - t0) / 1e9);
        }
        say.accept("lab removed");
        PartitionReport r = report.build();
        r.writeFiles(settings.workDir());
        return r;
    }

    private void startPeers(Lab lab) throws IOException, InterruptedException {
        int n = settings.perSide();
        Site a1 = lab.site("a1");
        Site b1 = lab.site("b1");
        say.accept("starting peer-a1 (bootstrap of side A) on " + a1.ip());
        peer(lab, a1, null).awaitLine("peer peer-a1 up", Duration.ofSeconds(120));
        say.accept("starting peer-b1 (joins through a1, bootstrap of side B) and peer-a2..a" + n + " in parallel");
        peer(lab, b1, a1.ip() + ":4000");
        for (String s : side("a", n).subList(1, n)) {
            peer(lab, lab.site(s), a1.ip() + ":4000");
        }
        peers.get("peer-b1").awaitLine("peer peer-b1 up", Duration.ofSeconds(180));
        say.accept("starting peer-b2..b" + n + " (join through b1) in parallel");
        for (String s : side("b", n).subList(1, n)) {
            peer(lab, lab.site(s), b1.ip() + ":4000");
        }
        for (Map.Entry<String, ExperimentProcess> e : peers.entrySet()) {
            e.getValue().awaitLine("peer " + e.getKey() + " up", Duration.ofSeconds(240));
        }
    }

    private void runIn(Lab lab, RingWatch watch, PartitionReport.Builder report) throws IOException, InterruptedException {
        int n = settings.perSide();
        List<String> all = new ArrayList<>(peers.keySet());
        List<String> peersA = all.subList(0, n);
        List<String> peersB = all.subList(n, 2 * n);
        long upAt = System.currentTimeMillis();
        long ring = awaitRing(watch, all, 2 * n, upAt, Duration.ofSeconds(180));
        report.ringFormed(ring < 0 ? -1 : ring - upAt);
        say.accept(ring < 0 ? "the ring did not form: " + watch.latest().values()
                : "one ring of " + 2 * n + " after " + (ring - upAt) + " ms");

        // users registered before the cut: cross targets t<site>, local callees d<side>2 (direct call),
        // e<side>3 (relay call early in the cut) and r<side>3 (relay call late in the cut)
        String targetA = "a" + Math.min(4, n);
        String targetB = "b" + Math.min(4, n);
        int longWait = settings.partitionSeconds() + settings.mergeWaitSeconds() + 300;
        answer(lab, targetA, "t" + targetA, longWait, 4);
        answer(lab, targetB, "t" + targetB, longWait, 4);
        for (String x : List.of("a", "b")) {
            answer(lab, x + "2", "d" + x + "2", longWait, 4);
            answer(lab, x + "3", "e" + x + "3", longWait, 4);
            answer(lab, x + "3", "r" + x + "3", longWait, 4);
        }
        int acrossSeconds = settings.partitionSeconds() + 60;
        ExperimentProcess ub1 = answer(lab, "b1", "ub1", 120, acrossSeconds);
        for (ExperimentProcess p : answering.values()) {
            p.awaitLine("waiting up to", Duration.ofSeconds(90));
        }
        say.accept("old users registered: " + answering.keySet());
        say.accept("call ua1 (a1) -> ub1 (b1) across the link, before the cut");
        Placed across = call(lab, Kind.ACROSS_THE_CUT, "a1", "ua1", "ub1", ub1, false, 30, acrossSeconds);
        try {
            across.caller.awaitLine("media flowing", Duration.ofSeconds(60));
            ub1.awaitLine("media flowing", Duration.ofSeconds(30));
        } catch (IOException e) {
            say.accept("the call across the link did not set up: " + e.getMessage());
        }
        Thread.sleep(3000);

        // ---- the cut
        long cutAt = System.currentTimeMillis();
        lab.cut(side("a", n), side("b", n));
        report.cutAt(cutAt);
        say.accept("link cut (nftables drop of the other side's addresses at every site) for " + settings.partitionSeconds() + " s");
        long endAt = cutAt + settings.partitionSeconds() * 1000L;
        long localAt = cutAt + Math.min(15_000, settings.partitionSeconds() * 1000L / 2);
        long relayAt = cutAt + Math.max(settings.partitionSeconds() - 12, settings.partitionSeconds() / 2) * 1000L;
        boolean relayDone = false;
        long newUsersAt = cutAt + 2_000;
        long crossAt = cutAt + 3_000;
        boolean localDone = false;
        boolean newDone = false;
        String newA = "a" + Math.min(5, n);
        String newB = "b" + Math.min(5, n);
        List<String> newUsers = List.of("n" + newA, "n" + newB);
        while (System.currentTimeMillis() < endAt - 1000) {
            long now = System.currentTimeMillis();
            if (!newDone && now >= newUsersAt) {
                newDone = true;
                say.accept("new users register during the cut: n" + newA + " at peer-" + newA + ", n" + newB + " at peer-" + newB);
                answer(lab, newA, "n" + newA, longWait, 4);
                answer(lab, newB, "n" + newB, longWait, 4);
            }
            if (!localDone && now >= localAt) {
                localDone = true;
                say.accept("local calls: a3 -> da2 and b3 -> db2 (relay policy auto: direct); a2 -> ea3 and b2 -> eb3"
                        + " (relay policy always, early in the cut)");
                for (String x : List.of("a", "b")) {
                    call(lab, Kind.LOCAL, x + "3", null, "d" + x + "2", answering.get("d" + x + "2"), true, 20, 4);
                    call(lab, Kind.LOCAL_RELAY_EARLY, x + "2", null, "e" + x + "3", answering.get("e" + x + "3"), true, 20, 4);
                }
            }
            if (!relayDone && now >= relayAt) {
                relayDone = true;
                say.accept("local calls through a relay late in the cut: a2 -> ra3, b2 -> rb3 (relay policy always)");
                for (String x : List.of("a", "b")) {
                    call(lab, Kind.LOCAL_RELAY, x + "2", null, "r" + x + "3", answering.get("r" + x + "3"), true, 20, 4);
                }
            }
            if (now >= crossAt && now < endAt - 6000) {
                crossAt = now + settings.crossEverySeconds() * 1000L;
                say.accept("cross calls during the cut: " + targetA + " -> t" + targetB + ", " + targetB + " -> t" + targetA);
                int wait = Math.max(10, settings.crossFinalSeconds() + 5);
                call(lab, Kind.CROSS_DURING, targetA, null, "t" + targetB, null, true, wait, 2);
                call(lab, Kind.CROSS_DURING, targetB, null, "t" + targetA, null, true, wait, 2);
            }
            Thread.sleep(200);
        }
        long closedA = watch.firstAllAt(peersA, cutAt, s -> s.size() == n);
        long closedB = watch.firstAllAt(peersB, cutAt, s -> s.size() == n);
        report.sidesClosed(closedA < 0 ? -1 : closedA - cutAt, closedB < 0 ? -1 : closedB - cutAt);
        Map<String, String> home = new LinkedHashMap<>();
        home.put("t" + targetA, lab.site(targetA).ip());
        home.put("t" + targetB, lab.site(targetB).ip());
        home.put("n" + newA, lab.site(newA).ip());
        home.put("n" + newB, lab.site(newB).ip());
        report.foundDuringCut(foundFromOwnSide(lab, home));
        while (System.currentTimeMillis() < endAt) {
            Thread.sleep(100);
        }

        // ---- the heal
        long healAt = System.currentTimeMillis();
        lab.heal();
        report.healAt(healAt);
        say.accept("link healed; waiting for one ring of " + 2 * n + " and every user found from every peer");
        long mergedAt = -1;
        long foundAt = -1;
        long giveUp = healAt + settings.mergeWaitSeconds() * 1000L;
        Map<String, List<String>> missing = Map.of();
        while (System.currentTimeMillis() < giveUp && (mergedAt < 0 || foundAt < 0)) {
            if (mergedAt < 0) {
                mergedAt = watch.firstAllAt(all, healAt, s -> s.size() == 2 * n);
                if (mergedAt >= 0) {
                    say.accept("one ring of " + 2 * n + " at every peer " + (mergedAt - healAt) + " ms after the heal");
                }
            }
            if (foundAt < 0) {
                missing = notFound(home, all);
                if (missing.isEmpty()) {
                    foundAt = System.currentTimeMillis();
                    say.accept("every user found from every peer " + (foundAt - healAt) + " ms after the heal");
                }
            }
            Thread.sleep(1000);
        }
        report.merge(mergedAt < 0 ? -1 : mergedAt - healAt, foundAt < 0 ? -1 : foundAt - healAt, missing);

        // ---- cross calls after the heal, to every user, both ways
        say.accept("cross calls after the heal: " + targetA + " -> t" + targetB + ", " + targetB + " -> t" + targetA
                + ", a" + Math.min(6, n) + " -> n" + newB + ", b" + Math.min(6, n) + " -> n" + newA);
        List<Placed> after = new ArrayList<>();
        after.add(call(lab, Kind.CROSS_AFTER, targetA, null, "t" + targetB, answering.get("t" + targetB), true, 20, 4));
        after.add(call(lab, Kind.CROSS_AFTER, targetB, null, "t" + targetA, answering.get("t" + targetA), true, 20, 4));
        after.add(call(lab, Kind.CROSS_AFTER, "a" + Math.min(6, n), null, "n" + newB, answering.get("n" + newB), true, 20, 4));
        after.add(call(lab, Kind.CROSS_AFTER, "b" + Math.min(6, n), null, "n" + newA, answering.get("n" + newA), true, 20, 4));
        for (Placed p : calls) {
            p.caller.awaitExit(Duration.ofSeconds(120));
        }
        for (ExperimentProcess p : answering.values()) {
            p.awaitExit(Duration.ofSeconds(p.isAlive() ? 30 : 1));
        }
        // nothing left: every peer's SATO table empty once the calls are over
        long satosFrom = System.currentTimeMillis();
        long empty = -1;
        while (System.currentTimeMillis() < satosFrom + 30_000 && empty < 0) {
            Thread.sleep(1000);
            empty = watch.firstAllAt(all, satosFrom, s -> s.satos() == 0);
        }
        report.satosLeft(empty >= 0 ? Map.of() : satoCounts(watch));
        for (Placed p : calls) {
            report.call(finish(p, healAt));
        }
        report.byeLines(grep(settings.workDir().resolve("peer-a1.log"), "BYE sent to the phone"),
                grep(settings.workDir().resolve("peer-b1.log"), "BYE sent to the phone"));
        report.registrations(registrationEvents());
    }

    private static Map<String, Integer> satoCounts(RingWatch watch) {
        Map<String, Integer> out = new LinkedHashMap<>();
        watch.latest().forEach((k, v) -> {
            if (v.satos() != 0) {
                out.put(k, v.satos());
            }
        });
        return out;
    }

    /** Each user's record as seen from the peers of its own side, during the cut: user -> peers that found it. */
    private Map<String, List<String>> foundFromOwnSide(Lab lab, Map<String, String> home) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> u : home.entrySet()) {
            String side = u.getKey().charAt(1) == 'a' ? "peer-a" : "peer-b";
            List<String> found = new ArrayList<>();
            for (String p : peers.keySet()) {
                if (p.startsWith(side) && points(PeerStatus.lookup(socket(p), "user:" + u.getKey()), u.getValue())) {
                    found.add(p);
                }
            }
            out.put(u.getKey(), found);
        }
        return out;
    }

    /** user -> the peers that do not find its record pointing at its home peer (empty map: all found). */
    private Map<String, List<String>> notFound(Map<String, String> home, List<String> all) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> u : home.entrySet()) {
            for (String p : all) {
                if (!points(PeerStatus.lookup(socket(p), "user:" + u.getKey()), u.getValue())) {
                    out.computeIfAbsent(u.getKey(), k -> new ArrayList<>()).add(p);
                }
            }
        }
        return out;
    }

    private static boolean points(List<String> values, String ip) {
        return values != null && values.stream().anyMatch(v -> v.contains("@" + ip + ":"));
    }

    private Path socket(String peer) {
        return settings.workDir().resolve(peer).resolve(PeerStatus.SOCKET);
    }

    private long awaitRing(RingWatch watch, List<String> peerNames, int size, long from, Duration timeout)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long at = watch.firstAllAt(peerNames, from, s -> s.size() == size);
            if (at >= 0) {
                return at;
            }
            Thread.sleep(500);
        }
        return -1;
    }

    /** What a placed call came to, from its phones' output and logs. */
    private PartitionReport.CallResult finish(Placed p, long healAt) {
        List<String> out = p.caller.lines();
        String answered = p.caller.line("answered by");
        String rejected = p.caller.line("rejected after");
        long attempt = p.caller.lineAt("calling sip:");
        String outcome;
        int status = 0;
        long responseMs = -1;
        if (answered != null) {
            outcome = "answered";
            status = 200;
            responseMs = CongestionExperiment.srd(answered);
        } else if (rejected != null) {
            responseMs = CongestionExperiment.srd(rejected);
            outcome = rejected.substring(rejected.indexOf(": ") + 2).strip();
            try {
                status = Integer.parseInt(outcome.split(" ")[0]);
            } catch (NumberFormatException e) {
                status = -1;
            }
        } else {
            String err = tail(p.caller.log());
            outcome = err.contains("no answer within") ? "no final response (cancelled)" : "failed: " + lastPhoneLine(err);
        }
        boolean media = out.stream().anyMatch(l -> l.startsWith("result: OK"));
        long callerBye = p.caller.lineAt("hung up: remote hangup");
        long calleeBye = p.answerer == null ? -1 : p.answerer.lineAt("hung up: remote hangup");
        long mediaAt = p.caller.lineAt("media flowing");
        return new PartitionReport.CallResult(p.name, p.kind.name(), p.from, p.callee, attempt > 0 ? attempt : p.startedMillis,
                outcome, status, responseMs, media, mediaAt, callerBye, calleeBye,
                p.caller.line("report:"), relayUsed(p));
    }

    /** The caller peer's relay decision lines for this call's time (local calls), shortened. */
    private String relayUsed(Placed p) {
        if (p.kind != Kind.LOCAL && p.kind != Kind.LOCAL_RELAY && p.kind != Kind.LOCAL_RELAY_EARLY) {
            return "";
        }
        // the first decision the caller's peer logged after the caller started (log lines begin HH:mm:ss.SSS)
        LocalTime started = Instant.ofEpochMilli(p.startedMillis).atZone(ZoneId.systemDefault()).toLocalTime();
        for (String l : grep(settings.workDir().resolve("peer-" + p.from + ".log"), "relay decision")) {
            try {
                if (!LocalTime.parse(l.substring(0, l.indexOf(' '))).isBefore(started)) {
                    return l.substring(l.indexOf("relay decision"));
                }
            } catch (RuntimeException e) {
                // not a line of the usual format
            }
        }
        return "(no relay decision logged for this call)";
    }

    /** Every registration and refresh of the answering phones: (wall ms, "user: line"). */
    private List<Map.Entry<Long, String>> registrationEvents() {
        List<Map.Entry<Long, String>> out = new ArrayList<>();
        answering.forEach((user, phone) -> {
            for (Map.Entry<Long, String> l : phone.timedLines()) {
                if (l.getValue().startsWith("registered") || l.getValue().startsWith("registration refresh")) {
                    out.add(Map.entry(l.getKey(), user + ": " + l.getValue()));
                }
            }
        });
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    private static String lastPhoneLine(String err) {
        String last = "";
        for (String l : err.split("\n")) {
            if (l.startsWith("phone: ")) {
                last = l.substring(7);
            }
        }
        return last.isEmpty() ? "(nothing on stderr)" : last;
    }

    private static String tail(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> grep(Path log, String text) {
        List<String> out = new ArrayList<>();
        for (String l : tail(log).split("\n")) {
            if (l.contains(text)) {
                out.add(l.strip());
            }
        }
        return out;
    }

    private static String peerName(Site s) {
        return "peer-" + s.name();
    }

    private ExperimentProcess peer(Lab lab, Site site, String bootstrap) throws IOException {
        String name = peerName(site);
        Path state = settings.workDir().resolve(name);
        Files.createDirectories(state);
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--bind", site.ip(), "--sip-port", "5060",
                "--om-port", "7070", "--dht-port", "4000", "--ports", "in-process", "--state-dir", state.toString(),
                "--dead-media-s", String.valueOf(settings.deadMediaSeconds())));
        args.addAll(List.of("--security", RunCa.in(settings.workDir()).peer(name).toString()));
        if (bootstrap != null) {
            args.addAll(List.of("--bootstrap", bootstrap));
        }
        if (site.name().equals("a2") || site.name().equals("b2")) {
            args.addAll(List.of("--relay-policy", "always"));
        }
        ExperimentProcess p = processes.start(lab, site, name, "-Xmx192m", args, settings.workDir().resolve(name + ".log"));
        peers.put(name, p);
        return p;
    }

    /** An answering phone for {@code user} at {@code siteName}'s peer, registered for 60 s at a time (refreshed every 30 s). */
    private ExperimentProcess answer(Lab lab, String siteName, String user, int waitSeconds, int mediaSeconds) throws IOException {
        Site site = lab.site(siteName);
        RunCa.in(settings.workDir()).user(user); // she may register at any peer of the run
        List<String> args = List.of("phone", "--user", user, "--proxy", site.ip() + ":5060", "--listen", site.ip() + ":0",
                "--answer", "--wait", String.valueOf(waitSeconds), "--seconds", String.valueOf(mediaSeconds),
                "--expires", "60", "--timeout", String.valueOf(waitSeconds + mediaSeconds + 120));
        ExperimentProcess p = processes.start(lab, site, "phone-" + user, "-Xmx64m", args,
                settings.workDir().resolve("phone-" + user + ".log"));
        answering.put(user, p);
        return p;
    }

    /** A caller at {@code siteName}'s peer calling {@code callee}; {@code user} null: an unregistered caller. */
    private Placed call(Lab lab, Kind kind, String siteName, String user, String callee, ExperimentProcess answerer,
                        boolean noRegisterIfAnonymous, int waitSeconds, int mediaSeconds) throws IOException {
        Site site = lab.site(siteName);
        String name = String.format("call%02d", ++callSeq);
        String caller = user != null ? user : "c" + callSeq + siteName;
        RunCa.in(settings.workDir()).user(caller); // she may register at any peer of the run
        List<String> args = new ArrayList<>(List.of("phone", "--user", caller, "--proxy", site.ip() + ":5060", "--listen",
                site.ip() + ":0", "--call", callee, "--wait", String.valueOf(waitSeconds), "--seconds",
                String.valueOf(mediaSeconds)));
        if (user == null && noRegisterIfAnonymous) {
            args.add("--no-register");
        }
        ExperimentProcess p = processes.start(lab, site, "phone-" + caller, "-Xmx64m", args,
                settings.workDir().resolve(name + "-" + caller + "-to-" + callee + ".log"));
        Placed placed = new Placed(name, kind, siteName, callee, p, answerer);
        calls.add(placed);
        return placed;
    }


}
