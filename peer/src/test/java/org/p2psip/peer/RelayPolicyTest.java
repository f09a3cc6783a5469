package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.control.ControlMessage;
import org.p2psip.phone.Phone;

/**
 * The relay decision (paper Sec. 5.2) with the auto policy on a fine path: OM1 probes the direct
 * path to OM2 over UDP while it sets up the call, finds it within the thresholds and keeps media
 * direct, with the figures in the media SATO's note. Real peers, phones and RTP on loopback. (A
 * congested path needs real shaping: the network lab's test; the decisions on given figures are
 * {@code RelayPolicyDecisionTest} in om-ws.)
 */
public class RelayPolicyTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void tearDown() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    public void finePathKeepsMediaDirect() throws Exception {
        long relayed = callAndCountRelayedPackets();
        assertEquals("no relay session on peer 3 for a fine path", -1, relayed);
    }

    /** Returns packets seen by peer 3's RTP-Port during the call, or -1 if it had no session at all. */
    private long callAndCountRelayedPackets() throws Exception {
        Path state = tmp.getRoot().toPath();
        Peer p3 = peer("p3", state, null);
        Peer p1 = peer("p1", state, p3.bootstrapAddress());
        Peer p2 = peer("p2", state, p3.bootstrapAddress());
        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        alice.call("bob", Duration.ofSeconds(20));
        answered.get(20, TimeUnit.SECONDS);
        assertTrue("alice hears bob", alice.awaitMedia(Duration.ofSeconds(10)));
        assertTrue("bob hears alice", bob.awaitMedia(Duration.ofSeconds(10)));
        Thread.sleep(1000);
        ControlMessage relayStats = p3.rtpStats();
        // the decision, its reason and the figures behind it are in the caller's node status (./p2psip status)
        String status = statusOf(p1);
        assertTrue(status, status.matches("(?s).*RTP1 -> RTP2 \\(direct path fine: RTT [0-9.]+ ms \\(p95 [0-9.]+, base [0-9.]+\\), jitter [0-9.]+ ms,"
                + " loss 0% \\([0-9]+ probes, [0-9.]+ s old\\), R 9[0-9]\\).*"));
        alice.hangup();
        bob.awaitHangup(Duration.ofSeconds(10));
        assertTrue(alice.stats().summary(), alice.stats().flowedBothWays());
        assertTrue(bob.stats().summary(), bob.stats().flowedBothWays());
        long packets = -1;
        for (Map.Entry<String, String> f : relayStats.fields()) {
            if (f.getKey().endsWith(".packets_in")) {
                packets = Math.max(packets, 0) + Long.parseLong(f.getValue());
            }
        }
        return packets;
    }

    private static String statusOf(Peer p) {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, org.p2psip.peer.cli.StatusCommand.run(new String[] {p.overlayManager().address().toString()}));
        } finally {
            System.setOut(old);
        }
        return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Peer peer(String name, Path state, String bootstrap) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name).toString());
        org.p2psip.enrollment.RunCa.in(state).user("alice"); // alice and bob may register at any of the test's peers
        org.p2psip.enrollment.RunCa.in(state).user("bob");
        s.put("ports", "in-process");
        s.put("relay-policy", "auto");
        s.put("relay-rtt-ms", "100");
        s.put("offer-relay", bootstrap == null ? "on" : "off");
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private Phone phone(String user, Peer peer) throws Exception {
        Phone ph = Phone.start(TestPeers.phoneAt(user, peer).build());
        owned.add(ph);
        return ph;
    }
}
