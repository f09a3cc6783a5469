package org.p2psip.interop.peer;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.lookup.chord.LookupResult;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.p2psip.lookup.ring.Address;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * Six peers as processes (r = 4: a record lives on its owner and three replicas). A user name is
 * chosen whose record's owner and first two replicas are none of the caller's and the callee's
 * peers; those three peers get SIGKILL at once, one replica of the record survives. The caller still
 * reaches the user (the surviving replica answers, repair and the OM's re-store rebuild the copies).
 */
public class RecordHoldersKilledTest {
    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 300_000)
    public void bobReachesAliceWhenHerRecordsOwnerAndAllButOneReplicaAreKilled() throws Exception {
        Path root = Files.createTempDirectory("p2psip-holders-");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "org.p2psip.peer.cli.P2psip");
        Path logs = Path.of("target", "peer-processes");
        List<PeerProcess> peers = new ArrayList<>();
        PeerProcess first = owned.track(PeerProcess.start("holder0", root, java, Map.of(), logs, "--security", "off", "--rtp-ports", "24700-24749",
                "--relay-policy", "never"));
        peers.add(first);
        for (int i = 1; i < 6; i++) {
            peers.add(owned.track(PeerProcess.start("holder" + i, root, java, Map.of(), logs, "--security", "off", "--bootstrap", first.lookup(),
                    "--rtp-ports", (24700 + 50 * i) + "-" + (24749 + 50 * i), "--relay-policy", "never")));
        }
        // unsecured (--security off): the test asks the lookup service's own client who holds a user name's record;
        // records under a secured ring are TrustAttackTest's
        Thread.sleep(5000); // the ring of six settles

        // The record's first three holders are killed; alice's and bob's peers are two of the other three. (Choosing
        // alice's and bob's peers first fails whenever they sit opposite each other on the ring of six: every three
        // consecutive peers then include one of them.)
        String user = null;
        String seen = "";
        List<PeerProcess> victims = new ArrayList<>();
        try (RemoteLookupClient dht = new RemoteLookupClient(List.of(Address.parse(first.lookup())), Duration.ofSeconds(5))) {
            for (int n = 0; n < 20 && user == null; n++) {
                String candidate = "alice" + n;
                LookupResult r = dht.lookup("user:" + candidate).get(10, TimeUnit.SECONDS);
                seen = r.owner() + " then " + r.successors();
                List<NodeRef> holders = new ArrayList<>();
                holders.add(r.owner());
                holders.addAll(r.successors()); // may start with the owner again
                List<PeerProcess> firstThree = new ArrayList<>();
                for (NodeRef h : holders) {
                    for (PeerProcess p : peers) {
                        if (firstThree.size() < 3 && p.lookup().equals(h.host() + ":" + h.port()) && !firstThree.contains(p)) {
                            firstThree.add(p);
                        }
                    }
                }
                if (firstThree.size() == 3) {
                    user = candidate;
                    victims = firstThree;
                }
            }
        }
        assertTrue("a user name whose record has three distinct holders among the six peers; last lookup: " + seen + "; peers "
                + peers.stream().map(PeerProcess::lookup).toList(), user != null);
        List<PeerProcess> survivors = new ArrayList<>(peers);
        survivors.removeAll(victims);
        PeerProcess alicePeer = survivors.get(0);
        PeerProcess bobPeer = survivors.get(1);
        Phone alice = owned.track(PeersAsProcessesTest.phone(user, alicePeer.sip()));
        Phone bob = owned.track(PeersAsProcessesTest.phone("bob", bobPeer.sip()));
        alice.register();
        bob.register();

        for (PeerProcess v : victims) {
            v.process().destroyForcibly();
        }
        for (PeerProcess v : victims) {
            v.process().waitFor(10, TimeUnit.SECONDS);
        }
        long killed = System.nanoTime();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                alice.answer(Duration.ofSeconds(120));
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        List<String> attempts = new ArrayList<>();
        while (true) {
            try {
                bob.call(user, Duration.ofSeconds(20));
                break;
            } catch (PhoneException e) {
                long at = (System.nanoTime() - killed) / 1_000_000;
                attempts.add("t+" + at + " ms: " + e.statusCode());
                assertTrue("bob never reached " + user + " after the kill: " + attempts, at < 90_000);
                Thread.sleep(1000);
            }
        }
        answered.get(30, TimeUnit.SECONDS);
        System.out.println("[holders] " + user + "'s record holders " + victims.stream().map(p -> p.name).toList()
                + " SIGKILLed; bob reached " + user + " after " + (System.nanoTime() - killed) / 1_000_000 + " ms; failed attempts "
                + attempts);
        bob.hangup();
        alice.awaitHangup(Duration.ofSeconds(15));
    }
}
