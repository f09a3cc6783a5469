package org.p2psip.interop.bench;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.p2psip.sip.bench.Capture;

/** The system benchmark's report: one table per figure, each p2psip figure with its ratio to Kamailio. */
final class Report {
    private Report() {
    }

    static final List<String> PEERS = List.of(SystemBenchmark.DIRECT, SystemBenchmark.RELAY);

    static String render(SystemBenchmark b) {
        SystemBenchmark.Results r = b.results;
        StringBuilder sb = new StringBuilder();
        sb.append("==== The assembled system vs Kamailio (scripts/bench sip").append(b.quick ? " --quick" : "").append(")\n\n");
        sb.append("date: ").append(r.started == null ? "?" : r.started.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
                .append(" to ").append(r.finished == null ? "(aborted)" : r.finished.format(DateTimeFormatter.ISO_LOCAL_TIME)).append('\n');
        sb.append("machine: ").append(r.machine).append('\n');
        sb.append("load average (1/5/15 min) before: ").append(r.loadBefore).append("; after: ").append(r.loadAfter);
        r.loadPerSystem.forEach((s, l) -> sb.append("; at the start of ").append(s).append(": ").append(l));
        sb.append(" (the machine is shared: other engineers' builds and tests may run meanwhile)\n");
        sb.append("pinning: ").append(r.launcher.isEmpty() ? "none" : "sipp, dumpcap, tshark and the harness on core 0; systems under test: "
                + String.join(" ", r.launcher).replaceAll("^\\S*/", "")).append('\n');
        sb.append("code: ").append(r.commit).append(" (git describe at the start; the launcher rebuilds the peers when sources change)\n");
        sb.append("p2psip: three ./p2psip peer processes, caller at peer 1, callee registered at\n"
                + "peer 2, peer 3 offers its RTP-Port as relay; Kamailio 5.6: registrar + record-routing stateful proxy ("
                + org.p2psip.sip.bench.KamailioProcess.CHILDREN + " children, " + org.p2psip.sip.bench.KamailioProcess.SHM_MB
                + " MB shm);\ntwo chained: the caller's Kamailio relays to the callee's. sipp scenarios uac.xml (INVITE with SDP, hold "
                + SystemBenchmark.HOLD_MS + " ms, BYE), uas.xml, register-bench.xml (a new Call-ID per REGISTER, cycling through "
                + SystemBenchmark.REGISTER_USERS + " users).\n");
        if (!r.peerJvm.isEmpty()) {
            sb.append("peers: ./p2psip peer (the launcher users run), JVM options ").append(r.peerJvm)
                    .append("; ").append(r.portsMode).append('\n');
        }
        sb.append("ratios: p2psip's figure divided by Kamailio's (delays: above 1 is slower; rates and memory: above 1 is more).\n");
        if (!r.interrupted.isEmpty()) {
            sb.append("runs repeated because a sipp was stopped from outside the benchmark: ").append(r.interrupted.size()).append('\n');
        }
        if (b.quick) {
            sb.append("QUICK RUN: short steps and few rates; it checks the harness, its figures are not for citing.\n");
        }
        sb.append('\n');

        Table srd = new Table("Session Request Delay (RFC 6076), INVITE sent by the UAC -> 200 OK received, ms, at "
                + SystemBenchmark.SRD_RATE + " calls/s (fresh: the first " + b.freshCalls + " calls after start; warm: "
                + b.warmCalls + " calls after " + b.warmupCalls + " warm-up calls)",
                "system", "calls", "median", "p95", "p99", "median / 2 Kam.", "p99 / 2 Kam.", "median / 1 Kam.", "p99 / 1 Kam.",
                "CPU ms / call", "beyond idle");
        Table first = new Table("Session Request Delay to the first response other than 100 Trying (the 180), ms",
                "system", "calls", "median", "p95", "p99", "median / 2 Kam.", "p99 / 2 Kam.", "median / 1 Kam.", "p99 / 1 Kam.");
        for (String phase : List.of("fresh", "warm")) {
            Map<String, SystemBenchmark.Srd> m = phase.equals("fresh") ? r.srdFresh : r.srdWarm;
            for (Map.Entry<String, SystemBenchmark.Srd> e : m.entrySet()) {
                srdRow(srd, e.getKey() + ", " + phase, e.getValue(), m, SystemBenchmark.Srd::to200, true);
                srdRow(first, e.getKey() + ", " + phase, e.getValue(), m, SystemBenchmark.Srd::toFirst, false);
            }
        }
        for (Map.Entry<String, SystemBenchmark.Srd> e : r.srdFresh.entrySet()) {
            if (!e.getValue().sipp().clean()) {
                srd.note("* " + e.getKey() + ", fresh: not every call succeeded: " + e.getValue().sipp() + "; answers " + e.getValue().answers());
            }
        }
        for (Map.Entry<String, SystemBenchmark.Srd> e : r.srdWarm.entrySet()) {
            if (!e.getValue().sipp().clean()) {
                srd.note("* " + e.getKey() + ", warm: not every call succeeded: " + e.getValue().sipp() + "; answers " + e.getValue().answers());
            }
        }
        srd.note("CPU ms / call: CPU time (user + system, /proc/PID/stat) of the system's processes during the SRD calls"
                + " (INVITE to BYE), divided by the calls: the peers' JVMs with every thread (JIT and GC included); Kamailio's"
                + " main process and workers. Beyond idle: minus what the same processes used per second while idle in the 5 s"
                + " before (ring maintenance, path probes, JIT compilation still going on), times the calls' duration.");
        append(sb, srd);
        append(sb, first);

        Table cap = new Table("Capacity: highest rate with zero failures (" + b.stepSeconds + " s per step, a failed step retried once;"
                + " calls hold " + SystemBenchmark.HOLD_MS + " ms)",
                "system", "REGISTER/s", "/ 2 Kam.", "/ 1 Kam.", "calls/s", "/ 2 Kam.", "/ 1 Kam.");
        List<String> systems = new ArrayList<>(r.calls.keySet());
        for (String s : r.registers.keySet()) {
            if (!systems.contains(s)) {
                systems.add(s);
            }
        }
        for (String s : systems) {
            Capacity reg = r.registers.get(s);
            Capacity calls = r.calls.get(s);
            boolean peer = PEERS.contains(s);
            if (reg == null && s.equals(SystemBenchmark.RELAY)) {
                reg = r.registers.get(SystemBenchmark.DIRECT); // REGISTER does not touch media: measured once
            }
            cap.row(s, reg == null ? "-" : reg.display() + (s.equals(SystemBenchmark.RELAY) && reg != null ? " (as direct)" : ""),
                    peer ? capRatio(reg, r.registers.get(SystemBenchmark.K2)) : "-",
                    peer ? capRatio(reg, r.registers.get(SystemBenchmark.K1)) : "-",
                    calls == null ? "-" : calls.display(),
                    peer ? capRatio(calls, r.calls.get(SystemBenchmark.K2)) : "-",
                    peer ? capRatio(calls, r.calls.get(SystemBenchmark.K1)) : "-");
        }
        cap.note("'>= N': every rate tried passed (the capacity is higher); '< N': the lowest rate tried failed. Rates tried: "
                + "p2psip calls " + ints(b.p2pCallRates) + ", REGISTER " + ints(b.p2pRegRates) + "; Kamailio calls " + ints(b.kamCallRates)
                + ", REGISTER " + ints(b.kamRegRates) + ".");
        cap.note("The load generators (sipp UAC and UAS) share core 0: Kamailio's figures can be sipp's limit rather than Kamailio's.");
        append(sb, cap);

        Table over = new Table("Overload: twice the zero-failure call rate for " + b.overloadSeconds + " s; the first final answer to each INVITE"
                + " (from the capture); then, 5 s after the last overload call ended, the peers' state and a step at the full rate",
                "system", "offered", "INVITEs", "200", "503 + Retry-After", "503 without", "408", "other", "none",
                "SRD p99 accepted", "drained after", "left at +5 s", "full rate at +5 s");
        for (Map.Entry<String, SystemBenchmark.Overload> e : r.overload.entrySet()) {
            SystemBenchmark.Overload o = e.getValue();
            Map<String, Integer> a = o.answers();
            int other = 0;
            List<String> others = new ArrayList<>();
            for (Map.Entry<String, Integer> x : a.entrySet()) {
                if (!List.of("200", "503 with Retry-After", "503 without Retry-After", "408", "no final answer").contains(x.getKey())) {
                    other += x.getValue();
                    others.add(x.getKey() + ": " + x.getValue());
                }
            }
            over.row(e.getKey(), o.offered() + "/s (2 x " + o.capacity() + ")", Integer.toString(o.invites()), count(a, "200"),
                    count(a, "503 with Retry-After"), count(a, "503 without Retry-After"), count(a, "408"), Integer.toString(other),
                    count(a, "no final answer"), Table.ms(o.accepted().p99()),
                    Double.isNaN(o.drainedAfterSeconds()) ? "not in 5 s" : String.format(Locale.ROOT, "%.1f s", o.drainedAfterSeconds()),
                    o.drainedAt5s() ? "nothing" : o.leftAt5s()[0] + " SATOs, " + o.leftAt5s()[1] + " RTP", o.recovery() == null ? "-" : o.recovery().clean() ? "yes" : "NO");
            over.note("* " + e.getKey() + ": sipp " + o.sipp() + " (timeouts on receive " + o.sipp().column("FailedTimeoutOnRecv")
                    + ", unexpected messages " + o.sipp().column("FailedUnexpectedMessage") + ", max UDP retransmissions "
                    + o.sipp().column("FailedMaxUDPRetrans") + ")" + (others.isEmpty() ? "" : "; other answers " + others)
                    + "; at +5 s " + o.leftoversAt5s() + "; full rate (" + o.capacity() + "/s for " + b.stepSeconds + " s): " + o.recovery());
        }
        append(sb, over);

        Table mem = new Table("Memory of the idle systems: PSS (MiB) from /proc/PID/smaps_rollup, each box's processes summed"
                + " (a peer: its JVM and its SATO-Port processes; Kamailio: all its processes)",
                "system", "box", "after start", "after warm-up", "warm / 1 Kam.", "processes");
        double kamBox = Double.NaN;
        List<Sut.Box> k1 = r.memWarm.get(SystemBenchmark.K1);
        if (k1 != null && !k1.isEmpty()) {
            kamBox = k1.get(0).tree().pssKib();
        }
        List<String> memSystems = new ArrayList<>(r.memStart.keySet());
        for (String s : memSystems) {
            List<Sut.Box> st = r.memStart.get(s);
            List<Sut.Box> wm = r.memWarm.getOrDefault(s, List.of());
            for (int i = 0; i < st.size(); i++) {
                Sut.Box w = i < wm.size() ? wm.get(i) : null;
                mem.row(s, st.get(i).name(), Table.mib(st.get(i).tree().pssKib()), w == null ? "-" : Table.mib(w.tree().pssKib()),
                        w == null ? "-" : Table.ratio(w.tree().pssKib(), kamBox),
                        Integer.toString((w != null ? w : st.get(i)).tree().parts().size()));
            }
        }
        append(sb, mem);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Table t) {
        if (!t.isEmpty()) {
            sb.append(t.render()).append('\n');
        }
    }

    private static String count(Map<String, Integer> a, String key) {
        return Integer.toString(a.getOrDefault(key, 0));
    }

    private static String ints(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    static String capRatio(Capacity p2p, Capacity kam) {
        if (p2p == null || kam == null) {
            return "n/a";
        }
        String r = Table.ratio(p2p.value(), kam.value());
        if (r.equals("n/a")) {
            return r;
        }
        // a bound on either side makes the ratio a bound
        if (kam.allPassed() && !p2p.allPassed()) {
            return "<= " + r;
        }
        if (p2p.allPassed() && !kam.allPassed()) {
            return ">= " + r;
        }
        return p2p.allPassed() && kam.allPassed() ? "~ " + r : r;
    }

    private static void srdRow(Table t, String label, SystemBenchmark.Srd s, Map<String, SystemBenchmark.Srd> phase,
                               Function<SystemBenchmark.Srd, Capture.Delays> which, boolean cpu) {
        Capture.Delays d = which.apply(s);
        boolean peer = PEERS.stream().anyMatch(label::startsWith);
        SystemBenchmark.Srd k2 = phase.get(SystemBenchmark.K2);
        SystemBenchmark.Srd k1 = phase.get(SystemBenchmark.K1);
        Capture.Delays d2 = k2 == null ? null : which.apply(k2);
        Capture.Delays d1 = k1 == null ? null : which.apply(k1);
        List<String> cells = new ArrayList<>(List.of(label, d.count() + (s.sipp().clean() ? "" : " *"), Table.ms(d.median()),
                Table.ms(d.p95()), Table.ms(d.p99()),
                peer ? Table.ratio(d.median(), d2 == null ? Double.NaN : d2.median()) : "-",
                peer ? Table.ratio(d.p99(), d2 == null ? Double.NaN : d2.p99()) : "-",
                peer ? Table.ratio(d.median(), d1 == null ? Double.NaN : d1.median()) : "-",
                peer ? Table.ratio(d.p99(), d1 == null ? Double.NaN : d1.p99()) : "-"));
        if (cpu) {
            cells.add(Table.ms(s.cpuMsPerCall()));
            cells.add(Table.ms(s.cpuMsPerCallBeyondIdle()));
        }
        t.row(cells.toArray(new String[0]));
    }
}
