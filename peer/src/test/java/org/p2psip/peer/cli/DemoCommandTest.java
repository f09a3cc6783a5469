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
    public void demoCallGoesThroughTheRelayAndPrintsTheFlow() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(new PrintStream(new TeeStream(old, capture), true, StandardCharsets.UTF_8));
            rc = DemoCommand.run(new String[] {"--seconds", "2"});
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
