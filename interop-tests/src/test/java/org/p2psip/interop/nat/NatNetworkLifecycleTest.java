package org.p2psip.interop.nat;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.p2psip.experiment.CommandResult;
import org.p2psip.experiment.NatNetwork;
import org.p2psip.experiment.NatNetworkException;
import org.p2psip.experiment.Preflight;
import org.p2psip.experiment.StaleNamespaces;

/**
 * The network's life cycle: it goes away completely (no namespace, no process), also when the
 * code using it throws; leftovers of a crashed run are found and removed; a missing prerequisite
 * is reported clearly.
 */
public class NatNetworkLifecycleTest {

    @Test
    public void closeStopsEveryProcessAndRemovesEveryNamespaceEvenWhenTheBodyThrows() throws Exception {
        NatNetwork[] built = new NatNetwork[1];
        Process[] tracked = new Process[1];
        List<Long> untracked = new ArrayList<>();
        try (NatNetwork net = NatNetwork.builder().build()) {
            built[0] = net;
            assertEquals(6, net.namespaces().size()); // wan, pub, r1, r2, h1, h2
            assertTrue(namespacesWithPrefix(net.namePrefix()).containsAll(net.namespaces()));
            tracked[0] = net.exec(net.privateHost(1), "sleep", "600");
            // a process the network did not start itself, detached from its shell
            net.run(net.publicHost(), Duration.ofSeconds(10), "sh", "-c", "sleep 600 >/dev/null 2>&1 &").requireOk();
            untracked.addAll(pids(net.publicHost().namespace()));
            assertEquals("one detached sleep in pub", 1, untracked.size());
            assertTrue(tracked[0].isAlive());
            throw new IllegalStateException("the experiment failed");
        } catch (IllegalStateException expected) {
            assertEquals("the experiment failed", expected.getMessage());
        }
        NatNetwork net = built[0];
        assertTrue(net.isClosed());
        assertEquals("namespaces left: ", List.of(), namespacesWithPrefix(net.namePrefix()));
        assertFalse("tracked process still runs", tracked[0].isAlive());
        for (long pid : untracked) {
            assertFalse("untracked process " + pid + " still runs", isRunning(pid));
        }
        net.close(); // idempotent
        try {
            net.exec(net.publicHost(), "true");
            fail("exec on a closed network");
        } catch (IllegalStateException expected) {
            assertThat(expected.getMessage(), containsString("closed"));
        }
    }

    @Test
    public void staleNamespacesOfADeadOwnerAreRemovedWithTheirProcessesAndLiveOnesKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        String stale = StaleNamespaces.PREFIX + gone.pid() + "-1-pub";
        String live = StaleNamespaces.PREFIX + ProcessHandle.current().pid() + "-999-pub";
        Process inside = null;
        try {
            ip("netns", "add", stale);
            ip("netns", "add", live);
            inside = new ProcessBuilder("ip", "netns", "exec", stale, "sleep", "600").start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pids(stale).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse("sleep runs in the stale namespace", pids(stale).isEmpty());

            List<String> removed = StaleNamespaces.removeStale();

            assertTrue(removed + " should hold " + stale, removed.contains(stale));
            assertFalse(removed.contains(live));
            List<String> left = namespacesWithPrefix(StaleNamespaces.PREFIX);
            assertFalse(left.contains(stale));
            assertTrue(left.contains(live));
            assertTrue("the process inside was stopped", inside.waitFor(10, TimeUnit.SECONDS));
        } finally {
            if (inside != null) {
                inside.destroyForcibly();
            }
            ipQuiet("netns", "delete", stale);
            ipQuiet("netns", "delete", live);
        }
    }

    @Test
    public void anOwnerThatExitsWithoutClosingLeavesNothing() throws Exception {
        Process owner = owner("exit");
        String prefix = prefixPrintedBy(owner);
        assertEquals(3, owner.exitValue());
        assertEquals("the shutdown hook removed the namespaces", List.of(), namespacesWithPrefix(prefix));
    }

    @Test
    public void whatACrashedOwnerLeftIsRemoved() throws Exception {
        Process owner = owner("halt");
        String prefix = prefixPrintedBy(owner);
        assertEquals(137, owner.exitValue());
        List<String> left = namespacesWithPrefix(prefix);
        assertEquals("the crash left the namespaces: " + left, 6, left.size());
        assertEquals("and the sleep inside h1", 1, pids(prefix + "h1").size());
        long sleep = pids(prefix + "h1").get(0);

        List<String> removed = StaleNamespaces.removeStale();

        assertTrue(removed + " should hold " + left, removed.containsAll(left));
        assertEquals(List.of(), namespacesWithPrefix(prefix));
        assertFalse("the orphan sleep was stopped", isRunning(sleep));
    }

    @Test
    public void buildRemovesLeftoversOfACrashedRun() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        String stale = StaleNamespaces.PREFIX + gone.pid() + "-7-h1";
        try {
            ip("netns", "add", stale);
            try (NatNetwork net = NatNetwork.builder().sites(1).build()) {
                assertFalse(namespacesWithPrefix(StaleNamespaces.PREFIX).contains(stale));
                assertEquals(1, net.sites());
                assertEquals(4, net.namespaces().size()); // wan, pub, r1, h1
            }
        } finally {
            ipQuiet("netns", "delete", stale);
        }
    }

    @Test
    public void runReturnsTheOutputAndExitStatus() {
        try (NatNetwork net = NatNetwork.builder().build()) {
            CommandResult addr = net.run(net.privateHost(2), Duration.ofSeconds(10), "ip", "-4", "addr", "show", "eth0");
            assertTrue(addr.ok());
            assertThat(addr.stdout(), containsString("inet 10.2.0.2/24"));
            CommandResult failed = net.run(net.router(1), Duration.ofSeconds(10), "sh", "-c", "echo oops >&2; exit 3");
            assertEquals(3, failed.exitCode());
            assertEquals("oops", failed.stderr().strip());
            try {
                failed.requireOk();
                fail("requireOk on exit 3");
            } catch (NatNetworkException expected) {
                assertThat(expected.getMessage(), containsString("exit 3"));
                assertThat(expected.getMessage(), containsString("oops"));
            }
            // the host's own interfaces are not there: only lo and the veth ends
            String links = net.run(net.publicHost(), Duration.ofSeconds(10), "ip", "-o", "link").requireOk().stdout();
            assertEquals(links, 2, links.strip().split("\n").length);
        }
    }

    @Test
    public void preflightNamesWhatIsMissing() {
        Optional<Path> found = Optional.of(Path.of("/usr/sbin/ip"));
        String both = Preflight.problem(1000, Map.of("ip", found, "nft", Optional.empty(), "sysctl", found)).orElseThrow();
        assertThat(both, containsString("needs root"));
        assertThat(both, containsString("user id is 1000"));
        assertThat(both, containsString("missing tool(s) nft"));
        assertEquals(Optional.empty(), Preflight.problem(0, Map.of("ip", found, "nft", found, "sysctl", found)));
        // this machine has what it takes (the other tests depend on it)
        assertEquals(Preflight.TOOLS.size(), Preflight.check().size());
    }

    @Test
    public void badSettingsAreRejected() {
        try {
            NatNetwork.builder().udpTimeoutSeconds(0);
            fail();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("at least 1 s"));
        }
        try {
            NatNetwork.builder().sites(0);
            fail();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("1..9"));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Process owner(String how) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                CrashingOwner.class.getName(), how).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The name prefix the owner prints (its last line), once it has ended. */
    private static String prefixPrintedBy(Process owner) throws Exception {
        try {
            String[] lines = new String(owner.getInputStream().readAllBytes()).strip().split("\n");
            assertTrue("the owner did not exit", owner.waitFor(60, TimeUnit.SECONDS));
            String prefix = lines[lines.length - 1].strip();
            assertThat(prefix, containsString(StaleNamespaces.PREFIX + owner.pid() + "-"));
            return prefix;
        } finally {
            owner.destroyForcibly();
        }
    }

    static List<String> namespacesWithPrefix(String prefix) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String line : ip("netns", "list").split("\n")) {
            String name = line.strip().split(" ")[0];
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<Long> pids(String namespace) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        for (String line : ip("netns", "pids", namespace).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** Whether {@code pid} runs; a zombie (killed, waiting for its parent to reap it) does not. */
    private static boolean isRunning(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // no such process
        }
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(String.join(" ", command) + " timed out", p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command) + ": " + out, 0, p.exitValue());
        return out;
    }

    private static void ipQuiet(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // cleanup of something that may not exist
        }
    }
}
