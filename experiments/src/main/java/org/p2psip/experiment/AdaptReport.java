package org.p2psip.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./p2psip experiment adapt} saw: the three changes of the media path as peer-a's OM
 * logged them (insertion, failover, removal) with their times and the longest gap each phone heard
 * around each; whether each step happened as it should ({@link #steps()}, {@link #problems()});
 * what {@code ./p2psip status} showed after the hangup; the 100 ms timelines as CSV and a PNG
 * ({@link #writeFiles}).
 */
public final class AdaptReport {
    /** The target: a failover costs each phone at most this much silence. */
    static final long TARGET_GAP_MS = 500;
    /** The insertion must follow the start of the congestion within this. */
    static final long INSERT_WITHIN_MS = 8000;
    /** An event's gap is the longest silence that ended at a phone from this long before it ... */
    static final long GAP_BEFORE_MS = 1000;
    /** ... until this long after it. */
    static final long GAP_AFTER_MS = 3000;

    /** One change of the media path, {@code at} in ms since the call's media started (alice). */
    public record Event(String step, long atMs, String from, String to, String reason, long movedMs, long gapAliceMs,
                        long gapBobMs) {
    }

    /** One step's verdict. */
    public record Step(String name, boolean ok, String detail) {
    }

    private final AdaptExperiment.Settings settings;
    private final Builder b;
    private final List<Event> events;

    private AdaptReport(Builder b) {
        this.settings = b.settings;
        this.b = b;
        this.events = events(b);
    }

    static Builder builder(AdaptExperiment.Settings settings) {
        return new Builder(settings);
    }

    /** The changes of the media path, in order. */
    public List<Event> events() {
        return events;
    }

    public PhoneIntervals alice() {
        return PhoneIntervals.parse(AdaptExperiment.CALLER, b.aliceLines);
    }

    public PhoneIntervals bob() {
        return PhoneIntervals.parse(AdaptExperiment.CALLEE, b.bobLines);
    }

    /** Every adaptation line of peer-a's log (moves, measured gaps, insertions that found no relay). */
    public List<AdaptLog.Entry> peerALog() {
        return b.peerA;
    }

    /** peer-b's adaptation lines. */
    public List<AdaptLog.Entry> peerBLog() {
        return b.peerB;
    }

    /** {@code ./p2psip status} after the hangup, per live peer. */
    public Map<String, List<String>> status() {
        return Map.copyOf(b.status);
    }

    public int namespacesLeft() {
        return b.namespacesLeft;
    }

    /** The first event of a step ("insertion", "failover", "removal"), or null. */
    public Event event(String step) {
        return events.stream().filter(e -> e.step().equals(step)).findFirst().orElse(null);
    }

    /** Relative times (ms since media started at alice) of the congestion and the kill. */
    public long congestionStartMs() {
        return rel(b.congestionStart);
    }

    public long killMs() {
        return b.killed == null ? -1 : rel(b.killedAt);
    }

    public long congestionEndMs() {
        return rel(b.congestionEnd);
    }

    /** The relay peer that was killed, or null. */
    public String killed() {
        return b.killed;
    }

    private long rel(long wall) {
        return wall <= 0 ? -1 : wall - b.callStart;
    }

    /** Classifies peer-a's moves: the first into a relay after the congestion, the first off the killed relay, the first back to direct after the congestion. */
    private static List<Event> events(Builder b) {
        List<Event> out = new ArrayList<>();
        PhoneIntervals alice = PhoneIntervals.parse(AdaptExperiment.CALLER, b.aliceLines);
        PhoneIntervals bob = PhoneIntervals.parse(AdaptExperiment.CALLEE, b.bobLines);
        String killedId = b.killed == null ? null : b.relayIds.get(b.killed);
        for (AdaptLog.Entry e : b.peerA) {
            if (e.kind() != AdaptLog.Kind.MOVED) {
                continue;
            }
            String from = AdaptLog.Entry.relayOf(e.from());
            String to = AdaptLog.Entry.relayOf(e.to());
            String step;
            if (from == null && to != null) {
                step = "insertion";
            } else if (from != null && killedId != null && AdaptLog.sameNode(from, killedId) && e.atMillis() >= b.killedAt) {
                step = "failover";
            } else if (from != null && to == null) {
                step = "removal";
            } else {
                step = "other";
            }
            long from0 = step.equals("failover") ? b.killedAt : e.atMillis() - GAP_BEFORE_MS;
            long to0 = e.atMillis() + GAP_AFTER_MS;
            out.add(new Event(step, e.atMillis() - b.callStart, e.from(), e.to(), e.reason(), e.millis(),
                    maxGap(alice, b.callStart, from0, to0), maxGap(bob, b.bobMediaStart, from0, to0)));
        }
        return List.copyOf(out);
    }

    /**
     * The longest silence a phone heard that ended between {@code fromWall} and {@code toWall} (epoch ms), or a
     * run of intervals without packets there (a silence that has not ended), from its timeline whose t = 0 was
     * at {@code start}; -1 without intervals there.
     */
    static long maxGap(PhoneIntervals p, long start, long fromWall, long toWall) {
        double max = -1;
        long silent = 0; // a silence that has not ended yet shows as intervals without packets
        for (PhoneIntervals.Interval i : p.intervals()) {
            double end = start + i.t() * 1000;
            if (end >= fromWall && end - AdaptExperiment.TIMELINE_MS <= toWall && !Double.isNaN(i.maxGapMs())) {
                max = Math.max(max, i.maxGapMs());
                silent = i.received() == 0 ? silent + AdaptExperiment.TIMELINE_MS : 0;
                max = Math.max(max, silent);
            }
        }
        return Math.round(max);
    }

    /** The verdict per step, in the order of the issue. */
    public List<Step> steps() {
        List<Step> s = new ArrayList<>();
        Event ins = event("insertion");
        long cs = congestionStartMs();
        if (ins == null) {
            s.add(new Step("insertion", false, "no relay was inserted after the congestion started at " + sec(cs) + noRelayNote()));
        } else {
            boolean ok = ins.atMs() >= cs && ins.atMs() <= cs + INSERT_WITHIN_MS;
            s.add(new Step("insertion", ok, String.format(Locale.ROOT, "%s at %s, %.1f s after the congestion started (within %d s: %s)",
                    ins.to(), sec(ins.atMs()), (ins.atMs() - cs) / 1000.0, INSERT_WITHIN_MS / 1000, ok ? "yes" : "no")));
        }
        Event fo = event("failover");
        if (b.killed == null) {
            s.add(new Step("failover", false, "no relay was in use at " + settings.kill() + " s: nothing killed"));
        } else if (fo == null) {
            s.add(new Step("failover", false, b.killed + " killed at " + sec(killMs()) + " but peer-a moved the media nowhere"));
        } else {
            boolean ok = fo.gapAliceMs() >= 0 && fo.gapAliceMs() <= settings.maxGapMs() && fo.gapBobMs() >= 0
                    && fo.gapBobMs() <= settings.maxGapMs();
            s.add(new Step("failover", ok, String.format(Locale.ROOT,
                    "%s -> %s at %s, %d ms after the kill; longest gap alice %d ms, bob %d ms (target %d ms)", fo.from(), fo.to(),
                    sec(fo.atMs()), fo.atMs() - killMs(), fo.gapAliceMs(), fo.gapBobMs(), settings.maxGapMs())));
        }
        Event rm = events.stream().filter(e -> e.step().equals("removal") && e.atMs() >= congestionEndMs()).findFirst().orElse(null);
        Event early = events.stream().filter(e -> e.step().equals("removal") && e.atMs() < congestionEndMs()).findFirst().orElse(null);
        if (rm == null) {
            s.add(new Step("removal", false, "the relay was not removed after the congestion ended at " + sec(congestionEndMs())
                    + " (expected about --adapt-remove-ms " + settings.effectiveRemoveMs() + " ms after the later of that and the failover)"
                    + (early == null ? "" : "; a removal came early, at " + sec(early.atMs()))));
        } else {
            s.add(new Step("removal", early == null, String.format(Locale.ROOT, "%s -> direct at %s, %.1f s after the congestion ended%s",
                    rm.from(), sec(rm.atMs()), (rm.atMs() - congestionEndMs()) / 1000.0,
                    early == null ? "" : "; but a removal came during the congestion, at " + sec(early.atMs()))));
        }
        long flips = events.stream().filter(e -> e.step().equals("other")).count() + Math.max(0, countOf("insertion") - 1)
                + Math.max(0, countOf("removal") - 1);
        if (flips > 0) {
            s.add(new Step("no flapping", false, flips + " change(s) beyond the three expected (see the events)"));
        }
        boolean exits = b.aliceExit == 0 && b.bobExit == 0;
        long lastAlice = lastMedia(alice());
        long lastBob = lastMedia(bob());
        boolean toEnd = exits && lastAlice >= (settings.callSeconds() - 2) * 1000L && lastBob >= (settings.callSeconds() - 2) * 1000L;
        s.add(new Step("media to the end", toEnd, String.format(Locale.ROOT,
                "alice exit %d, bob exit %d; last 100 ms with media: alice %s, bob %s (call %d s)", b.aliceExit, b.bobExit,
                sec(lastAlice), sec(lastBob), settings.callSeconds())));
        List<String> left = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : b.status.entrySet()) {
            int satos = count(e.getValue(), "SATOs");
            long rtp = rtpSessions(e.getValue());
            if (satos < 0) {
                left.add(e.getKey() + ": no status");
            } else if (satos != 0 || rtp > 0) {
                left.add(e.getKey() + ": " + satos + " SATO(s), " + rtp + " RTP-Port session(s)");
            }
        }
        s.add(new Step("teardown", left.isEmpty() && !b.status.isEmpty(), left.isEmpty()
                ? "after the hangup ./p2psip status on " + String.join(", ", b.status.keySet()) + ": no SATO, no RTP-Port session"
                : String.join("; ", left)));
        s.add(new Step("lab removed", b.namespacesLeft == 0, b.namespacesLeft + " namespace(s) left"));
        return s;
    }

    private long countOf(String step) {
        return events.stream().filter(e -> e.step().equals(step)).count();
    }

    private String noRelayNote() {
        List<String> stays = b.peerA.stream().filter(e -> e.kind() == AdaptLog.Kind.STAYS_DIRECT).map(AdaptLog.Entry::line).toList();
        return stays.isEmpty() ? " (peer-a logged no attempt: the thresholds were not crossed long enough?)"
                : " (peer-a: " + stays.get(stays.size() - 1) + ")";
    }

    /** The count on a status line starting with {@code label} ({@code SATOs       0}), -1 if none. */
    static int count(List<String> status, String label) {
        for (String l : status) {
            if (l.startsWith(label + " ")) {
                try {
                    return Integer.parseInt(l.substring(label.length()).trim().split("\\s+")[0]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Sessions of the RTP-Port in a status ({@code   rtp-port  ...  running  sessions N}), summed; -1 without a line. */
    static long rtpSessions(List<String> status) {
        long n = -1;
        for (String l : status) {
            String t = l.trim().toLowerCase(Locale.ROOT);
            int i = t.indexOf(" sessions ");
            if (t.startsWith("rtp") && i > 0) {
                try {
                    n = Math.max(n, 0) + Long.parseLong(t.substring(i + 10).trim().split("\\s+")[0]);
                } catch (NumberFormatException e) {
                    // not a port line
                }
            }
        }
        return n;
    }

    private static long lastMedia(PhoneIntervals p) {
        long last = -1;
        for (PhoneIntervals.Interval i : p.intervals()) {
            if (i.received() > 0) {
                last = Math.round(i.t() * 1000);
            }
        }
        return last;
    }

    /** What did not happen as it should; empty when every step did. */
    public List<String> problems() {
        return steps().stream().filter(s -> !s.ok()).map(s -> s.name() + ": " + s.detail()).toList();
    }

    /** The report as text lines. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "Adaptation during a call: A-B %d kbit/s with a %d ms queue, relays on C and D; a %d s call;"
                        + " flood A->B %d-%d s, relay in use killed at %d s; peers' --adapt-remove-ms %d",
                AdaptExperiment.BOTTLENECK_KBIT, AdaptExperiment.BOTTLENECK_QUEUE_MS, settings.callSeconds(), settings.congestionStart(),
                settings.congestionEnd(), settings.kill(), settings.effectiveRemoveMs()));
        out.add("relays: " + b.relayIds);
        out.add("");
        out.add("what happened (t: seconds since media flowed at alice; gap: the longest silence each phone heard around it)");
        List<String[]> rows = new ArrayList<>();
        if (b.congestionStart > 0) {
            rows.add(new String[] {sec(congestionStartMs()), "congestion", "UDP flood A->B at " + 3 * AdaptExperiment.BOTTLENECK_KBIT
                    + " kbit/s started", "", ""});
        }
        if (b.killed != null) {
            rows.add(new String[] {sec(killMs()), "kill", b.killed + " (node " + shortId(b.relayIds.get(b.killed)) + ") SIGKILLed", "", ""});
        }
        if (b.congestionEnd > 0) {
            rows.add(new String[] {sec(congestionEndMs()), "congestion", "flood stopped", "", ""});
        }
        for (Event e : events) {
            rows.add(new String[] {sec(e.atMs()), e.step(), e.from() + " -> " + e.to() + " (" + e.reason() + "), moved in "
                    + e.movedMs() + " ms", e.gapAliceMs() + " ms", e.gapBobMs() + " ms"});
        }
        rows.sort((x, y) -> Double.compare(Double.parseDouble(x[0].replace(" s", "")), Double.parseDouble(y[0].replace(" s", ""))));
        out.add(String.format(Locale.ROOT, "  %8s  %-10s  %-9s %-9s %s", "t", "step", "gap alice", "gap bob", "what"));
        for (String[] r : rows) {
            out.add(String.format(Locale.ROOT, "  %8s  %-10s  %-9s %-9s %s", r[0], r[1], r[3], r[4], r[2]));
        }
        out.add("");
        out.add("peer-a's own measure of the gaps (media back ...):");
        b.peerA.stream().filter(e -> e.kind() == AdaptLog.Kind.MEDIA_BACK)
                .forEach(e -> out.add("  " + sec(e.atMillis() - b.callStart) + "  " + e.line()));
        b.peerA.stream().filter(e -> e.kind() == AdaptLog.Kind.STAYS_DIRECT)
                .forEach(e -> out.add("  " + sec(e.atMillis() - b.callStart) + "  " + e.line()));
        out.add("whole call: " + alice().summary());
        out.add("            " + bob().summary());
        out.add("  alice: " + report(b.aliceLines));
        out.add("  bob:   " + report(b.bobLines));
        if (b.load != null) {
            out.add("  load: " + b.load);
        }
        out.add("");
        for (Step s : steps()) {
            out.add(String.format(Locale.ROOT, "%-18s %s  %s", s.name(), s.ok() ? "OK    " : "FAILED", s.detail()));
        }
        out.add(String.format(Locale.ROOT, "whole experiment: %.0f s", b.seconds));
        out.add(problems().isEmpty() ? "Result: OK, every step happened with gaps within the target" : "Result: FAILED");
        return out;
    }

    private static String report(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("report:")).map(l -> l.substring(7).trim()).findFirst().orElse("(no report)");
    }

    private static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(8, id.length()));
    }

    static String sec(long ms) {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** report.txt, adapt.csv (one row per phone and 100 ms) and adapt.png in {@code dir}. */
    void writeFiles(Path dir) throws IOException {
        Files.write(dir.resolve("report.txt"), lines(), StandardCharsets.UTF_8);
        long bobOffset = b.bobMediaStart - b.callStart;
        StringBuilder csv = new StringBuilder("phone,t_s,received,expected,lost,max_gap_ms\n");
        for (PhoneIntervals p : List.of(alice(), bob())) {
            long offset = p.phone().equals(AdaptExperiment.CALLEE) ? bobOffset : 0;
            for (PhoneIntervals.Interval i : p.intervals()) {
                csv.append(String.format(Locale.ROOT, "%s,%.3f,%d,%d,%d,%s%n", p.phone(), i.t() + offset / 1000.0, i.received(),
                        i.expected(), i.lost(), Double.isNaN(i.maxGapMs()) ? "" : String.format(Locale.ROOT, "%.0f", i.maxGapMs())));
            }
        }
        csv.append("\nevent,t_s,what,gap_alice_ms,gap_bob_ms\n");
        Map<String, Long> marks = marks();
        for (Map.Entry<String, Long> m : marks.entrySet()) {
            csv.append(String.format(Locale.ROOT, "mark,%.3f,%s,,%n", m.getValue() / 1000.0, m.getKey()));
        }
        for (Event e : events) {
            csv.append(String.format(Locale.ROOT, "%s,%.3f,%s -> %s,%d,%d%n", e.step(), e.atMs() / 1000.0, e.from(), e.to(),
                    e.gapAliceMs(), e.gapBobMs()));
        }
        Files.writeString(dir.resolve("adapt.csv"), csv, StandardCharsets.UTF_8);
        AdaptPlot.writePng(dir.resolve("adapt.png"), alice(), bob(), bobOffset, marks);
    }

    /** The events to mark on the timeline: label -> ms since media started at alice. */
    Map<String, Long> marks() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (b.congestionStart > 0) {
            m.put("flood starts", congestionStartMs());
        }
        if (b.killed != null) {
            m.put(b.killed + " killed", killMs());
        }
        if (b.congestionEnd > 0) {
            m.put("flood stops", congestionEndMs());
        }
        int n = 0;
        for (Event e : events) {
            m.put(e.step() + (n++ == 0 ? "" : " ") + " (" + e.to() + ")", e.atMs());
        }
        return m;
    }

    static final class Builder {
        private final AdaptExperiment.Settings settings;
        private Map<String, String> relayIds = Map.of();
        private long callStart;
        private long bobMediaStart;
        private long congestionStart;
        private long congestionEnd;
        private String killed;
        private long killedAt;
        private LoadResult load;
        private int aliceExit = -1;
        private int bobExit = -1;
        private List<String> aliceLines = List.of();
        private List<String> bobLines = List.of();
        private List<AdaptLog.Entry> peerA = List.of();
        private List<AdaptLog.Entry> peerB = List.of();
        private final Map<String, List<String>> status = new LinkedHashMap<>();
        private int namespacesLeft;
        private double seconds;

        private Builder(AdaptExperiment.Settings settings) {
            this.settings = settings;
        }

        void relayIds(Map<String, String> ids) {
            relayIds = Map.copyOf(ids);
        }

        void callStart(long wall) {
            callStart = wall;
        }

        void bobMediaStart(long wall) {
            bobMediaStart = wall;
        }

        void congestionStart(long wall) {
            congestionStart = wall;
        }

        void congestionEnd(long wall) {
            congestionEnd = wall;
        }

        void killed(String name, long wall) {
            killed = name;
            killedAt = wall;
        }

        void load(LoadResult r) {
            load = r;
        }

        void phones(int aliceExit, int bobExit, List<String> alice, List<String> bob) {
            this.aliceExit = aliceExit;
            this.bobExit = bobExit;
            this.aliceLines = List.copyOf(alice);
            this.bobLines = List.copyOf(bob);
        }

        void peerLogs(List<AdaptLog.Entry> a, List<AdaptLog.Entry> b) {
            peerA = List.copyOf(a);
            peerB = List.copyOf(b);
        }

        void status(String peer, List<String> lines) {
            status.put(peer, List.copyOf(lines));
        }

        void namespacesLeft(int n) {
            namespacesLeft = n;
        }

        void seconds(double s) {
            seconds = s;
        }

        AdaptReport build() {
            if (bobMediaStart == 0) {
                bobMediaStart = callStart;
            }
            return new AdaptReport(this);
        }
    }
}
