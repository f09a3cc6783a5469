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
import java.util.TreeMap;

/**
 * What {@code ./p2psip experiment partition} saw: when the ring formed, closed on each side after
 * the cut and merged after the heal (as the peers reported it), when every user was found from
 * every peer, every call placed with its outcome (status code, time to the final response, media,
 * BYE), the registrations during the cut, what was left; a verdict per claim of the issue
 * ({@link #steps()}, {@link #problems()}), the figures as CSV and a PNG ({@link #writeFiles}).
 * Times in the lines are seconds since the cut.
 */
public final class PartitionReport {

    /** One call: who called whom from where, when (wall ms), the final response and the media. */
    public record CallResult(String name, String kind, String from, String callee, long attemptMillis, String outcome,
                             int status, long responseMs, boolean media, long mediaMillis, long callerByeMillis,
                             long calleeByeMillis, String report, String relay) {
    }

    /** One claim's verdict. */
    public record Step(String name, boolean ok, String detail) {
    }

    private final Builder b;

    private PartitionReport(Builder b) {
        this.b = b;
    }

    static Builder builder(PartitionExperiment.Settings settings) {
        return new Builder(settings);
    }

    public PartitionExperiment.Settings settings() {
        return b.settings;
    }

    public List<CallResult> calls() {
        return List.copyOf(b.calls);
    }

    /** Calls of a kind: ACROSS_THE_CUT, LOCAL, LOCAL_RELAY_EARLY, LOCAL_RELAY, CROSS_DURING, CROSS_AFTER. */
    public List<CallResult> calls(String kind) {
        return b.calls.stream().filter(c -> c.kind().equals(kind)).toList();
    }

    /** ms from the peers' start until every peer reported the whole ring (-1: never). */
    public long ringFormedMs() {
        return b.ringFormedMs;
    }

    /** ms from the cut until every peer of side A (B) reported its side's size (-1: never). */
    public long sideAClosedMs() {
        return b.closedA;
    }

    public long sideBClosedMs() {
        return b.closedB;
    }

    /** ms from the heal until every peer reported the whole ring again (-1: not within the wait). */
    public long mergedMs() {
        return b.mergedMs;
    }

    /** ms from the heal until every user's record was found from every peer (-1: not within the wait). */
    public long allFoundMs() {
        return b.foundMs;
    }

    /** At the end of the wait, user -> peers that did not find it (empty: all found). */
    public Map<String, List<String>> notFound() {
        return b.missing;
    }

    /** During the cut: user -> peers of its own side that found its record. */
    public Map<String, List<String>> foundDuringCut() {
        return b.foundDuringCut;
    }

    /** Registration and refresh lines of the answering phones, with their times. */
    public List<Map.Entry<Long, String>> registrations() {
        return b.registrations;
    }

    public Map<String, Integer> satosLeft() {
        return b.satosLeft;
    }

    public int namespacesLeft() {
        return b.namespacesLeft;
    }

    /** The status codes of the cross calls during the cut and how often each came (0: no final response). */
    public Map<Integer, Integer> crossStatusCodes() {
        Map<Integer, Integer> out = new TreeMap<>();
        calls("CROSS_DURING").forEach(c -> out.merge(c.status(), 1, Integer::sum));
        return out;
    }

    /** A verdict per claim of the issue, in order. */
    public List<Step> steps() {
        PartitionExperiment.Settings s = b.settings;
        int n = s.perSide();
        List<Step> out = new ArrayList<>();
        out.add(new Step("one ring of " + 2 * n + " before the cut", b.ringFormedMs >= 0,
                b.ringFormedMs >= 0 ? "every peer reported " + 2 * n + " after " + sec(b.ringFormedMs) + " s" : "never"));
        List<CallResult> across = calls("ACROSS_THE_CUT");
        CallResult a = across.isEmpty() ? null : across.get(0);
        boolean byeBoth = a != null && a.media() && a.callerByeMillis() > b.cutAt && a.calleeByeMillis() > b.cutAt
                && a.callerByeMillis() < b.healAt && a.calleeByeMillis() < b.healAt;
        out.add(new Step("the call up across the link ended by BYE at both phones after --dead-media-s " + s.deadMediaSeconds(),
                byeBoth, a == null ? "no call" : "set up: " + a.outcome() + "; BYE at the caller " + rel(a.callerByeMillis())
                + ", at the callee " + rel(a.calleeByeMillis()) + " (seconds since the cut); peers' log: "
                + b.byeA.size() + " + " + b.byeB.size() + " 'BYE sent to the phone'"));
        out.add(new Step("each side's ring closed on itself", b.closedA >= 0 && b.closedB >= 0,
                "side A: every peer reported " + n + " at " + secOrNever(b.closedA) + ", side B at " + secOrNever(b.closedB)));
        List<CallResult> local = calls("LOCAL");
        out.add(new Step("local calls on both sides set up and carried media", local.size() == 2
                && local.stream().allMatch(CallResult::media), summary(local)));
        List<CallResult> relayed = calls("LOCAL_RELAY");
        out.add(new Step("local calls through a relay of their side, late in the cut, set up and carried media",
                relayed.size() == 2 && relayed.stream().allMatch(c -> c.media() && c.relay().contains("relay on")),
                summary(relayed) + " (a relay call early in the cut, not part of the verdict: " + summary(calls("LOCAL_RELAY_EARLY"))
                        + ")"));
        long refreshFailed = b.registrations.stream().filter(e -> inCut(e.getKey()) && e.getValue().contains("refresh failed")).count();
        long refreshed = b.registrations.stream().filter(e -> inCut(e.getKey()) && e.getValue().contains("refreshed")).count();
        long newRegistered = b.registrations.stream().filter(e -> inCut(e.getKey()) && e.getValue().contains(": registered")).count();
        out.add(new Step("registrations and refreshes during the cut succeeded on both sides", newRegistered >= 2 && refreshFailed == 0,
                newRegistered + " new registration(s), " + refreshed + " refresh(es), " + refreshFailed + " failed refresh(es)"));
        List<CallResult> cross = calls("CROSS_DURING");
        long maxMs = cross.stream().mapToLong(c -> c.status() > 0 ? c.responseMs() : Long.MAX_VALUE).max().orElse(-1);
        boolean fast = !cross.isEmpty() && cross.stream().allMatch(c -> c.status() >= 400 && c.responseMs() >= 0
                && c.responseMs() <= s.crossFinalSeconds() * 1000L);
        out.add(new Step("cross calls during the cut got a final response within " + s.crossFinalSeconds() + " s, never a hang", fast,
                cross.size() + " call(s), status codes " + crossStatusCodes() + " (0: none), slowest "
                        + (maxMs == Long.MAX_VALUE ? "no final response" : maxMs + " ms")));
        boolean all480 = !cross.isEmpty() && cross.stream().allMatch(c -> c.status() == 480);
        out.add(new Step("... and that response was 480 Temporarily Unavailable", all480, all480 ? "all 480"
                : "NOT all 480: " + outcomes(cross) + (crossStatusCodes().containsKey(404)
                ? " (404 Not Found when no replica of the callee's record was on the caller's side)" : "")));
        out.add(new Step("one ring of " + 2 * n + " at every peer within " + s.mergeTargetSeconds() + " s of the heal",
                b.mergedMs >= 0 && b.mergedMs <= s.mergeTargetSeconds() * 1000L, "after " + secOrNever(b.mergedMs)));
        out.add(new Step("every user found from every peer within " + s.mergeTargetSeconds() + " s of the heal",
                b.foundMs >= 0 && b.foundMs <= s.mergeTargetSeconds() * 1000L,
                "after " + secOrNever(b.foundMs) + (b.missing.isEmpty() ? "" : "; not found: " + b.missing)));
        List<CallResult> after = calls("CROSS_AFTER");
        out.add(new Step("cross calls after the heal set up and carried media, both ways, to old and new users",
                after.size() == 4 && after.stream().allMatch(CallResult::media), summary(after)));
        out.add(new Step("nothing left behind", b.satosLeft.isEmpty() && b.namespacesLeft == 0,
                "SATOs left " + (b.satosLeft.isEmpty() ? "none" : b.satosLeft) + ", namespaces left " + b.namespacesLeft));
        return out;
    }

    /** The steps that did not happen, as lines. */
    public List<String> problems() {
        return steps().stream().filter(st -> !st.ok()).map(st -> st.name() + ": " + st.detail()).toList();
    }

    public List<String> lines() {
        PartitionExperiment.Settings s = b.settings;
        List<String> out = new ArrayList<>();
        out.add("Partition of " + 2 * s.perSide() + " peers (two sides of " + s.perSide() + ") for " + s.partitionSeconds()
                + " s, peers' --dead-media-s " + s.deadMediaSeconds() + "; run took " + String.format(Locale.ROOT, "%.0f", b.seconds) + " s");
        out.add("ring: formed in " + secOrNever(b.ringFormedMs) + "; after the cut side A closed at " + secOrNever(b.closedA)
                + ", side B at " + secOrNever(b.closedB) + "; after the heal one ring at " + secOrNever(b.mergedMs)
                + ", every user found from every peer at " + secOrNever(b.foundMs));
        out.add("found during the cut from peers of the user's own side: " + b.foundDuringCut);
        calls("CROSS_DURING").stream().findFirst().ifPresent(c -> out.add("first cross call during the cut, final response: " + c.outcome()));
        out.add("");
        out.add(String.format(Locale.ROOT, "%-7s %-15s %-4s %-7s %8s  %-40s %8s  %s", "call", "kind", "from", "callee", "t (s)",
                "outcome", "resp ms", "media / BYE"));
        for (CallResult c : b.calls) {
            String media = c.media() ? "media both ways" : "no media";
            if (c.kind().equals("ACROSS_THE_CUT")) {
                media += ", BYE at caller " + rel(c.callerByeMillis()) + " callee " + rel(c.calleeByeMillis());
            }
            out.add(String.format(Locale.ROOT, "%-7s %-15s %-4s %-7s %8s  %-40s %8d  %s", c.name(), c.kind(), c.from(), c.callee(),
                    rel(c.attemptMillis()), shortOutcome(c.outcome()), c.responseMs(), media));
            if (!c.relay().isEmpty()) {
                out.add("        " + c.relay());
            }
        }
        out.add("");
        out.add("registrations (s since the cut):");
        b.registrations.forEach(e -> out.add("  " + rel(e.getKey()) + "  " + e.getValue()));
        out.add("BYE sent to the phone (peer-a1, peer-b1 logs):");
        b.byeA.forEach(l -> out.add("  " + l));
        b.byeB.forEach(l -> out.add("  " + l));
        out.add("");
        for (Step st : steps()) {
            out.add((st.ok() ? "OK    " : "FAIL  ") + st.name() + ": " + st.detail());
        }
        out.add(problems().isEmpty() ? "Result: OK" : "Result: FAILED (" + problems().size() + " claim(s) not shown)");
        return out;
    }

    /** report.txt, partition.csv (ring size per peer over time), partition-calls.csv and partition.png. */
    void writeFiles(Path dir) throws IOException {
        Files.write(dir.resolve("report.txt"), lines(), StandardCharsets.UTF_8);
        StringBuilder csv = new StringBuilder("t_s,peer,ring_size,exact,merges,satos\n");
        for (RingWatch.Sample x : b.samples) {
            csv.append(String.format(Locale.ROOT, "%.1f,%s,%d,%s,%d,%d%n", (x.atMillis() - b.cutAt) / 1000.0, x.peer(), x.size(),
                    x.exact(), x.merges(), x.satos()));
        }
        Files.writeString(dir.resolve("partition.csv"), csv, StandardCharsets.UTF_8);
        StringBuilder calls = new StringBuilder("call,kind,from,callee,attempt_t_s,status,outcome,response_ms,media,bye_caller_t_s,bye_callee_t_s\n");
        for (CallResult c : b.calls) {
            calls.append(String.join(",", c.name(), c.kind(), c.from(), c.callee(), rel(c.attemptMillis()), String.valueOf(c.status()),
                    '"' + c.outcome().replace("\"", "'") + '"', String.valueOf(c.responseMs()), String.valueOf(c.media()),
                    rel(c.callerByeMillis()), rel(c.calleeByeMillis()))).append('\n');
        }
        Files.writeString(dir.resolve("partition-calls.csv"), calls, StandardCharsets.UTF_8);
        PartitionPlot.writePng(dir.resolve("partition.png"), b.samples, b.calls, b.cutAt, b.healAt, 2 * b.settings.perSide());
    }

    private boolean inCut(long at) {
        return at >= b.cutAt && at <= b.healAt;
    }

    private static String summary(List<CallResult> calls) {
        if (calls.isEmpty()) {
            return "no calls";
        }
        List<String> parts = new ArrayList<>();
        for (CallResult c : calls) {
            parts.add(c.from() + " -> " + c.callee() + ": " + shortOutcome(c.outcome()) + (c.responseMs() >= 0 ? " in " + c.responseMs() + " ms" : "")
                    + (c.media() ? ", media" : ", NO media"));
        }
        return String.join("; ", parts);
    }

    /** The status line of an outcome without the long reason in parentheses (the CSV has it whole). */
    private static String shortOutcome(String outcome) {
        int paren = outcome.indexOf(" (");
        String s = paren > 0 ? outcome.substring(0, paren) : outcome;
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static String outcomes(List<CallResult> calls) {
        Map<String, Integer> out = new LinkedHashMap<>();
        calls.forEach(c -> out.merge(c.outcome(), 1, Integer::sum));
        return out.toString();
    }

    private String rel(long wall) {
        return wall <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", (wall - b.cutAt) / 1000.0);
    }

    private static String sec(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static String secOrNever(long ms) {
        return ms < 0 ? "never" : sec(ms) + " s";
    }

    /** Collects what the experiment saw. */
    static final class Builder {
        private final PartitionExperiment.Settings settings;
        private RingWatch watch;
        private List<RingWatch.Sample> samples = List.of();
        private long ringFormedMs = -1;
        private long cutAt;
        private long healAt = Long.MAX_VALUE;
        private long closedA = -1;
        private long closedB = -1;
        private long mergedMs = -1;
        private long foundMs = -1;
        private Map<String, List<String>> missing = Map.of();
        private Map<String, List<String>> foundDuringCut = Map.of();
        private Map<String, Integer> satosLeft = Map.of();
        private final List<CallResult> calls = new ArrayList<>();
        private List<String> byeA = List.of();
        private List<String> byeB = List.of();
        private List<Map.Entry<Long, String>> registrations = List.of();
        private int namespacesLeft = -1;
        private double seconds;

        private Builder(PartitionExperiment.Settings settings) {
            this.settings = settings;
        }

        void watch(RingWatch w) {
            this.watch = w;
        }

        void ringFormed(long ms) {
            ringFormedMs = ms;
        }

        void cutAt(long wall) {
            cutAt = wall;
        }

        void healAt(long wall) {
            healAt = wall;
        }

        void sidesClosed(long a, long b) {
            closedA = a;
            closedB = b;
        }

        void foundDuringCut(Map<String, List<String>> found) {
            foundDuringCut = Map.copyOf(found);
        }

        void merge(long merged, long found, Map<String, List<String>> notFound) {
            mergedMs = merged;
            foundMs = found;
            missing = Map.copyOf(notFound);
        }

        void satosLeft(Map<String, Integer> left) {
            satosLeft = Map.copyOf(left);
        }

        void call(CallResult c) {
            calls.add(c);
        }

        void byeLines(List<String> a, List<String> b) {
            byeA = List.copyOf(a);
            byeB = List.copyOf(b);
        }

        void registrations(List<Map.Entry<Long, String>> r) {
            registrations = List.copyOf(r);
        }

        void namespacesLeft(int n) {
            namespacesLeft = n;
        }

        void seconds(double s) {
            seconds = s;
        }

        PartitionReport build() {
            if (watch != null) {
                samples = watch.samples();
            }
            if (cutAt == 0) {
                cutAt = System.currentTimeMillis();
            }
            return new PartitionReport(this);
        }
    }
}
