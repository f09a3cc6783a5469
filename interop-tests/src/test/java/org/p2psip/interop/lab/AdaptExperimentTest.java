package org.p2psip.interop.lab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.AdaptExperiment;
import org.p2psip.experiment.AdaptReport;
import org.p2psip.experiment.Preflight;

/**
 * Adaptation during a call on the network lab with real shaping, as {@code ./p2psip experiment adapt}
 * runs it on a shorter timeline ({@link AdaptExperiment.Settings#testing}: flood on the 2 Mbit/s A-B
 * path 5-16 s, the relay in use SIGKILLed at 12 s, a 30 s call, the peers' {@code --adapt-remove-ms}
 * shortened to 5000): the caller's OM inserts a relay after the congestion starts, fails over to the
 * other relay after the kill with media back at both phones, removes the relay after the congestion
 * ends; after the hangup no peer has a SATO or an RTP-Port session, and no namespace is left. The gap
 * is bounded generously here (2 s); the 500/300 ms targets are measured by {@code --trials}.
 */
public class AdaptExperimentTest {
    private static AdaptReport report;
    private static String text;
    private static Path work;

    @BeforeClass
    public static void runExperiment() throws Exception {
        Preflight.check(); // needs root, ip, tc, nft: scripts/test installs them; fails loudly otherwise
        work = Path.of("target", "adapt-experiment").toAbsolutePath();
        Files.createDirectories(work);
        report = AdaptExperiment.run(AdaptExperiment.Settings.testing(work), line -> System.out.println("== " + line));
        text = String.join("\n", report.lines());
        System.out.println(text);
    }

    @Test
    public void aRelayIsInsertedAfterTheCongestionStarts() {
        AdaptReport.Event ins = report.event("insertion");
        assertNotNull("no insertion\n" + text, ins);
        assertTrue(text, ins.from().equals("direct") && ins.to().startsWith("via "));
        assertTrue("insertion at " + ins.atMs() + " ms, congestion from " + report.congestionStartMs() + " ms\n" + text,
                ins.atMs() > report.congestionStartMs());
    }

    @Test
    public void killingTheRelayInUseMovesTheMediaAndBothPhonesHearItAgain() {
        assertNotNull("a relay was in use and killed\n" + text, report.killed());
        AdaptReport.Event fo = report.event("failover");
        assertNotNull("no failover\n" + text, fo);
        assertTrue(text, fo.atMs() > report.killMs());
        assertTrue("the media left the killed relay for the other one\n" + text, fo.to().startsWith("via ")
                && !fo.to().equals(fo.from()));
        assertTrue("alice heard media again within 2 s\n" + text, fo.gapAliceMs() >= 0 && fo.gapAliceMs() < 2000);
        assertTrue("bob heard media again within 2 s\n" + text, fo.gapBobMs() >= 0 && fo.gapBobMs() < 2000);
    }

    @Test
    public void theRelayIsRemovedAfterTheCongestionEnds() {
        List<AdaptReport.Event> removals = report.events().stream().filter(e -> e.step().equals("removal")).toList();
        assertEquals("one removal\n" + text, 1, removals.size());
        assertTrue(text, removals.get(0).atMs() > report.congestionEndMs() && removals.get(0).to().equals("direct"));
    }

    @Test
    public void mediaFlowsToTheEndAndTheTeardownLeavesNothing() {
        for (AdaptReport.Step s : report.steps()) {
            if (s.name().equals("media to the end") || s.name().equals("teardown") || s.name().equals("lab removed")) {
                assertTrue(s.name() + ": " + s.detail() + "\n" + text, s.ok());
            }
        }
        Map<String, List<String>> status = report.status();
        assertTrue("status of peer-a and peer-b at least: " + status.keySet(), status.containsKey("peer-a") && status.containsKey("peer-b"));
        for (Map.Entry<String, List<String>> e : status.entrySet()) {
            assertTrue(e.getKey() + ": " + e.getValue(), e.getValue().stream().anyMatch(l -> l.matches("SATOs\\s+0")));
        }
        assertEquals(0, report.namespacesLeft());
    }

    @Test
    public void theTimelineIsWrittenAsCsvAndPlot() throws Exception {
        List<String> csv = Files.readAllLines(work.resolve("adapt.csv"));
        assertTrue(csv.get(0).startsWith("phone,t_s,received"));
        assertTrue("rows per 100 ms at both phones: " + csv.size(), csv.size() > 400);
        byte[] png = Files.readAllBytes(work.resolve("adapt.png"));
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }
}
