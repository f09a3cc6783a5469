package org.p2psip.interop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.p2psip.sip.bench.Capture;
import org.p2psip.sip.bench.SipTrace;
import org.p2psip.sip.bench.SippStats;
import org.p2psip.sip.it.Sipp;

/**
 * The assembled system against Kamailio, in one run ({@code scripts/bench sip}; issue 20). Systems:
 * Kamailio as one registrar/proxy, two chained Kamailios (the caller's proxy relays to the callee's),
 * and three {@code ./p2psip peer} processes on loopback (caller at peer 1, callee registered at peer
 * 2, peer 3 offering its RTP-Port as relay) with media direct ({@code --relay-policy never}) and
 * through the relay ({@code always} on peers 1 and 2). The user agents are sipp with the component
 * benchmark's scenarios (uac.xml with SDP, uas.xml answering with SDP, register-bench.xml); delays
 * come from a packet capture on {@code lo} (dumpcap) decoded by tshark.
 *
 * <p>Per system: the Session Request Delay (RFC 6076 SRD, INVITE to 200 OK and to the first response
 * other than 100) of the first calls after start and after a warm-up, at 10 calls/s; REGISTER/s and
 * calls/s with zero failures at rising rates; for the peers an overload at twice their call capacity
 * (answers by status code, SRD p99 of the accepted calls, whether the peers drain and serve at full
 * rate 5 s after it); and the memory (PSS) of each box after start and after the warm-up. With two or
 * more cores, sipp, dumpcap and this JVM run on core 0 and the systems under test on core 1.
 *
 * <p>Options: {@code --quick} (short steps, few rates; checks the harness), {@code --no-kamailio},
 * {@code --no-relay}, {@code --only srd|capacity|overload|memory} (comma-separated for several),
 * {@code --p2p-call-rates R,R,..}, {@code --kam-call-rates}, {@code --p2p-reg-rates}, {@code --kam-reg-rates},
 * {@code --ports process|in-process} (passed to every peer; default: the launcher's), {@code --step-seconds S},
 * {@code --overload-seconds S}, {@code --no-auto} (no relay-policy-auto system in the SRD phase),
 * {@code --srd-calls FRESH,WARMUP,WARM} (calls of the fresh SRD, the warm-up and the warm SRD), {@code --secured}
 * (also the direct peers secured, SRD and memory: the cost of security beside the unsecured peers). The report goes to stdout and to
 * {@code interop-tests/target/bench-system/report.txt}; traces stay in a dated directory beside it.
 */
public final class SystemBenchmark {
    static final String CALLEE = "bench";
    static final int SRD_RATE = 10;
    static final int HOLD_MS = 200;
    static final String K1 = "Kamailio, 1 proxy";
    static final String K2 = "Kamailio, 2 chained";
    static final String DIRECT = "p2psip, media direct";
    static final String RELAY = "p2psip, media via relay";
    /** Media direct on a fine path, decided by measurement: the cost of policy auto's path probes (issue 13). */
    static final String AUTO = "p2psip, relay policy auto";
    static final String SECURED = "p2psip, media direct, secured";

    // ------------------------------------------------------------------ settings
    final boolean quick;
    final boolean kamailio;
    final boolean relay;
    Set<String> only;
    int stepSeconds;
    int overloadSeconds;
    int freshCalls;
    int warmupCalls;
    int warmCalls;
    int[] p2pCallRates;
    int[] kamCallRates;
    int[] p2pRegRates;
    int[] kamRegRates;
    /** Added to every peer's command line ({@code --ports process}). */
    List<String> peerArgs = List.of();
    /** Whether the SRD phase also measures the peers with relay policy auto ({@code --no-auto}: not). */
    boolean auto = true;
    /** Also the direct peers secured (a CA for the run), for SRD and memory. */
    boolean secured;

    final Path work;
    final Path reportFile;
    final List<String> sutLauncher;
    final Owner owner = new Owner();
    final Results results = new Results();

    SystemBenchmark(boolean quick, boolean kamailio, boolean relay, Set<String> only, Path work, Path reportFile,
                    List<String> sutLauncher) {
        this.quick = quick;
        this.kamailio = kamailio;
        this.relay = relay;
        this.only = only;
        this.work = work;
        this.reportFile = reportFile;
        this.sutLauncher = sutLauncher;
        stepSeconds = quick ? 3 : 10;
        overloadSeconds = quick ? 5 : 30;
        freshCalls = quick ? 20 : 100;
        warmupCalls = quick ? 100 : 1000;
        warmCalls = quick ? 20 : 300;
        p2pCallRates = quick ? new int[] {10, 40} : new int[] {10, 20, 40, 60, 80, 100, 150, 200, 300};
        kamCallRates = quick ? new int[] {250, 1000} : new int[] {250, 500, 1000, 1500, 2000, 3000};
        p2pRegRates = quick ? new int[] {250, 1000} : new int[] {500, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000};
        kamRegRates = quick ? new int[] {1000, 4000} : new int[] {1000, 2000, 4000, 6000, 8000, 10000, 12000, 15000, 20000};
    }

    boolean phase(String name) {
        return only.isEmpty() || only.contains(name);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean kam = true;
        boolean relay = true;
        Set<String> only = new LinkedHashSet<>();
        Map<String, String> rates = new LinkedHashMap<>();
        Integer step = null;
        Integer overload = null;
        String ports = null;
        List<String> extraPeerArgs = new ArrayList<>();
        boolean noAuto = false;
        boolean secured = false;
        String srdCalls = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick": quick = true; break;
                case "--no-kamailio": kam = false; break;
                case "--no-relay": relay = false; break;
                case "--no-auto": noAuto = true; break;
                case "--secured": secured = true; break;
                case "--srd-calls": srdCalls = args[++i]; break;
                case "--only":
                    for (String o : args[++i].split(",")) {
                        if (!List.of("srd", "capacity", "overload", "memory").contains(o)) {
                            usage("--only takes srd, capacity, overload or memory, not " + o);
                        }
                        only.add(o);
                    }
                    break;
                case "--p2p-call-rates": case "--kam-call-rates": case "--p2p-reg-rates": case "--kam-reg-rates":
                    rates.put(args[i], args[++i]);
                    break;
                case "--ports": ports = args[++i]; break;
                case "--peer-args": extraPeerArgs.addAll(List.of(args[++i].trim().split("\\s+"))); break;
                case "--step-seconds": step = Integer.parseInt(args[++i]); break;
                case "--overload-seconds": overload = Integer.parseInt(args[++i]); break;
                case "-h": case "--help": usage(null); break;
                default: usage("unknown option " + args[i]);
            }
        }
        Sipp.binary();
        for (String tool : List.of("dumpcap", "tshark")) {
            org.p2psip.interop.fixtures.Tools.requireOnPath(tool, "tshark");
        }
        if (kam) {
            org.p2psip.interop.fixtures.Tools.requireOnPath("kamailio", "kamailio");
        }
        // scripts/bench runs from the repository root: keep everything in this module's target/
        Path base = (Files.isDirectory(Path.of("interop-tests", "src")) ? Path.of("interop-tests", "target") : Path.of("target"))
                .resolve("bench-system").toAbsolutePath();
        Path work = base.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(work);
        String machine = Machine.describe(); // before pinning: the JVM then sees one core
        List<String> launcher = Pinning.pinSelfAndLauncher();
        SystemBenchmark b = new SystemBenchmark(quick, kam, relay, only, work, base.resolve("report.txt"), launcher);
        b.results.machine = machine;
        rates.forEach((k, v) -> {
            int[] r = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
            switch (k) {
                case "--p2p-call-rates": b.p2pCallRates = r; break;
                case "--kam-call-rates": b.kamCallRates = r; break;
                case "--p2p-reg-rates": b.p2pRegRates = r; break;
                default: b.kamRegRates = r; break;
            }
        });
        if (step != null) {
            b.stepSeconds = step;
        }
        List<String> pa = new ArrayList<>();
        if (ports != null) {
            pa.addAll(List.of("--ports", ports));
        }
        pa.addAll(extraPeerArgs);
        b.peerArgs = List.copyOf(pa);
        if (overload != null) {
            b.overloadSeconds = overload;
        }
        b.auto = !noAuto;
        b.secured = secured;
        if (srdCalls != null) {
            int[] n = Arrays.stream(srdCalls.split(",")).mapToInt(Integer::parseInt).toArray();
            if (n.length != 3) {
                usage("--srd-calls takes FRESH,WARMUP,WARM, not " + srdCalls);
            }
            b.freshCalls = n[0];
            b.warmupCalls = n[1];
            b.warmCalls = n[2];
        }
        Runtime.getRuntime().addShutdownHook(new Thread(b.owner::closeAll, "bench-cleanup"));
        int rc = 0;
        try {
            b.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            b.log("FAILED: " + e);
            rc = 1;
        } finally {
            b.owner.closeAll();
        }
        b.writeReport();
        System.exit(rc);
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("SystemBenchmark: " + error);
        }
        System.err.println("usage: scripts/bench sip [--quick] [--no-kamailio] [--no-relay] [--only srd|capacity|overload|memory]\n"
                + "       [--p2p-call-rates R,..] [--kam-call-rates R,..] [--p2p-reg-rates R,..] [--kam-reg-rates R,..]\n"
                + "       [--ports process|in-process] [--step-seconds S] [--overload-seconds S] [--no-auto]\n"
                + "       [--srd-calls FRESH,WARMUP,WARM] [--secured] [--peer-args \"ARGS\" (added to every ./p2psip peer)]");
        System.exit(error == null ? 0 : 2);
    }

    // ------------------------------------------------------------------ the run

    void run() throws Exception {
        results.started = LocalDateTime.now();
        results.launcher = sutLauncher;
        results.loadBefore = Machine.loadAverage();
        results.commit = Machine.commit();
        log("==== system benchmark: " + (quick ? "QUICK (harness check; figures not for citing)" : "full run") + "; traces in " + work);
        log("machine: " + results.machine + "; load average before: " + results.loadBefore);
        log(sutLauncher.isEmpty() ? "CPU pinning: none (fewer than 2 cores or no taskset)"
                : "CPU pinning: sipp, dumpcap and this JVM on core 0; systems under test: " + String.join(" ", sutLauncher));
        if (kamailio) {
            system(K1, false, () -> new Sut.Kamailios(work.resolve("kam1-" + System.nanoTime()), sutLauncher, false));
            system(K2, false, () -> new Sut.Kamailios(work.resolve("kam2-" + System.nanoTime()), sutLauncher, true));
        }
        system(DIRECT, true, () -> peers("never", false));
        if (secured && (phase("srd") || phase("memory"))) {
            // the same peers secured: mutual TLS on every link, signed records, HTTPS OM IF, SIP over TLS
            // between the P2PSIP-Ports; SRD and memory only (the register load's 100,000 users would each
            // need a certificate; the cost of security on REGISTER's DHT part is scripts/bench security)
            Set<String> all = only;
            only = new LinkedHashSet<>(List.of("srd", "memory"));
            only.retainAll(all.isEmpty() ? only : all);
            try {
                system(SECURED, true, () -> peers("never", true));
            } finally {
                only = all;
            }
        }
        if (phase("srd") && auto) {
            // the same peers deciding by measurement: on this fine path the media stays direct, so the
            // SRD difference to the line above is what the path probes cost at set-up
            Set<String> all = only;
            only = Set.of("srd");
            try {
                system(AUTO, true, () -> peers("auto", false));
            } finally {
                only = all;
            }
        }
        if (relay) {
            system(RELAY, true, () -> peers("always", false));
        }
        results.loadAfter = Machine.loadAverage();
        results.finished = LocalDateTime.now();
    }

    private Sut peers(String relayPolicy, boolean secure) throws Exception {
        Path launcher = P2psipLauncher.prepare(work);
        Path state = Files.createTempDirectory("p2psip-bench-");
        owner.deleteLater(state);
        List<String> program = new ArrayList<>(sutLauncher);
        program.add(launcher.toString());
        // unsecured, explicitly: the register load uses 100,000 users, and a secured overlay writes a user's
        // record only with her certificate at her home peer (docs/security.md); the cost of security on the
        // lookup service is measured by scripts/bench security
        List<String> args = new ArrayList<>(peerArgs);
        if (!secure) {
            args.addAll(List.of("--security", "off"));
        }
        Sut.Peers p = new Sut.Peers(state, work.resolve("peer-logs"), program, relayPolicy, args, secure ? CALLEE : null);
        if (results.peerJvm.isEmpty()) {
            results.peerJvm = p.jvmOptions();
            results.portsMode = p.portsMode();
            log("  peers run as: " + String.join(" ", program) + " peer ..." + (peerArgs.isEmpty() ? "" : " " + String.join(" ", peerArgs))
                    + "; peer 1's JVM options: " + results.peerJvm + "; " + results.portsMode);
        }
        return p;
    }

    /** The {@code ./p2psip} launcher users run: found from the working directory, built once before the peers start. */
    static final class P2psipLauncher {
        private P2psipLauncher() {
        }

        /**
         * The launcher's path, after {@code ./p2psip peer --help} ran: that builds the project if its
         * sources changed and prepares the class-data sharing archive, so no peer start pays for it.
         */
        static Path prepare(Path work) throws IOException, InterruptedException {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null && !(Files.isExecutable(dir.resolve("p2psip")) && Files.exists(dir.resolve("pom.xml")))) {
                dir = dir.getParent();
            }
            if (dir == null) {
                throw new IOException("no ./p2psip launcher in the working directory or above it");
            }
            Path launcher = dir.resolve("p2psip");
            Path log = work.resolve("p2psip-prepare.log");
            Process p = new ProcessBuilder(launcher.toString(), "peer", "--help").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("./p2psip peer --help did not finish within 15 minutes: see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IOException("./p2psip peer --help failed (exit " + p.exitValue() + "): see " + log);
            }
            return launcher;
        }
    }

    @FunctionalInterface
    interface Factory {
        Sut start() throws Exception;
    }

    private boolean isKamailio(String system) {
        return system.startsWith("Kamailio");
    }

    /** Everything measured of one system, in one or two sessions (a fresh start each). */
    private void system(String name, boolean peers, Factory factory) throws Exception {
        String tag = name.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT);
        int[] callRates = peers ? p2pCallRates : kamCallRates;
        int[] regRates = peers ? p2pRegRates : kamRegRates;
        log("");
        String load = Machine.loadAverage();
        results.loadPerSystem.put(name, load);
        log("---- " + name + " (load average " + load + ")");
        boolean sessionA = phase("srd") || phase("capacity") || phase("memory");
        boolean overload = peers && phase("overload");
        boolean sameSession = quick && overload && sessionA;
        if (sessionA) {
            Rig rig = new Rig(name, tag, factory);
            try {
                if (phase("memory")) {
                    results.memStart.put(name, rig.sut.memory());
                    log("  memory after start: " + describe(results.memStart.get(name)));
                }
                rig.registerCallee();
                if (phase("srd")) {
                    Srd s = srd(rig, "fresh", freshCalls);
                    results.srdFresh.put(name, s);
                    log("  SRD, first " + freshCalls + " calls after start: " + s);
                }
                warmUp(rig, peers, warmupCalls);
                if (phase("memory")) {
                    awaitDrained(rig, 15);
                    Thread.sleep(2000);
                    results.memWarm.put(name, rig.sut.memory());
                    log("  memory after the warm-up: " + describe(results.memWarm.get(name)));
                }
                if (phase("srd")) {
                    Srd s = srd(rig, "warm", warmCalls);
                    results.srdWarm.put(name, s);
                    log("  SRD, " + warmCalls + " calls after the warm-up: " + s);
                }
                if (phase("capacity")) {
                    Capacity c = callCapacity(rig, callRates);
                    results.calls.put(name, c);
                    log("  calls/s with zero failed calls (hold " + HOLD_MS + " ms, " + stepSeconds + " s steps): " + c.display());
                    if (!peers || name.equals(DIRECT)) {
                        awaitDrained(rig, 30);
                        Capacity r = registerCapacity(rig, regRates);
                        results.registers.put(name, r);
                        log("  REGISTER/s with zero failures (" + stepSeconds + " s steps): " + r.display());
                    }
                }
                if (sameSession) {
                    awaitDrained(rig, 30);
                    overload(rig, name, callRates);
                }
            } finally {
                rig.close();
            }
        }
        if (overload && !sameSession) {
            Rig rig = new Rig(name, tag + "-b", factory);
            try {
                rig.registerCallee();
                log("  second start, for the overload");
                warmUp(rig, peers, Math.min(warmupCalls, 500));
                overload(rig, name, callRates);
            } finally {
                rig.close();
            }
        }
    }

    /**
     * The warm-up: {@code calls} calls, the first fifth at {@value #SRD_RATE}/s and the rest faster
     * (peers 25/s: fresh JVMs on one shared core fail calls at 50/s; Kamailio 200/s).
     */
    private void warmUp(Rig rig, boolean peers, int calls) throws Exception {
        int slow = calls / 5;
        int rate = peers ? 25 : 200;
        SippStats a = callLoad(rig, rig.tag + "-warmup-slow", SRD_RATE, slow);
        SippStats b = callLoad(rig, rig.tag + "-warmup", rate, calls - slow);
        log("  warm-up: " + slow + " calls at " + SRD_RATE + "/s: " + a + "; " + (calls - slow) + " calls at " + rate + "/s: " + b);
    }

    private static String describe(List<Sut.Box> boxes) {
        return boxes.stream().map(b -> String.format(Locale.ROOT, "%s %s MiB PSS (%s)", b.name(), Table.mib(b.tree().pssKib()),
                String.join(", ", b.tree().parts()))).collect(Collectors.joining("; "));
    }

    /** A started system with the callee (sipp UAS) beside it; closes both. */
    final class Rig implements AutoCloseable {
        final String name;
        final String tag;
        final Sut sut;
        Sipp uas;

        Rig(String name, String tag, Factory factory) throws Exception {
            this.name = name;
            this.tag = tag;
            long t0 = System.nanoTime();
            this.sut = owner.own(factory.start());
            log(String.format(Locale.ROOT, "  started in %.1f s", (System.nanoTime() - t0) / 1e9));
            this.uas = startUas();
        }

        private Sipp startUas() throws IOException {
            return owner.own(Sipp.start(work, "uas.xml", Map.of(), null, false, "-s", CALLEE, "-timeout", "7200s",
                    "-recv_timeout", "20000"));
        }

        /** A new callee (sipp UAS), registered: the old one was stopped from outside. */
        void restartUas() throws Exception {
            uas.close();
            owner.disown(uas);
            uas = startUas();
            registerCallee();
        }

        String target() {
            return "127.0.0.1:" + sut.port();
        }

        /** Registers the callee at its registrar (retried: a peer's lookup ring may still be settling). */
        void registerCallee() throws Exception {
            Thread.sleep(300); // the UAS binds its port
            String last = "";
            for (int attempt = 1; attempt <= 5; attempt++) {
                try (Sipp s = Sipp.start(work, "register.xml", Map.of(), sut.calleeRegistrar(), "-key", "user", CALLEE,
                        "-key", "contact", "127.0.0.1:" + uas.port, "-key", "expires", "3600", "-m", "1", "-timeout", "20s")) {
                    int rc = s.await(Duration.ofSeconds(30));
                    if (rc == 0) {
                        return;
                    }
                    last = "sipp exit " + rc + " in " + s.dir();
                }
                Thread.sleep(1000);
            }
            throw new IOException("the callee could not register at " + sut.calleeRegistrar() + ": " + last);
        }

        @Override
        public void close() {
            uas.close();
            sut.close();
            owner.disown(uas);
            owner.disown(sut);
        }
    }

    // ------------------------------------------------------------------ SRD

    /** One SRD measurement: the two delays from the capture, and sipp's verdict on the calls. */
    record Srd(Capture.Delays to200, Capture.Delays toFirst, SippStats sipp, Map<String, Integer> answers, double cpuMsPerCall,
               double idleCpuMsPerSecond) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "INVITE->200 median %s / p95 %s / p99 %s ms (%d); INVITE->first non-100 median %s / p99 %s ms;"
                            + " CPU of the system under test %s ms per call (idle before: %s ms per second); answers %s; sipp: %s",
                    Table.ms(to200.median()), Table.ms(to200.p95()), Table.ms(to200.p99()), to200.count(), Table.ms(toFirst.median()),
                    Table.ms(toFirst.p99()), Table.ms(cpuMsPerCall), Table.ms(idleCpuMsPerSecond), answers, sipp);
        }

        /** CPU per call beyond what the idle system uses meanwhile (background work: probes, ring maintenance, JIT). */
        double cpuMsPerCallBeyondIdle() {
            return Double.isNaN(idleCpuMsPerSecond) ? Double.NaN
                    : cpuMsPerCall - idleCpuMsPerSecond * sipp.wallSeconds() / Math.max(1, sipp.created());
        }
    }

    private String captureFilter(Rig rig) {
        StringBuilder f = new StringBuilder("udp port " + rig.sut.port() + " and not udp port " + rig.uas.port);
        for (int p : rig.sut.notCaptured()) {
            f.append(" and not udp port ").append(p);
        }
        return f.toString();
    }

    private Srd srd(Rig rig, String label, int calls) throws Exception {
        // the idle system's CPU first (background work), for 5 s
        long idle0 = Cpu.millis(rig.sut.processes());
        long t0 = System.nanoTime();
        Thread.sleep(5000);
        double idlePerSecond = (Cpu.millis(rig.sut.processes()) - idle0) / ((System.nanoTime() - t0) / 1e9);
        Capture[] cap = new Capture[1];
        long[] cpu = new long[1];
        SippStats st = guarded(rig, rig.tag + "-srd-" + label, calls, () -> {
            cpu[0] = Cpu.millis(rig.sut.processes());
            cap[0] = owner.own(Capture.start(work.resolve(rig.tag + "-srd-" + label + ".pcap"), captureFilter(rig)));
            try {
                return callLoadOnce(rig, rig.tag + "-srd-" + label, SRD_RATE, calls);
            } finally {
                cap[0].stop();
                owner.disown(cap[0]);
            }
        });
        // the calls' CPU, BYEs included: the run ends when sipp's last call has ended
        double cpuPerCall = (Cpu.millis(rig.sut.processes()) - cpu[0]) / (double) Math.max(1, st.created());
        SipTrace t = cap[0].trace(rig.sut.port());
        int p = rig.sut.port();
        return new Srd(t.srdTo200(p), t.srdToFirstNon100(p), st, t.finalAnswers("INVITE", p), cpuPerCall, idlePerSecond);
    }

    // ------------------------------------------------------------------ load

    /** One sipp run of a load step. */
    @FunctionalInterface
    interface Run {
        SippStats run() throws Exception;
    }

    /**
     * Runs {@code run} (a sipp run meant to create {@code count} calls) and repeats it, at most twice,
     * if a sipp was stopped from outside meanwhile: the UAC created fewer calls than asked, or the
     * callee's sipp is gone (on a shared machine others' clean-ups have killed sipp processes by name).
     * Such a run says nothing about the system under test; the report counts the repeats.
     */
    private SippStats guarded(Rig rig, String label, int count, Run run) throws Exception {
        for (int attempt = 1; ; attempt++) {
            SippStats st = run.run();
            boolean uasGone = !rig.uas.isAlive();
            if (st.created() >= count && !uasGone) {
                return st;
            }
            results.interrupted.add(label + ": " + st + (uasGone ? "; the callee's sipp was gone" : ""));
            log("  " + label + ": sipp stopped from outside (created " + st.created() + " of " + count
                    + (uasGone ? ", the callee's sipp gone" : "") + ")" + (attempt < 3 ? "; repeating the run" : "; giving up"));
            if (attempt == 3) {
                return st;
            }
            if (uasGone) {
                rig.restartUas();
            }
            Thread.sleep(2000);
        }
    }

    /** {@code count} calls at {@code rate}/s (uac.xml: INVITE with SDP, hold, BYE); sipp's statistics. */
    private SippStats callLoad(Rig rig, String label, int rate, int count) throws Exception {
        return guarded(rig, label + " at " + rate + "/s", count, () -> callLoadOnce(rig, label, rate, count));
    }

    private SippStats callLoadOnce(Rig rig, String label, int rate, int count) throws Exception {
        int seconds = Math.max(1, (count + rate - 1) / rate);
        Path stats = work.resolve(label + "-" + rate + ".csv");
        try (Sipp s = owner.own(Sipp.start(work, "uac.xml", Map.of(), rig.target(), false, "-s", CALLEE, "-key", "caller", "load",
                "-r", Integer.toString(rate), "-m", Integer.toString(count), "-l", Integer.toString(rate * 12 + 50),
                "-d", Integer.toString(HOLD_MS), "-recv_timeout", "10000", "-timeout", (seconds + 60) + "s",
                "-trace_stat", "-stf", stats.toString(), "-fd", "1"))) {
            return await(s, stats, seconds);
        }
    }

    private SippStats await(Sipp s, Path stats, int seconds) throws Exception {
        long t0 = System.nanoTime();
        int rc = s.await(Duration.ofSeconds(seconds + 90));
        owner.disown(s);
        return SippStats.read(stats, rc, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Users the REGISTER load cycles through. Each REGISTER has its own Call-ID, so every one replaces
     * the user's binding and stores the user record again (the whole path: SIP, registrar, OM, a put
     * in the lookup service and its replicas). Fewer than the lookup service's per-writer bound: an
     * unsecured overlay knows a writer by its address, and the three peers on loopback are one writer,
     * which may put at most {@value org.p2psip.lookup.store.StoreLimits#DEFAULT_MAX_VALUES_PER_WRITER}
     * values on a node; with more distinct users the load measured that bound (every REGISTER beyond
     * it refused with 503), not the speed.
     */
    static final int REGISTER_USERS = org.p2psip.lookup.store.StoreLimits.DEFAULT_MAX_VALUES_PER_WRITER * 4 / 5;

    private Path users() throws IOException {
        Path csv = work.resolve("users.csv");
        if (!Files.exists(csv)) {
            StringBuilder sb = new StringBuilder("SEQUENTIAL\n");
            for (int i = 0; i < REGISTER_USERS; i++) {
                sb.append("u").append(i).append('\n');
            }
            Files.writeString(csv, sb.toString());
        }
        return csv;
    }

    private SippStats registerLoad(Rig rig, String label, int rate, int seconds) throws Exception {
        return guarded(rig, label + " at " + rate + "/s", rate * seconds, () -> registerLoadOnce(rig, label, rate, seconds));
    }

    private SippStats registerLoadOnce(Rig rig, String label, int rate, int seconds) throws Exception {
        Path stats = work.resolve(label + "-" + rate + ".csv");
        try (Sipp s = owner.own(Sipp.start(work, "register-bench.xml", Map.of(), rig.target(), false, "-inf", users().toString(),
                "-r", Integer.toString(rate), "-m", Integer.toString(rate * seconds), "-l", Integer.toString(rate * 5),
                "-recv_timeout", "5000", "-timeout", (seconds + 60) + "s", "-trace_stat", "-stf", stats.toString(), "-fd", "1"))) {
            return await(s, stats, seconds);
        }
    }

    /**
     * Waits up to {@code seconds} until the system reports nothing left of past calls; false if it
     * still has some then, or earlier when the leftovers have not changed for 5 s (leaked, not draining).
     */
    private boolean awaitDrained(Rig rig, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        long[] last = rig.sut.left();
        long lastChange = System.nanoTime();
        while (!(last[0] == 0 && last[1] == 0)) {
            long now = System.nanoTime();
            if (now > deadline || now - lastChange > TimeUnit.SECONDS.toNanos(5)) {
                log(String.format(Locale.ROOT, "  not drained after %.0f s%s: %s", (now - start) / 1e9,
                        now > deadline ? "" : " (unchanged for 5 s)", rig.sut.leftovers()));
                return false;
            }
            Thread.sleep(250);
            long[] l = rig.sut.left();
            if (!Arrays.equals(l, last)) {
                last = l;
                lastChange = System.nanoTime();
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ capacity

    private Capacity callCapacity(Rig rig, int[] rates) throws Exception {
        List<Integer> tried = new ArrayList<>();
        List<Boolean> passed = new ArrayList<>();
        for (int r : rates) {
            awaitDrained(rig, 30);
            SippStats st = callLoad(rig, rig.tag + "-calls", r, r * stepSeconds);
            log(String.format(Locale.ROOT, "    calls %5d/s: %s", r, st));
            if (!st.clean()) {
                // one bad second of a machine shared with others decides a step: retry once, after the system drained
                Thread.sleep(2000);
                awaitDrained(rig, 30);
                st = callLoad(rig, rig.tag + "-calls-retry", r, r * stepSeconds);
                log(String.format(Locale.ROOT, "    calls %5d/s (retry): %s", r, st));
            }
            tried.add(r);
            passed.add(st.clean());
            if (!st.clean()) {
                break;
            }
        }
        return new Capacity(tried, passed);
    }

    private Capacity registerCapacity(Rig rig, int[] rates) throws Exception {
        List<Integer> tried = new ArrayList<>();
        List<Boolean> passed = new ArrayList<>();
        registerLoad(rig, rig.tag + "-reg-warmup", Math.min(500, rates[0]), 2);
        for (int r : rates) {
            SippStats st = registerLoad(rig, rig.tag + "-reg", r, stepSeconds);
            log(String.format(Locale.ROOT, "    REGISTER %5d/s: %s", r, st));
            if (!st.clean()) {
                Thread.sleep(5000);
                st = registerLoad(rig, rig.tag + "-reg-retry", r, stepSeconds);
                log(String.format(Locale.ROOT, "    REGISTER %5d/s (retry): %s", r, st));
            }
            tried.add(r);
            passed.add(st.clean());
            if (!st.clean()) {
                break;
            }
        }
        return new Capacity(tried, passed);
    }

    // ------------------------------------------------------------------ overload

    /** What an overload at twice the call capacity did. */
    record Overload(int capacity, int offered, int seconds, SippStats sipp, int invites, Map<String, Integer> answers,
                    Capture.Delays accepted, double drainedAfterSeconds, String leftoversAt5s, long[] leftAt5s,
                    SippStats recovery) {
        boolean drainedAt5s() {
            return leftAt5s[0] == 0 && leftAt5s[1] == 0;
        }
    }

    private void overload(Rig rig, String name, int[] callRates) throws Exception {
        Capacity c = results.calls.get(name);
        if (c == null) {
            awaitDrained(rig, 30);
            c = callCapacity(rig, callRates);
            results.calls.put(name, c);
            log("  calls/s with zero failed calls (for the overload): " + c.display());
        }
        int cap = c.best();
        if (cap == 0) {
            log("  overload: skipped, no call capacity measured");
            return;
        }
        awaitDrained(rig, 30);
        int offered = 2 * cap;
        Capture[] captured = new Capture[1];
        SippStats st = guarded(rig, rig.tag + "-overload", offered * overloadSeconds, () -> {
            captured[0] = owner.own(Capture.start(work.resolve(rig.tag + "-overload.pcap"), captureFilter(rig)));
            try {
                return callLoadOnce(rig, rig.tag + "-overload", offered, offered * overloadSeconds);
            } finally {
                captured[0].stop();
                owner.disown(captured[0]);
            }
        });
        Capture capture = captured[0];
        long end = System.nanoTime();
        double drainedAfter = Double.NaN;
        while (System.nanoTime() - end < TimeUnit.SECONDS.toNanos(5)) {
            if (rig.sut.drained()) {
                drainedAfter = (System.nanoTime() - end) / 1e9;
                break;
            }
            Thread.sleep(200);
        }
        long left = TimeUnit.SECONDS.toMillis(5) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - end);
        if (left > 0) {
            Thread.sleep(left);
        }
        long[] leftAt5 = rig.sut.left();
        String leftovers = rig.sut.leftovers();
        SippStats recovery = callLoad(rig, rig.tag + "-after-overload", cap, cap * stepSeconds);
        SipTrace t = capture.trace(rig.sut.port());
        int p = rig.sut.port();
        Overload o = new Overload(cap, offered, overloadSeconds, st, t.requests("INVITE", p), t.finalAnswers("INVITE", p),
                t.srdTo200(p), drainedAfter, leftovers, leftAt5, recovery);
        results.overload.put(name, o);
        log(String.format(Locale.ROOT, "  overload: %d calls/s (2 x %d) for %d s: sipp %s; final answers per INVITE %s; "
                        + "SRD of accepted calls median %s / p99 %s ms; drained %s; at +5 s: %s; then %d calls/s for %d s: %s",
                offered, cap, overloadSeconds, st, o.answers(), Table.ms(o.accepted().median()), Table.ms(o.accepted().p99()),
                Double.isNaN(drainedAfter) ? "not within 5 s" : String.format(Locale.ROOT, "after %.1f s", drainedAfter),
                leftovers, cap, stepSeconds, recovery));
    }

    // ------------------------------------------------------------------ report

    void log(String line) {
        System.out.println(line);
        System.out.flush();
        results.log.add(line);
    }

    void writeReport() throws IOException {
        String report = Report.render(this);
        System.out.println();
        System.out.println(report);
        Files.createDirectories(reportFile.getParent());
        Files.writeString(reportFile, report + "\n---- log\n" + String.join("\n", results.log) + "\n", StandardCharsets.UTF_8);
        Files.writeString(work.resolve("report.txt"), report, StandardCharsets.UTF_8);
        System.out.println("report written to " + reportFile);
    }

    /** What was measured, by system name. */
    static final class Results {
        LocalDateTime started;
        LocalDateTime finished;
        String machine = "";
        String loadBefore = "";
        String loadAfter = "";
        List<String> launcher = List.of();
        String peerJvm = "";
        String portsMode = "";
        String commit = "";
        final List<String> interrupted = new ArrayList<>();
        final Map<String, String> loadPerSystem = new LinkedHashMap<>();
        final Map<String, Srd> srdFresh = new LinkedHashMap<>();
        final Map<String, Srd> srdWarm = new LinkedHashMap<>();
        final Map<String, Capacity> calls = new LinkedHashMap<>();
        final Map<String, Capacity> registers = new LinkedHashMap<>();
        final Map<String, Overload> overload = new LinkedHashMap<>();
        final Map<String, List<Sut.Box>> memStart = new LinkedHashMap<>();
        final Map<String, List<Sut.Box>> memWarm = new LinkedHashMap<>();
        final List<String> log = new ArrayList<>();
    }

    // ------------------------------------------------------------------ machine, pinning, clean-up

    /** The machine: CPU model, cores, memory, kernel; and its load average. */
    static final class Machine {
        private Machine() {
        }

        static String describe() {
            String cpu = "?";
            try (Stream<String> l = Files.lines(Path.of("/proc/cpuinfo"))) {
                cpu = l.filter(s -> s.startsWith("model name")).findFirst().map(s -> s.substring(s.indexOf(':') + 1).trim()).orElse("?");
            } catch (IOException e) {
                // not Linux
            }
            long memKb = 0;
            try (Stream<String> l = Files.lines(Path.of("/proc/meminfo"))) {
                memKb = l.filter(s -> s.startsWith("MemTotal:")).findFirst()
                        .map(s -> Long.parseLong(s.replaceAll("[^0-9]", ""))).orElse(0L);
            } catch (IOException e) {
                // not Linux
            }
            return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
                    cpu, memKb / 1048576.0, System.getProperty("os.name"), System.getProperty("os.version"),
                    System.getProperty("java.version"));
        }

        /** The repository's HEAD (short) and whether the working tree differs from it: what the peers were built from. */
        static String commit() {
            try {
                Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
            } catch (IOException | InterruptedException e) {
                return "?";
            }
        }

        static String loadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (IOException e) {
                return "?";
            }
        }
    }

    /** Load generators on core 0, systems under test on core 1 (when there are two cores and taskset). */
    static final class Pinning {
        private Pinning() {
        }

        /**
         * Pins this JVM's threads to core 0 (the processes it starts inherit that: sipp, dumpcap,
         * tshark) and returns the launcher for the systems under test: {@code taskset -c 1}, or
         * nothing if that is not possible.
         */
        static List<String> pinSelfAndLauncher() throws InterruptedException {
            if (Runtime.getRuntime().availableProcessors() < 2) {
                return List.of();
            }
            String taskset;
            try {
                taskset = org.p2psip.interop.fixtures.Tools.requireOnPath("taskset", "util-linux");
            } catch (IllegalStateException e) {
                System.out.println("no taskset: nothing pinned (" + e.getMessage() + ")");
                return List.of();
            }
            try {
                Process p = new ProcessBuilder(taskset, "-a", "-p", "-c", "0", Long.toString(ProcessHandle.current().pid()))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return List.of();
                }
            } catch (IOException e) {
                return List.of();
            }
            return List.of(taskset, "-c", "1");
        }
    }

    /**
     * Owns what the benchmark starts: closes it in reverse order at the end, on failure and on
     * Ctrl-C (shutdown hook), then stops any child process still running (SIGTERM, 10 s, SIGKILL)
     * and deletes the peers' state directories.
     */
    static final class Owner {
        private final List<AutoCloseable> owned = new ArrayList<>();
        private final List<Path> directories = new ArrayList<>();
        private boolean closed;

        synchronized <T extends AutoCloseable> T own(T resource) {
            if (closed) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // stopping anyway
                }
                throw new IllegalStateException("the benchmark is stopping");
            }
            owned.add(resource);
            return resource;
        }

        synchronized void disown(AutoCloseable resource) {
            owned.remove(resource);
        }

        synchronized void deleteLater(Path dir) {
            directories.add(dir);
        }

        synchronized void closeAll() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception e) {
                    System.err.println("clean-up: " + owned.get(i) + ": " + e);
                }
            }
            owned.clear();
            List<ProcessHandle> left = ProcessHandle.current().descendants().collect(Collectors.toList());
            left.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ProcessHandle h : left) {
                while (h.isAlive() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
            for (Path d : directories) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // gone already
                }
            }
        }
    }
}
