package org.p2psip.lookup.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.chord.NodeRef;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.lookup.chord.TestRing;
import org.p2psip.lookup.client.RemoteLookupClient;

/**
 * A ring node in its own process ({@code dht node}, as {@code ./p2psip dht node} runs it): frozen
 * with SIGSTOP it stops answering in the middle of requests and the ring routes around it; SIGTERM
 * makes it leave gracefully.
 */
public class NodeProcessTest {
    private static final Pattern STARTED = Pattern.compile("^node ([0-9a-f]{40}) at (\\S+):(\\d+) ");
    private final TestRing ring = new TestRing();
    private final List<String> childOutput = new ArrayList<>();
    private Process child;

    @After
    public void tearDown() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
        ring.close();
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Starts {@code DhtCommand node} in a new JVM joining through {@code bootstrap}; returns its ref once joined. */
    private NodeRef startChild(Address bootstrap) throws Exception {
        String cp = String.join(File.pathSeparator, codeSource(DhtCommand.class), codeSource(org.p2psip.common.Options.class),
                codeSource(org.slf4j.Logger.class),
                codeSource(ch.qos.logback.classic.Logger.class), codeSource(ch.qos.logback.core.Appender.class));
        String logConfig = Paths.get(getClass().getResource("/logback-test.xml").toURI()).toString();
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dlogback.configurationFile=" + logConfig, "-cp", cp, DhtCommand.class.getName(),
                "node", "--listen", "127.0.0.1:0", "--bootstrap", bootstrap.toString(),
                "--stabilize-ms", "100", "--check-predecessor-ms", "200", "--fix-fingers-ms", "250",
                "--repair-ms", "300", "--rpc-timeout-ms", "1000");
        child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Process p = child;
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (childOutput) {
                        childOutput.add(line);
                    }
                }
            } catch (Exception ignored) {
                // process gone
            }
        }, "child-output");
        drain.setDaemon(true);
        drain.start();
        NodeRef[] ref = new NodeRef[1];
        TestRing.await("the child node to join", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("child node exited with " + p.exitValue() + ": " + output());
            }
            synchronized (childOutput) {
                for (String line : childOutput) {
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        ref[0] = new NodeRef(Id.fromHex(m.group(1)), m.group(2), Integer.parseInt(m.group(3)));
                        return true;
                    }
                }
            }
            return false;
        });
        assertEquals("id is SHA-1 of the advertised address", NodeRef.idOf(ref[0].host(), ref[0].port()), ref[0].id());
        return ref[0];
    }

    private void signal(String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", sig, Long.toString(child.pid())).inheritIO().start();
        assertEquals("kill " + sig, 0, kill.waitFor());
    }

    /** State field of /proc/PID/stat is T once every thread of the child is stopped. */
    private boolean childStopped() {
        try {
            String stat = java.nio.file.Files.readString(Paths.get("/proc", Long.toString(child.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read the child's state from /proc: " + e.getMessage());
        }
    }

    private String output() {
        synchronized (childOutput) {
            return String.join("\n", childOutput);
        }
    }

    private Map<String, String> putKeys(int n) throws Exception {
        Map<String, String> kv = new HashMap<>();
        for (int i = 0; i < n; i++) {
            kv.put("sip:p" + i + "@p2psip.test", "contact-" + i);
            ring.any().put("sip:p" + i + "@p2psip.test", "contact-" + i, 3600).get(20, TimeUnit.SECONDS);
        }
        TestRing.await("keys replicated", Duration.ofSeconds(40), () -> {
            for (Map.Entry<String, String> e : kv.entrySet()) {
                if (!ring.fullyReplicated(e.getKey(), java.util.Set.of(e.getValue()))) {
                    return false;
                }
            }
            return true;
        });
        return kv;
    }

    private boolean everyNodeFindsEverything(Map<String, String> kv) {
        try {
            for (ChordNode n : ring.live()) {
                for (Map.Entry<String, String> e : kv.entrySet()) {
                    if (!n.get(e.getKey()).get(20, TimeUnit.SECONDS).equals(List.of(e.getValue()))) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test(timeout = 150_000)
    public void frozenNodeIsRoutedAround() throws Exception {
        ring.grow(5);
        ring.awaitStable(Duration.ofSeconds(30));
        NodeRef ext = startChild(ring.any().ref().toAddress());
        ring.addExternal(ext);
        ring.awaitStable(Duration.ofSeconds(30));
        Map<String, String> kv = putKeys(40);
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(ext.toAddress()), Duration.ofMillis(1500))) {
            assertEquals(List.of("contact-1"), c.get("sip:p1@p2psip.test").get(20, TimeUnit.SECONDS));

            signal("-STOP");
            TestRing.await("the child to be stopped", Duration.ofSeconds(10), this::childStopped);
            // the frozen node takes requests (the kernel accepts them) but never answers
            try {
                c.get("sip:p1@p2psip.test").get(20, TimeUnit.SECONDS);
                fail("a frozen node answered");
            } catch (ExecutionException e) {
                LookupException le = LookupException.unwrap(e);
                assertEquals(String.valueOf(le), Reason.TIMEOUT, le.reason());
            }
        }
        ring.removeExternal(ext);
        TestRing.await("every live node to find every key around the frozen node", Duration.ofSeconds(60),
                () -> everyNodeFindsEverything(kv));
        ring.awaitStable(Duration.ofSeconds(30));
        for (ChordNode n : ring.live()) {
            NodeStatus s = n.status();
            assertTrue(n.ref() + " still lists the frozen node as successor", !s.successors().contains(ext));
        }
    }

    @Test(timeout = 150_000)
    public void sigtermLeavesGracefully() throws Exception {
        ring.grow(4);
        ring.awaitStable(Duration.ofSeconds(30));
        NodeRef ext = startChild(ring.any().ref().toAddress());
        ring.addExternal(ext);
        ring.awaitStable(Duration.ofSeconds(30));
        Map<String, String> kv = putKeys(30);

        // SIGTERM (as Ctrl-C or a service manager would send; Process.destroy() would also close our end of its stdout)
        signal("-TERM");
        assertTrue("child did not stop", child.waitFor(30, TimeUnit.SECONDS));
        try {
            TestRing.await("the child to report its leave", Duration.ofSeconds(10), () -> output().contains("node " + ext.address() + " left the ring"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; exit " + child.exitValue() + "; child output:\n" + output());
        }
        ring.removeExternal(ext);
        ring.awaitStable(Duration.ofSeconds(20));
        assertTrue(everyNodeFindsEverything(kv));
    }
}
