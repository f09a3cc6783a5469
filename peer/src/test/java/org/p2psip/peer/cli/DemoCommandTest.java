package org.p2psip.peer.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/**
 * {@code ./p2psip demo} end to end, in this JVM: three real peers on loopback (Chord nodes, SOAP
 * OMs, P2PSIP-Ports and RTP-Ports over Unix sockets), two phones, a call through the relay.
 * The demo's exit status is 0 only when media flowed both ways through the relay; the printed
 * flow must show the paper's steps in order.
 */
public class DemoCommandTest {

    @Test
    public void demoCallGoesThroughTheRelayAndPrintsTheFlow() throws InterruptedException {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        String[] peer1Ladder = new String[1];
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(new PrintStream(new TeeStream(old, capture), true, StandardCharsets.UTF_8));
            // while the demo holds the overlay up, peer1's web view has the call's ladder
            Thread viewer = new Thread(() -> peer1Ladder[0] = ladderOnceHolding(buf), "demo-test-viewer");
            viewer.setDaemon(true);
            viewer.start();
            rc = DemoCommand.run(new String[] {"--seconds", "2", "--hold", "3"});
            viewer.join(10_000);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals("demo exit status; output:\n" + out, 0, rc);
        String[] steps = {
            "REGISTER alice -> OM stores user record user:alice",
            "DHT lookup user:bob",
            "signalling SATO for call",
            "RTP-Port relay chosen on peer",
            "RTP1 -> RTP3 -> RTP2",
            "StartPort RTP-Port relay",
            "Connect RTP: RTP1",
            "Media statistics per leg",
            "Result: OK",
        };
        int at = 0;
        for (String s : steps) {
            int i = out.indexOf(s, at);
            assertTrue("step '" + s + "' missing or out of order in:\n" + out, i >= 0);
            at = i;
        }
        assertTrue(out, out.contains("SATOs left: none"));
        java.util.regex.Matcher urls = java.util.regex.Pattern.compile("(?m)peer[123]: http://127\\.0\\.0\\.1:[0-9]+/$").matcher(out);
        int n = 0;
        while (urls.find()) {
            n++;
        }
        assertEquals("the URL of each peer's web view printed:\n" + out, 3, n);
        assertTrue(out, out.contains("holding the overlay up for 3 s"));
        String ladder = peer1Ladder[0];
        assertTrue("peer1's view during the hold: " + ladder, ladder != null && ladder.contains("\"label\":\"INVITE\"")
                && ladder.contains("\"label\":\"BYE\"") && ladder.contains("\"label\":\"StartPort\""));
    }

    /** Peer 1's view state, read once the demo says it holds the overlay up (null if it never did). */
    private static String ladderOnceHolding(ByteArrayOutputStream buf) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        try {
            while (System.nanoTime() < deadline) {
                String out = buf.toString(StandardCharsets.UTF_8);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)peer1: (http://\\S+/)$").matcher(out);
                if (out.contains("holding the overlay up") && m.find()) {
                    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "state")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            return "failed: " + e;
        }
        return null;
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream a;
        private final PrintStream b;

        TeeStream(PrintStream a, PrintStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] data, int off, int len) {
            a.write(data, off, len);
            b.write(data, off, len);
        }
    }
}
