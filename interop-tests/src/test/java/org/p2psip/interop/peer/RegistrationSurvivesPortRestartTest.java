package org.p2psip.interop.peer;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * Two peers as processes, their SATO-Ports as child processes. Alice's P2PSIP-Port is killed with
 * SIGKILL; her OM restarts it, the restarted port reads its bindings from the state directory, and
 * bob's call reaches alice although her phone did not register again.
 */
public class RegistrationSurvivesPortRestartTest {
    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 180_000)
    public void aRestartedP2psipPortStillKnowsItsUsers() throws Exception {
        Path root = Files.createTempDirectory("p2psip-port-restart-");
        PeerProcess pa = owned.track(PeerProcess.start("peerA", root, "--rtp-ports", "24400-24499", "--relay-policy", "never",
                "--ports", "process"));
        PeerProcess pb = owned.track(PeerProcess.start("peerB", root, "--bootstrap", pa.lookup(), "--rtp-ports", "25400-25499",
                "--relay-policy", "never", "--ports", "process"));
        Phone alice = owned.track(PeersAsProcessesTest.phone("alice", pa.sip()));
        Phone bob = owned.track(PeersAsProcessesTest.phone("bob", pb.sip()));
        alice.register();
        bob.register();
        call(bob, alice);

        ProcessHandle port = sipPort(pa).orElseThrow(() -> new AssertionError("no P2PSIP-Port process under peerA"));
        assertTrue("the bindings are in the state directory",
                waitFor(() -> Files.exists(pa.stateDir.resolve("p2psip-port.bindings")), 5_000));
        port.destroyForcibly();
        assertTrue("killed", waitFor(() -> !port.isAlive(), 10_000));
        assertTrue("peerA's OM restarts its P2PSIP-Port",
                waitFor(() -> sipPort(pa).filter(p -> p.pid() != port.pid()).isPresent(), 30_000));
        long t0 = System.nanoTime();
        call(bob, alice); // alice did not register again
        System.out.println("[port-restart] bob reached alice " + (System.nanoTime() - t0) / 1_000_000
                + " ms after her P2PSIP-Port came back (no new REGISTER)");
        String log = Files.readString(pa.stateDir.resolve("p2psip-port.log"), StandardCharsets.UTF_8);
        assertTrue("the restarted port restored alice\n" + log, log.contains("restored 1 registered user(s)"));
    }

    /** bob calls alice (retrying 404/408/480/503 while the ring or the restarted port settles), alice answers, both hang up. */
    private static void call(Phone caller, Phone callee) throws Exception {
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                callee.answer(Duration.ofSeconds(60));
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        long deadline = System.currentTimeMillis() + 45_000;
        while (true) {
            try {
                caller.call("alice", Duration.ofSeconds(20));
                break;
            } catch (PhoneException e) {
                int s = e.statusCode();
                if (!(s == 404 || s == 408 || s == 480 || s == 503) || System.currentTimeMillis() > deadline) {
                    throw new AssertionError("call to alice: " + e.getMessage(), e);
                }
                Thread.sleep(500);
            }
        }
        answered.get(30, TimeUnit.SECONDS);
        caller.hangup();
        assertTrue("alice sees the BYE", callee.awaitHangup(Duration.ofSeconds(15)) != null);
    }

    private static Optional<ProcessHandle> sipPort(PeerProcess p) {
        List<ProcessHandle> ports = p.process().toHandle().descendants().filter(h -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")), StandardCharsets.UTF_8)
                        .contains("\0sip-port\0");
            } catch (java.io.IOException e) {
                return false;
            }
        }).collect(Collectors.toList());
        assertTrue("at most one P2PSIP-Port: " + ports, ports.size() <= 1);
        return ports.stream().findFirst();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier c, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
