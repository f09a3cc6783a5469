package org.p2psip.interop.lab;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.p2psip.experiment.Lab;
import org.p2psip.experiment.LoadFlow;
import org.p2psip.experiment.LoadResult;
import org.p2psip.experiment.NatMode;
import org.p2psip.experiment.Site;
import org.p2psip.experiment.Topology;

/**
 * A lab with public and NAT'ed sites: the documented addresses, load from behind a NAT, and a
 * close that leaves no namespace and no process behind, load running or not.
 */
public class LabLifecycleTest {

    @Test
    public void closeWithLoadRunningLeavesNoNamespaceAndNoProcess() throws Exception {
        Topology topology = Topology.builder()
                .site("A").site("B")
                .natSite("N", NatMode.SYMMETRIC)
                .build();
        Lab lab = Lab.start(topology);
        List<Long> pids = new ArrayList<>();
        try {
            Site a = lab.site("A");
            Site b = lab.site("B");
            Site n = lab.site("N");
            assertEquals(5, lab.namespaces().size()); // wan, A, B, N-nat, N
            assertEquals("10.1.0.2", n.ip());
            assertEquals("203.0.113.101", n.publicIp());
            assertEquals(lab.namePrefix() + "N-nat", n.router().orElseThrow().namespace());
            assertEquals("203.0.113.11", b.ip());

            try {
                lab.udpFlood(a, n, 1000);
                fail("load towards a NAT'ed site");
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage(), containsString("behind a NAT"));
            }

            LoadFlow fromBehindNat = lab.udpFlood(n, b, 1000);
            LoadFlow bulk = lab.tcpBulk(a, b);
            lab.start(a, new ProcessBuilder("sleep", "600"));
            Thread.sleep(1000);
            LoadResult progress = fromBehindNat.progress();
            assertTrue("N's flood gets through its NAT: " + progress, progress.receivedBytes() > 50_000);
            assertTrue("bulk runs: " + bulk.progress(), bulk.progress().receivedBytes() > 1_000_000);
            for (String namespace : lab.namespaces()) {
                pids.addAll(pids(namespace));
            }
            assertTrue("load agents on A, B, N and the sleep: " + pids, pids.size() >= 4);
        } finally {
            lab.close();
        }
        assertTrue(lab.isClosed());
        assertEquals("namespaces left", List.of(), namespacesWithPrefix(lab.namePrefix()));
        for (long pid : pids) {
            assertFalse("process " + pid + " still runs", isRunning(pid));
        }
        try {
            lab.start(lab.site("A"), new ProcessBuilder("true"));
            fail("start on a closed lab");
        } catch (IllegalStateException expected) {
            assertThat(expected.getMessage(), containsString("closed"));
        }
    }

    private static List<String> namespacesWithPrefix(String prefix) throws IOException, InterruptedException {
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
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
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
}
