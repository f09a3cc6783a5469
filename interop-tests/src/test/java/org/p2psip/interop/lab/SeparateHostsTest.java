package org.p2psip.interop.lab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.p2psip.experiment.ExperimentProcess;
import org.p2psip.experiment.Lab;
import org.p2psip.experiment.LabProcesses;
import org.p2psip.experiment.PeerStatus;
import org.p2psip.experiment.Preflight;
import org.p2psip.experiment.RtpStats;
import org.p2psip.experiment.Site;
import org.p2psip.experiment.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers on separate hosts: a ring of five peers, each {@code ./p2psip peer} in its own network
 * namespace with its own address on the lab's backbone (no NAT), phones ({@code ./p2psip phone})
 * in two more namespaces of their own, registered at peers on other hosts. p1 creates the overlay;
 * p2 joins through p1's lookup node, p3 through p1's OM IF URL, p4 through p1's OM IF HOST:PORT, p5
 * through p2's lookup node. Registration, a call through a relay (p2 has relay policy always: a
 * third host's RTP-Port relays) and one without (p3, policy auto, a clean LAN: direct), both with
 * media both ways; then p5 leaves (SIGTERM) and p6 joins (through p3's OM IF HOST:PORT), the ring
 * is five again at every member, a user registered at p4 before is found from p6 and called from a
 * phone registered at p6 through a relay (not the peer that left), and a user registered at p6 is
 * called from p1 directly.
 */
public class SeparateHostsTest {
    private static final Logger log = LoggerFactory.getLogger(SeparateHostsTest.class);
    private static final Duration UP = Duration.ofSeconds(180);

    private final LabProcesses processes = new LabProcesses();
    private final Map<String, ExperimentProcess> peers = new LinkedHashMap<>();
    private Path work;
    private Lab lab;

    @Test(timeout = 600_000)
    public void aRingOfPeersOnSeparateHostsServesCallsWhileAPeerLeavesAndAnotherJoins() throws Exception {
        Preflight.check(); // root, ip, tc, nft: scripts/test installs them; fails naming what is missing
        work = Path.of("target", "separate-hosts").toAbsolutePath();
        Files.createDirectories(work);
        Topology.Builder t = Topology.builder();
        for (String s : List.of("p1", "p2", "p3", "p4", "p5", "p6", "ua", "ub")) {
            t.site(s);
        }
        lab = Lab.start(t.build());
        try {
            run();
        } finally {
            processes.stopAll();
            lab.close();
        }
    }

    private void run() throws Exception {
        String p1 = lab.site("p1").ip();
        peer("p1", null, "auto").awaitLine("peer peer-p1 up", UP);
        peer("p2", p1 + ":4000", "always");
        peer("p3", "http://" + p1 + ":7070/om/v1", "auto");
        peer("p4", p1 + ":7070", "auto");
        peers.get("peer-p2").awaitLine("peer peer-p2 up", UP);
        peer("p5", lab.site("p2").ip() + ":4000", "auto");
        for (Map.Entry<String, ExperimentProcess> e : peers.entrySet()) {
            e.getValue().awaitLine("peer " + e.getKey() + " up", UP);
        }
        awaitRing(List.of("p1", "p2", "p3", "p4", "p5"), 5);
        for (String joined : List.of("p3", "p4")) {
            String found = firstLine(joined, "is the Overlay Manager of node");
            assertFalse("peer-" + joined + " was given p1's OM, not its lookup node, and says nothing about it", found.isEmpty());
            log.info("peer-{}: {}", joined, found);
        }

        // registration at peers on other hosts (henry stays registered at p4 for the whole test)
        ExperimentProcess bob = answer("ub", "bob", "p4");
        ExperimentProcess dave = answer("ub", "dave", "p5");
        ExperimentProcess henry = answer("ub", "henry", "p4");
        for (ExperimentProcess p : List.of(bob, dave, henry)) {
            p.awaitLine("waiting up to", Duration.ofSeconds(90));
        }
        assertTrue("bob (registered at p4) is not found from p1", found("p1", "bob", "p4"));
        assertTrue("dave (registered at p5) is not found from p2", found("p2", "dave", "p5"));

        // a call through a relay (p2: relay policy always): the relay is a third host's RTP-Port
        ExperimentProcess alice = call("ua", "alice", "p2", "bob");
        assertRelayCarriesTheCall(alice, "p2", List.of("p2", "p4"));
        assertMedia(alice, bob);

        // a call without a relay (p3: relay policy auto, the direct path is fine)
        ExperimentProcess carol = call("ua", "carol", "p3", "dave");
        assertMedia(carol, dave);
        String direct = decision("p3");
        assertTrue(direct, direct.contains(": no relay ("));

        // p5 leaves (SIGTERM), p6 joins through p3's OM IF; the ring is five again at every member
        ExperimentProcess p5 = peers.remove("peer-p5");
        p5.stop(Duration.ofSeconds(15));
        processes.forget(p5);
        assertFalse("peer-p5 did not end on SIGTERM", p5.isAlive());
        peer("p6", lab.site("p3").ip() + ":7070", "always").awaitLine("peer peer-p6 up", UP);
        awaitRing(List.of("p1", "p2", "p3", "p4", "p6"), 5);
        assertTrue("henry (registered at p4 before p6 joined) is not found from p6", found("p6", "henry", "p4"));

        // from the new peer through a relay (not the peer that left), and to a user of the new peer directly
        ExperimentProcess erin = answer("ub", "erin", "p6");
        erin.awaitLine("waiting up to", Duration.ofSeconds(90));
        assertTrue("erin (registered at p6) is not found from p1", found("p1", "erin", "p6"));
        ExperimentProcess frank = call("ua", "frank", "p6", "henry");
        assertRelayCarriesTheCall(frank, "p6", List.of("p4", "p5", "p6"));
        assertMedia(frank, henry);
        ExperimentProcess gina = call("ua", "gina", "p1", "erin");
        assertMedia(gina, erin);
        String toNew = decision("p1");
        assertTrue(toNew, toNew.contains(": no relay ("));
    }

    private ExperimentProcess peer(String site, String bootstrap, String policy) throws IOException {
        Site s = lab.site(site);
        String name = "peer-" + site;
        Path state = work.resolve(name);
        Files.createDirectories(state);
        List<String> args = new ArrayList<>(List.of("peer", "--name", name, "--bind", s.ip(), "--sip-port", "5060",
                "--om-port", "7070", "--dht-port", "4000", "--ports", "in-process", "--state-dir", state.toString(),
                "--relay-policy", policy, "--adapt", "off", "--security", org.p2psip.enrollment.RunCa.in(work).peer(name,
                        "alice", "bob", "carol", "dave", "erin", "frank", "gina", "henry").toString()));
        // adaptation off: on a loaded machine a scheduling stall looks like a dead relay path and the
        // OM would move a call to the direct path; this test is about peers on separate hosts
        if (bootstrap != null) {
            args.addAll(List.of("--bootstrap", bootstrap));
        }
        ExperimentProcess p = processes.start(lab, s, name, "-Xmx160m", args, work.resolve(name + ".log"));
        peers.put(name, p);
        return p;
    }

    /** An answering phone for {@code user} in site {@code site}, registered at the peer of site {@code peer}. */
    private ExperimentProcess answer(String site, String user, String peer) throws IOException {
        Site s = lab.site(site);
        return processes.start(lab, s, "phone-" + user, "-Xmx64m", List.of("phone", "--user", user, "--proxy",
                lab.site(peer).ip() + ":5060", "--listen", s.ip() + ":0", "--answer", "--wait", "240", "--seconds", "3"),
                work.resolve("phone-" + user + ".log"));
    }

    /** A phone in site {@code site}, registered as {@code user} at {@code peer}'s P2PSIP-Port, calling {@code callee}. */
    private ExperimentProcess call(String site, String user, String peer, String callee) throws IOException {
        Site s = lab.site(site);
        return processes.start(lab, s, "phone-" + user, "-Xmx64m", List.of("phone", "--user", user, "--proxy",
                lab.site(peer).ip() + ":5060", "--listen", s.ip() + ":0", "--call", callee, "--wait", "30", "--seconds", "3"),
                work.resolve("phone-" + user + ".log"));
    }

    /** Both phones say media flowed both ways, and end. */
    private static void assertMedia(ExperimentProcess caller, ExperimentProcess callee) throws Exception {
        String a = caller.awaitLine("result:", Duration.ofSeconds(90));
        String b = callee.awaitLine("result:", Duration.ofSeconds(30));
        log.info("{}: {} / {}", caller, caller.line("report:"), callee.line("report:"));
        assertEquals(caller + ": " + caller.lines(), "result: OK, media flowed both ways", a);
        assertEquals(callee + ": " + callee.lines(), "result: OK, media flowed both ways", b);
        assertEquals(0, caller.awaitExit(Duration.ofSeconds(30)));
    }

    /**
     * While {@code caller}'s call (placed at peer-{@code callerSite}, relay policy always) has media:
     * its relay is on another host than {@code notOn}, and that host's RTP-Port has relayed packets.
     */
    private void assertRelayCarriesTheCall(ExperimentProcess caller, String callerSite, List<String> notOn) throws Exception {
        caller.awaitLine("media flowing", Duration.ofSeconds(90));
        Thread.sleep(1000);
        String d = decision(callerSite);
        String relay = siteOf(d);
        assertFalse(d, notOn.contains(relay));
        long packets = RtpStats.packetsIn(RtpStats.ask(work.resolve("peer-" + relay).resolve("rtp-port.sock")));
        log.info("the relay RTP-Port on {} has received {} packets of {}'s call so far", relay, packets, caller);
        assertTrue("the relay on " + relay + " carries no media of " + caller + "'s call: " + packets + " packets", packets > 50);
    }

    /** The site of the relay a relay decision names ({@code relay 203.0.113.N:7070}). */
    private String siteOf(String decision) {
        for (Site s : lab.sites()) {
            if (decision.contains(": relay " + s.ip() + ":7070")) {
                return s.name();
            }
        }
        throw new AssertionError("no relay of this lab in " + decision);
    }

    /** The last relay decision peer-{@code site} logged. */
    private String decision(String site) {
        List<String> lines = grep(site, "relay decision for call");
        assertFalse("peer-" + site + " logged no relay decision", lines.isEmpty());
        String last = lines.get(lines.size() - 1);
        log.info("peer-{}: {}", site, last);
        return last;
    }

    private String firstLine(String site, String text) {
        List<String> l = grep(site, text);
        return l.isEmpty() ? "" : l.get(0);
    }

    private List<String> grep(String site, String text) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(work.resolve("peer-" + site + ".log"))) {
                if (l.contains(text)) {
                    out.add(l.strip());
                }
            }
        } catch (IOException e) {
            fail("cannot read peer-" + site + "'s log: " + e.getMessage());
        }
        return out;
    }

    /** Whether peer-{@code from} finds {@code user}'s record, pointing at peer-{@code at}'s OM (tries for 20 s). */
    private boolean found(String from, String user, String at) throws InterruptedException {
        Path socket = work.resolve("peer-" + from).resolve(PeerStatus.SOCKET);
        String om = "@" + lab.site(at).ip() + ":7070";
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            List<String> values = PeerStatus.lookup(socket, "user:" + user);
            if (values != null && values.stream().anyMatch(v -> v.contains(om))) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Waits until every one of {@code sites}' peers reports a ring of exactly {@code size}. */
    private void awaitRing(List<String> sites, int size) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        Map<String, Integer> seen = new LinkedHashMap<>();
        while (System.nanoTime() < end) {
            seen.clear();
            for (String s : sites) {
                seen.put(s, PeerStatus.ask(work.resolve("peer-" + s).resolve(PeerStatus.SOCKET)).getInt("ring.size", -1));
            }
            if (seen.values().stream().allMatch(v -> v == size)) {
                log.info("one ring of {} at {}", size, sites);
                return;
            }
            Thread.sleep(1000);
        }
        fail("no ring of " + size + " at every peer within 120 s: " + seen);
    }
}
