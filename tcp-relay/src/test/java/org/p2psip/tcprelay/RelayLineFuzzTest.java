package org.p2psip.tcprelay;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Fuzzing (seeded random inputs, JUnit 4) of the TCP relay's framing: {@link LineReader} and the
 * address and port parsers of {@link RelayProtocol} on what it reads. Each input gives lines or a
 * ProtocolException; nothing else escapes; a line never takes more than {@link LineReader#MAX_LINE}
 * bytes of buffer. 50,000 inputs, seed printed.
 */
public class RelayLineFuzzTest {
    private static final int INPUTS = 50_000;
    private static final int WARM_UP = 1000;

    @Test(timeout = 120_000)
    public void lines() throws Exception {
        List<byte[]> seeds = List.of("LISTEN peer-1\n".getBytes(StandardCharsets.US_ASCII),
                "BIND 12345\r\n".getBytes(StandardCharsets.US_ASCII),
                "DIAL 10.0.0.1:5060\nPING\n".getBytes(StandardCharsets.US_ASCII),
                "DIAL [::1]:80\n".getBytes(StandardCharsets.US_ASCII));
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        long worst = 0;
        int lines = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] in = FuzzInputs.mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
            long a0 = Allocations.ofThisThread();
            try {
                LineReader r = new LineReader(new ByteArrayInputStream(in));
                String line;
                while ((line = r.readLine()) != null) {
                    lines++;
                    String[] words = line.split(" ", -1);
                    if (words.length > 1) {
                        try {
                            RelayProtocol.parseAddress(words[1]);
                        } catch (ProtocolException notAnAddress) {
                            // the parser's own error
                        }
                        try {
                            RelayProtocol.parsePort(words[1]);
                        } catch (ProtocolException notAPort) {
                            // the parser's own error
                        }
                    }
                }
            } catch (ProtocolException expected) {
                // the reader's own error
            } catch (Exception | Error e) {
                throw new AssertionError("input " + i + " (seed " + seed + ", " + in.length + " bytes) threw " + e, e);
            }
            if (i >= WARM_UP) { // the first inputs load classes and compile: not the parser's cost
                worst = Math.max(worst, Allocations.ofThisThread() - a0 - in.length);
            }
        }
        System.out.println("[fuzz] relay lines: " + INPUTS + " inputs (seed " + seed + "), " + lines
                + " lines read; most allocated beyond the input " + worst + " bytes");
        assertTrue("allocated " + worst, worst <= 64 * 1024);
    }
}
