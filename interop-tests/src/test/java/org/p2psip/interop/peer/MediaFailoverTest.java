package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.v1.GetNodeStatus;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.PortInfo;
import org.p2psip.om.omif.v1.PortType;
import org.p2psip.om.types.Address;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * Mid-call failover (issue: self-adaptation during a call): four peers as OS processes on
 * loopback, alice@peerA calls bob@peerB through a relay RTP-Port (policy always) on relay1 or
 * relay2; the relay peer in use is SIGKILLed mid-call. The caller's OM notices the silence and
 * moves the media to the other relay: media resumes both ways at both phones, from the same
 * addresses as before (their own peers' RTP-Ports), with no re-INVITE, and the longest gap each
 * phone heard is bounded generously (2 s: a loaded 2-core machine; the targets of 500 ms / median
 * 300 ms are measured by {@code ./p2psip experiment adapt --trials 20}). Then the second relay dies
 * too: no relay is left, the media goes direct (the peers are public), the call stays up and peerA's
 * status lists both moves. Then a new relay peer starts: policy always, so the media goes back
 * through it. After the hangup no peer holds a SATO or an RTP-Port session.
 */
public class MediaFailoverTest {
    private static final Pattern UP = Pattern.compile("overlay peer (\\S+) up");

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 300_000)
    public void killingTheRelayInUseMovesTheMediaToAnotherRelayWithoutThePhonesNoticing() throws Exception {
        Path root = Files.createTempDirectory("p2psip-failover-");
        PeerProcess r1 = owned.track(PeerProcess.start("relay1", root, "--rtp-ports", "26300-26399", "--relay-policy", "never"));
        PeerProcess r2 = owned.track(PeerProcess.start("relay2", root, "--bootstrap", r1.lookup(), "--rtp-ports", "26400-26499",
                "--relay-policy", "never"));
        PeerProcess pa = owned.track(PeerProcess.start("peerA", root, "--bootstrap", r1.lookup(), "--rtp-ports", "24300-24399",
                "--relay-policy", "always", "--offer-relay", "off"));
        PeerProcess pb = owned.track(PeerProcess.start("peerB", root, "--bootstrap", r1.lookup(), "--rtp-ports", "25300-25399",
                "--relay-policy", "always", "--offer-relay", "off"));
        String id1 = nodeId(r1);
        String id2 = nodeId(r2);
        assertEquals("peerA's node status: the lookup ring as it sees it", 4, awaitRingSize(pa, 4));

        Phone alice = owned.track(PeersAsProcessesTest.phone("alice", pa.sip()));
        Phone bob = owned.track(PeersAsProcessesTest.phone("bob", pb.sip()));
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(Duration.ofSeconds(60));
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        PeersAsProcessesTest.callRetrying404(alice, "bob");
        answered.get(60, TimeUnit.SECONDS);
        assertTrue("media at alice", alice.awaitMedia(Duration.ofSeconds(20)));
        assertTrue("media at bob", bob.awaitMedia(Duration.ofSeconds(20)));

        Matcher via = Pattern.compile("RTP1 -> RTP3 -> RTP2 via (\\S+)").matcher(awaitLog(pa, "RTP1 -> RTP3 -> RTP2 via "));
        assertTrue(pa.logTail(), via.find());
        String used = via.group(1);
        assertTrue("the relay is relay1 or relay2: " + used, used.equals(id1) || used.equals(id2));
        PeerProcess killed = used.equals(id1) ? r1 : r2;
        String other = used.equals(id1) ? id2 : id1;
        Thread.sleep(1500);
        MediaStats a0 = alice.stats();
        MediaStats b0 = bob.stats();
        assertTrue("before the kill, alice heard no gap over 1 s: " + a0.summary(), a0.maxGapMillis() < 1000);

        killed.kill();
        long k = System.nanoTime();
        MediaStats a1 = awaitMore(alice, a0.packetsReceived() + 50, Duration.ofSeconds(15));
        MediaStats b1 = awaitMore(bob, b0.packetsReceived() + 50, Duration.ofSeconds(15));
        long resumedMs = (System.nanoTime() - k) / 1_000_000;
        Thread.sleep(1000);
        MediaStats a2 = alice.stats();
        MediaStats b2 = bob.stats();

        // the second relay dies too: no relay is left (peerA and peerB offer none), and between public
        // peers the direct path beats a dead relay: the media goes direct, peerA's status lists both moves
        (used.equals(id1) ? r2 : r1).kill();
        MediaStats a3 = awaitMore(alice, a2.packetsReceived() + 50, Duration.ofSeconds(15));
        MediaStats b3 = awaitMore(bob, b2.packetsReceived() + 50, Duration.ofSeconds(15));
        assertTrue("media resumed at alice after the second relay was killed", a3 != null);
        assertTrue("media resumed at bob after the second relay was killed", b3 != null);
        String history = adaptations(pa);
        assertTrue("peerA's status lists the failover: " + history, history.contains("via " + used.substring(0, 8) + " -> via "
                + other.substring(0, 8)));
        assertTrue("peerA's status lists the move to the direct path: " + history, history.contains("via "
                + other.substring(0, 8) + " -> direct"));

        // a relay appears again: with policy always the media goes back through it (tried every
        // --adapt-remove-ms, 10 s; the relay's record reaches peerA's cached list within 30 s)
        PeerProcess r3 = owned.track(PeerProcess.start("relay3", root, "--bootstrap", pa.lookup(), "--rtp-ports", "26500-26599",
                "--relay-policy", "never"));
        String id3 = nodeId(r3);
        String back = awaitLog(pa, "direct -> via " + id3.substring(0, 8), Duration.ofSeconds(75));
        assertTrue("peerA's OM moves the media back onto the new relay " + id3 + "\n" + pa.logTail(),
                back.contains("direct -> via " + id3.substring(0, 8)) && back.contains("back on relay " + id3.substring(0, 8)));
        MediaStats a5 = awaitMore(alice, alice.stats().packetsReceived() + 50, Duration.ofSeconds(15));
        assertTrue("media at alice through the new relay", a5 != null);
        assertTrue("media at bob through the new relay", awaitMore(bob, bob.stats().packetsReceived() + 50, Duration.ofSeconds(15)) != null);
        assertTrue("alice is still in the call", alice.inCall());
        assertTrue("bob is still in the call", bob.inCall());
        alice.hangup();
        assertTrue("bob sees the BYE", bob.awaitHangup(Duration.ofSeconds(15)) != null);

        assertTrue("media resumed at alice after the relay was killed: " + a1, a1 != null);
        assertTrue("media resumed at bob after the relay was killed: " + b1, b1 != null);
        String log = pa.logText();
        assertTrue("peerA's OM logs the failover from " + used + " to " + other + "\n" + pa.logTail(),
                log.contains("adapted: via " + used.substring(0, 8)) && log.contains("-> via " + other.substring(0, 8)));
        assertTrue("alice's longest gap within 2 s: " + a2.summary(), a2.maxGapMillis() < 2000);
        assertTrue("bob's longest gap within 2 s: " + b2.summary(), b2.maxGapMillis() < 2000);
        assertEquals("alice still hears her own peer's RTP-Port (same address)", a0.remoteSource(), a2.remoteSource());
        assertEquals("bob still hears his own peer's RTP-Port (same address)", b0.remoteSource(), b2.remoteSource());
        // after the call: nothing left on any surviving peer, whatever moved during it
        for (PeerProcess p : List.of(pa, pb, r3)) {
            assertEquals(p.name + ": SATOs and RTP-Port sessions left after the call", "0 SATOs, 0 sessions, 0 RTP-Port sessions",
                    awaitEmpty(p));
        }
        assertEquals("no re-INVITE reached alice", 0, alice.reInvitesReceived());
        assertEquals("no re-INVITE reached bob", 0, bob.reInvitesReceived());
        System.out.println("[failover] relay " + used.substring(0, 8) + " killed; media back at both phones within "
                + resumedMs + " ms; longest gap alice " + a2.maxGapMillis() + " ms, bob " + b2.maxGapMillis() + " ms");
    }

    /** The ring size peer {@code p}'s node status reports, waiting up to 20 s for it to reach {@code n}. */
    private static int awaitRingSize(PeerProcess p, int n) throws Exception {
        int seen = -1;
        long deadline = System.currentTimeMillis() + 20_000;
        try (SoapOmIfClient client = p.omIfClient()) {
            while (seen != n && System.currentTimeMillis() < deadline) {
                GetNodeStatusResponse st = client.port(omAddress(p)).getNodeStatus(new GetNodeStatus());
                seen = st.getRing() == null ? -1 : st.getRing().getSize();
                if (seen != n) {
                    Thread.sleep(250);
                }
            }
        }
        return seen;
    }

    /** The adaptation history of every SATO on peer {@code p} (GetNodeStatus), one string. */
    private static String adaptations(PeerProcess p) throws Exception {
        try (SoapOmIfClient client = p.omIfClient()) {
            GetNodeStatusResponse st = client.port(omAddress(p)).getNodeStatus(new GetNodeStatus());
            StringBuilder sb = new StringBuilder();
            st.getSato().forEach(i -> i.getAdaptation().forEach(a -> sb.append(a).append('\n')));
            return sb.toString();
        }
    }

    private static Address omAddress(PeerProcess p) {
        return p.omAddress();
    }

    /** What peer {@code p}'s OM still holds (GetNodeStatus over the OM IF), waiting up to 10 s for it to be empty. */
    static String awaitEmpty(PeerProcess p) throws Exception {
        String seen = "";
        long deadline = System.currentTimeMillis() + 10_000;
        try (SoapOmIfClient client = p.omIfClient()) {
            while (System.currentTimeMillis() < deadline) {
                GetNodeStatusResponse st = client.port(omAddress(p)).getNodeStatus(new GetNodeStatus());
                long rtp = st.getPort().stream().filter(i -> i.getType() == PortType.RTP_PORT).mapToLong(PortInfo::getSessions).sum();
                seen = st.getSato().size() + " SATOs, " + st.getSession().size() + " sessions, " + rtp + " RTP-Port sessions";
                if (st.getSato().isEmpty() && st.getSession().isEmpty() && rtp == 0) {
                    break;
                }
                Thread.sleep(200);
            }
        }
        return seen;
    }

    private static String nodeId(PeerProcess p) throws Exception {
        Matcher m = UP.matcher(p.logText());
        assertTrue(p.name + "'s node id in its log\n" + p.logTail(), m.find());
        return m.group(1);
    }

    private static String awaitLog(PeerProcess p, String text) throws Exception {
        return awaitLog(p, text, Duration.ofSeconds(10));
    }

    private static String awaitLog(PeerProcess p, String text, Duration patience) throws Exception {
        long deadline = System.currentTimeMillis() + patience.toMillis();
        while (System.currentTimeMillis() < deadline) {
            String log = p.logText();
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(100);
        }
        return p.logText();
    }

    /** The phone's stats once it has received at least {@code packets}, or null after {@code timeout}. */
    private static MediaStats awaitMore(Phone phone, long packets, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            MediaStats s = phone.stats();
            if (s.packetsReceived() >= packets) {
                return s;
            }
            Thread.sleep(20);
        }
        return null;
    }
}
