package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * A call whose media is dead is ended by the peers (disconnected operation): two peers as OS
 * processes on loopback, alice@peerA calls bob@peerB directly; peerB is frozen (SIGSTOP: its OM,
 * RTP-Port and P2PSIP-Port stop answering, as behind a cut link). A short freeze (1 s, below
 * {@code --dead-media-s 4}) changes nothing: the call continues. A long one: peerA's OM sees no media
 * for 4 s and its P2PSIP-Port sends BYE to alice (with a Reason header) and releases the call; once
 * peerB runs again its OM sees the same and bob gets his BYE. Afterwards neither peer holds a SATO or
 * an RTP-Port session.
 */
public class DeadMediaTest {

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 180_000)
    public void aCallWithDeadMediaIsEndedAtBothPhonesAndAShortOutageIsSurvived() throws Exception {
        Path root = Files.createTempDirectory("p2psip-dead-media-");
        PeerProcess pa = owned.track(PeerProcess.start("peerA", root, "--rtp-ports", "24500-24599", "--relay-policy", "never",
                "--dead-media-s", "4"));
        PeerProcess pb = owned.track(PeerProcess.start("peerB", root, "--bootstrap", pa.lookup(), "--rtp-ports", "25500-25599",
                "--relay-policy", "never", "--dead-media-s", "4"));
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

        // a short outage: the call survives it
        signal(pb, "STOP");
        Thread.sleep(1000);
        signal(pb, "CONT");
        MediaStats a0 = alice.stats();
        Thread.sleep(2000);
        MediaStats a1 = alice.stats();
        assertTrue("alice still in the call after a 1 s outage", alice.inCall());
        assertTrue("bob still in the call after a 1 s outage", bob.inCall());
        assertTrue("media flows again at alice: " + a0.packetsReceived() + " -> " + a1.packetsReceived(),
                a1.packetsReceived() - a0.packetsReceived() > 50);

        // a long one: alice's peer ends the call at alice
        signal(pb, "STOP");
        long stopped = System.nanoTime();
        String aliceEnd;
        try {
            aliceEnd = alice.awaitHangup(Duration.ofSeconds(30));
        } finally {
            signal(pb, "CONT");
        }
        long aliceMs = (System.nanoTime() - stopped) / 1_000_000;
        assertNotNull("alice's call was ended by her peer\n" + pa.logTail(), aliceEnd);
        assertTrue("alice got a BYE: " + aliceEnd, aliceEnd.contains("BYE"));
        assertTrue("not before the dead-media time: " + aliceMs + " ms", aliceMs >= 4000);
        String bobEnd = bob.awaitHangup(Duration.ofSeconds(30));
        assertNotNull("bob's call was ended by his peer once it ran again\n" + pb.logTail(), bobEnd);
        assertTrue("bob got a BYE: " + bobEnd, bobEnd.contains("BYE"));
        assertTrue("peerA logs the dead call\n" + pa.logTail(), pa.logText().contains("no media for 4 s"));

        assertEquals("peerA holds nothing", "0 SATOs, 0 sessions, 0 RTP-Port sessions", MediaFailoverTest.awaitEmpty(pa));
        assertEquals("peerB holds nothing", "0 SATOs, 0 sessions, 0 RTP-Port sessions", MediaFailoverTest.awaitEmpty(pb));
        System.out.println("[dead-media] alice's call ended " + aliceMs + " ms after peerB froze (" + aliceEnd + "); bob: " + bobEnd);
    }

    private static void signal(PeerProcess p, String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.process().pid())).inheritIO().start();
        assertEquals("kill -" + sig + " " + p.name, 0, k.waitFor());
    }
}
