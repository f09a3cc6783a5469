package org.p2psip.interop.nat;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.NatExperiment;
import org.p2psip.experiment.NatExperimentReport;
import org.p2psip.experiment.NatMode;
import org.p2psip.experiment.NatNetwork;
import org.p2psip.experiment.Preflight;

/**
 * The paper's NAT experiment (Sec. 5.3) as a test: real peers, phones, namespaces and nftables
 * symmetric NATs (the same run as {@code ./p2psip experiment nat}, with a 6 s UDP binding timeout
 * and a 10 s call). Checks what the paper claims: both NATed peers take part through the public
 * peer, the call's signalling and media pass through it, media keeps flowing after the NATs' UDP
 * timeout, nothing is left afterwards, and a direct attempt in the same run fails.
 */
public class NatExperimentTest {
    private static NatExperimentReport report;
    private static String text;

    @BeforeClass
    public static void runExperiment() throws Exception {
        Preflight.check(); // needs root and ip/nft: scripts/test installs them; fails loudly otherwise
        Path work = Path.of("target", "nat-experiment");
        report = NatExperiment.run(new NatExperiment.Settings(work, 6, 10, NatMode.SYMMETRIC),
                line -> System.out.println("== " + line));
        text = String.join("\n", report.lines());
        System.out.println(text);
    }

    @Test
    public void theExperimentReproducesThePaper() {
        assertEquals("problems:\n" + text, List.of(), report.problems());
    }

    @Test
    public void bothNatedPeersAreReachedThroughThePublicPeersTcpRelay() {
        String relay = NatNetwork.PUBLIC_HOST_IP + ":";
        for (String peer : List.of("peer-a", "peer-b")) {
            assertEquals(text, "on", report.peer(peer).get("nat"));
            assertTrue(text, report.peer(peer).get("relayed.om").startsWith(relay));
            assertTrue(text, report.peer(peer).get("relayed.sip").startsWith(relay));
            assertTrue("the OM advertises its relayed address\n" + text,
                    report.peer(peer).get("om").equals(report.peer(peer).get("relayed.om")));
        }
        // the OM IF of both NATed peers was used through the relay (OM1 -> OM2 negotiation, probes)
        Map<String, Map<String, String>> alloc = report.tcpRelayAllocations();
        assertTrue(text, Long.parseLong(alloc.get("peer-b-om").get("accepted")) > 0);
        assertTrue("the INVITE reached peer-b through the TCP relay\n" + text, report.signallingRelayed());
    }

    @Test
    public void mediaWentThroughTheRelayFromBothNatsPublicAddresses() {
        List<NatExperimentReport.Leg> legs = report.relayLegs();
        assertEquals(text, 2, legs.size());
        // the relay latched onto the NATs' public mappings, not onto private addresses
        assertTrue(text, legs.stream().anyMatch(l -> l.remote().startsWith(NatNetwork.routerPublicIp(1) + ":")));
        assertTrue(text, legs.stream().anyMatch(l -> l.remote().startsWith(NatNetwork.routerPublicIp(2) + ":")));
        for (NatExperimentReport.Leg l : legs) {
            assertTrue(text, l.packetsIn() > 100 && l.packetsOut() > 100);
        }
        assertEquals(text, 0, report.callerExit());
        assertEquals(text, 0, report.calleeExit());
    }

    @Test
    public void theReportAndTheRelaysLegsPerSecondAreWrittenAsCsvAndPng() throws Exception {
        Path work = Path.of("target", "nat-experiment");
        assertTrue(Files.readString(work.resolve("report.txt")).contains("Result: OK"));
        List<String> csv = Files.readAllLines(work.resolve("nat.csv"));
        assertEquals("second,session,leg,packets_in,packets_out,remote", csv.get(0));
        // two legs sampled in seconds before and after the 6 s UDP timeout
        assertTrue(csv.toString(), csv.stream().skip(1).anyMatch(l -> Integer.parseInt(l.split(",")[0]) < 6));
        assertTrue(csv.toString(), csv.stream().skip(1).anyMatch(l -> Integer.parseInt(l.split(",")[0]) > 6));
        byte[] png = Files.readAllBytes(work.resolve("nat.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    @Test
    public void bindingsSurviveTheNatsUdpTimeout() {
        assertTrue(text, report.relayPacketsAfterTimeout() > 50);
    }

    @Test
    public void noDirectPathExistsAndNothingIsLeftAfterTheCall() {
        assertFalse(text, report.direct().anyGotThrough());
        assertEquals(text, 0, report.direct().udpReceived1());
        assertEquals(text, 0, report.direct().udpReceived2());
        assertEquals(text, 0, report.relaySessionsAfterCall());
        assertEquals(text, 0, report.satosAfterCall());
    }
}
