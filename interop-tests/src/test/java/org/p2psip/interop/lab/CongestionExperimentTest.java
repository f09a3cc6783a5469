package org.p2psip.interop.lab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.CongestionExperiment;
import org.p2psip.experiment.CongestionReport;
import org.p2psip.experiment.Preflight;

/**
 * The relay policy on a real impaired network (issue 13), as {@code ./p2psip experiment congestion}
 * runs it, with shorter calls and two more runs: real peers and phones in the lab's namespaces, a
 * 2 Mbit/s A-B bottleneck with a 300 ms queue, relays on C (fast detour) and D (slower). A fine
 * path keeps media direct; a UDP flood, a bulk TCP flow or 20% loss on A-B put the relay on C (the
 * better detour) into the media path and the call still sets up in under 3 s; with policy never the
 * phones suffer the flood; a peer that is gone gets 480 at once.
 */
public class CongestionExperimentTest {
    private static final int CALL_SECONDS = 5;
    private static CongestionReport report;
    private static String text;
    private static Map<String, CongestionReport.RunResult> runs;
    private static Path work;

    @BeforeClass
    public static void runExperiment() throws Exception {
        Preflight.check(); // needs root, ip, tc, nft: scripts/test installs them; fails loudly otherwise
        work = Path.of("target", "congestion-experiment").toAbsolutePath();
        Files.createDirectories(work);
        report = CongestionExperiment.run(new CongestionExperiment.Settings(work, CALL_SECONDS, CongestionExperiment.testRuns()),
                line -> System.out.println("== " + line));
        text = String.join("\n", report.lines());
        System.out.println(text);
        runs = report.runs().stream().collect(Collectors.toMap(r -> r.run().name().split(" ")[0], Function.identity()));
    }

    @Test
    public void everyRunDidWhatItShould() {
        assertEquals("problems:\n" + text, List.of(), report.problems());
    }

    @Test
    public void aFinePathKeepsMediaDirectAndTheStatusSaysWhy() {
        CongestionReport.RunResult r = runs.get("1");
        assertEquals(text, "direct", r.mediaPath());
        assertTrue(text, r.decisionLines().stream().anyMatch(l -> l.contains("RTP1 -> RTP2 (direct path fine")));
    }

    @Test
    public void congestionOrLossPutTheBetterRelayIntoTheMediaPathAndSetUpStaysFast() {
        for (String run : List.of("2", "2b", "4")) {
            CongestionReport.RunResult r = runs.get(run);
            assertEquals("run " + run + "\n" + text, "relay C", r.mediaPath());
            assertTrue("run " + run + ": packets through C " + r.packetsViaC(), r.packetsViaC() > 50);
            assertTrue("run " + run + ": the status names the relay and the figures\n" + text, r.decisionLines().stream()
                    .anyMatch(l -> l.contains("RTP1 -> RTP3 -> RTP2, relay on") && l.contains("direct path")));
            assertTrue("run " + run + ": set-up took " + r.srdMs() + " ms\n" + text, r.srdMs() >= 0 && r.srdMs() < 3000);
            assertTrue("run " + run + "\n" + text, r.alice().lossPercent() <= 3 && r.bob().lossPercent() <= 3);
            // media both ways for the whole call: the ACK took the detour too (had it crossed the
            // congested path, bob would have started sending seconds late)
            assertTrue("run " + run + ": seconds of media at alice " + r.alice().intervals().size() + "\n" + text,
                    r.alice().intervals().size() >= CALL_SECONDS - 2);
            assertTrue("run " + run + ": seconds of media at bob " + r.bob().intervals().size() + "\n" + text,
                    r.bob().intervals().size() >= CALL_SECONDS - 2);
        }
    }

    @Test
    public void withoutTheRelayThePhonesSufferTheFlood() {
        CongestionReport.RunResult r = runs.get("3");
        assertEquals(text, "direct", r.mediaPath());
        // behind the flood bob hears alice late (the 300 ms queue) and loses some of her packets
        assertTrue(text, r.bob().meanDelayMs() > 150);
        assertTrue(text, r.bob().lossPercent() > 0);
    }

    @Test
    public void aCallToAPeerThatIsGoneGets480AtOnce() {
        CongestionReport.RunResult r = runs.get("5");
        assertTrue(text, r.aliceReport().contains("480"));
        assertTrue(text, r.srdMs() >= 0 && r.srdMs() < 5000);
    }

    @Test
    public void theFiguresAreWrittenAsCsvAndPlot() throws Exception {
        List<String> csv = Files.readAllLines(work.resolve("congestion.csv"));
        assertTrue(csv.get(0).startsWith("run,phone,second,"));
        assertTrue("rows for each run and phone: " + csv.size(), csv.size() > 20);
        byte[] png = Files.readAllBytes(work.resolve("congestion.png"));
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }
}
