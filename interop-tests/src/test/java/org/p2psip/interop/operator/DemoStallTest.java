package org.p2psip.interop.operator;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * {@code ./p2psip demo} on a machine that stalls: while the call runs through the relay, the demo's
 * process (its three peers, their RTP-Ports and both phones) is stopped for 400 ms three times, as a
 * garbage collection, a starved CI machine or a suspended laptop would. A stall is not a dead path:
 * the call must stay on its relay (before, the media watch took the backlog the RTP-Port had not read
 * yet for 400 ms of silence through the relay and, the relay being the only one, moved the call to
 * the direct path; the demo then failed with "packets through the relay: 0"). With INFO logging on,
 * which makes the stalls' aftermath slower, as on the machine where it failed.
 */
public class DemoStallTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @Test(timeout = 300_000)
    public void aStalledProcessDoesNotMoveTheCallOffItsRelay() throws Exception {
        Path log = Files.createTempFile("p2psip-demo-stall", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder("./p2psip", "demo", "--seconds", "6").directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("P2PSIP_LOG_LEVEL", "INFO");
            Process demo = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240); // a first build may come first
                while (!Files.readString(log, StandardCharsets.UTF_8).contains("call established")) {
                    assertTrue("the demo ended before the call was up:\n" + Files.readString(log), demo.isAlive());
                    assertTrue("no call within 240 s:\n" + Files.readString(log), System.nanoTime() < deadline);
                    Thread.sleep(100);
                }
                Thread.sleep(1000);
                for (int i = 0; i < 3; i++) {
                    signal("STOP", demo.toHandle());
                    Thread.sleep(400);
                    signal("CONT", demo.toHandle());
                    Thread.sleep(1000);
                }
                assertTrue("the demo did not end", demo.waitFor(120, TimeUnit.SECONDS));
            } finally {
                demo.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                demo.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals("exit status of ./p2psip demo; output:\n" + out, 0, demo.exitValue());
            assertTrue(out, out.contains("Result: OK"));
            assertFalse("the call moved off its relay:\n" + out, out.contains("adapted:"));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Sends SIGSTOP or SIGCONT to {@code p} and every process under it. */
    private static void signal(String sig, ProcessHandle p) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig, Long.toString(p.pid())));
        p.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
        Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("kill -" + sig + " did not finish", k.waitFor(10, TimeUnit.SECONDS));
        assertEquals("kill -" + sig + ": " + out, 0, k.exitValue());
    }
}
