package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Property-based fuzzing (jqwik) of the TCP relay's framing: for any bytes (random, or relay lines
 * mutated) {@link LineReader} gives lines or a ProtocolException and the address and port parsers of
 * {@link RelayProtocol} take or refuse each line's argument, nothing else escaping and at most 64 KiB
 * allocated beyond the input; any printable line of up to {@link LineReader#MAX_LINE} bytes with its
 * terminator reads back the same, and a longer one is refused as too long. Fixed tries (bounded);
 * inputs counted and printed ({@code [jqwik]}).
 */
public class RelayLinePropertyTest {
    private static final AtomicInteger INPUTS = new AtomicInteger();
    /** Inputs before allocation is measured: the first ones load classes and compile, not the parser's cost. */
    private static final int WARM_UP = 1000;
    private static final AtomicInteger MEASURED = new AtomicInteger();

    @Property(tries = 5_000)
    void anyBytesGiveLinesOrAProtocolError(@ForAll("inputs") byte[] in) throws Exception {
        INPUTS.incrementAndGet();
        long a0 = Allocations.ofThisThread();
        try {
            LineReader r = new LineReader(new ByteArrayInputStream(in));
            String line;
            while ((line = r.readLine()) != null) {
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
        }
        long extra = Allocations.ofThisThread() - a0 - in.length;
        if (MEASURED.incrementAndGet() > WARM_UP) {
            assertTrue("allocated " + extra, extra <= 64 * 1024);
        }
    }

    @Property(tries = 1_000)
    void printableLinesReadBackAndLongOnesAreRefused(@ForAll("printable") String text, @ForAll boolean crlf) throws Exception {
        INPUTS.incrementAndGet();
        byte[] in = (text + (crlf ? "\r\n" : "\n")).getBytes(StandardCharsets.US_ASCII);
        LineReader r = new LineReader(new ByteArrayInputStream(in));
        if (text.length() + 1 <= LineReader.MAX_LINE - (crlf ? 1 : 0)) {
            assertEquals(text, r.readLine());
            assertNull(r.readLine());
        } else {
            try {
                r.readLine();
                throw new AssertionError("a line of " + in.length + " bytes was taken");
            } catch (ProtocolException e) {
                assertEquals("line too long", e.getMessage());
            }
        }
    }

    @Property(tries = 1_000)
    void portsInRangeParse(@ForAll @IntRange(min = 1, max = 65535) int port) throws Exception {
        INPUTS.incrementAndGet();
        assertEquals(port, RelayProtocol.parsePort(Integer.toString(port)));
    }

    @Provide
    Arbitrary<String> printable() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(2 * LineReader.MAX_LINE);
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        List<byte[]> seeds = List.of("LISTEN peer-1\n".getBytes(StandardCharsets.US_ASCII),
                "BIND 12345\r\n".getBytes(StandardCharsets.US_ASCII),
                "DIAL 10.0.0.1:5060\nPING\n".getBytes(StandardCharsets.US_ASCII),
                "DIAL [::1]:80\n".getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1024);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs())
                .as((seed, r) -> FuzzInputs.mutate(new Random(r), seed));
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(4, mutated));
    }

    @AfterContainer
    static void report() {
        System.out.println("[jqwik] relay lines: " + INPUTS.get() + " inputs");
    }
}
