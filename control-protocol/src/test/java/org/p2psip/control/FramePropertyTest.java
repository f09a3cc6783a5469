package org.p2psip.control;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Property-based fuzzing (jqwik) of the control protocol's frame parser ({@link FrameCodec#read}):
 * for any bytes (random, or an encoded frame with bytes changed, cut, extended, a length field set to
 * 2^31-1) the parser returns a message or fails with its own exceptions, and allocates at most four
 * times its frame limit beyond the input; any message, encoded, reads back the same. Inputs counted
 * and printed ({@code [jqwik]}); each property has a fixed number of tries, so the run is bounded.
 */
public class FramePropertyTest {
    private static final AtomicInteger INPUTS = new AtomicInteger();
    /** Inputs before allocation is measured: the first ones load classes and compile, not the parser's cost. */
    private static final int WARM_UP = 1000;
    private static final AtomicInteger MEASURED = new AtomicInteger();
    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME);

    @Property(tries = 10_000)
    void anyBytesParseOrFailCleanly(@ForAll("frames") byte[] in) throws Exception {
        INPUTS.incrementAndGet();
        long a0 = Allocations.ofThisThread();
        try {
            CODEC.read(Channels.newChannel(new ByteArrayInputStream(in)));
        } catch (MalformedFrameException | EOFException expected) {
            // the parser's own errors
        }
        long extra = Allocations.ofThisThread() - a0 - in.length;
        if (MEASURED.incrementAndGet() > WARM_UP) {
            assertTrue("allocated " + extra + " bytes beyond the input", extra <= 4L * FrameCodec.DEFAULT_MAX_FRAME);
        }
    }

    @Property(tries = 1_000)
    void anyMessageReadsBack(@ForAll("messages") ControlMessage m) throws Exception {
        INPUTS.incrementAndGet();
        ByteBuffer b = CODEC.encode(m);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        ControlMessage back = CODEC.read(Channels.newChannel(new ByteArrayInputStream(a)));
        assertTrue(m + " read back as " + back, m.equals(back));
    }

    @Provide
    Arbitrary<ControlMessage> messages() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('.', '_').ofMinLength(1).ofMaxLength(20);
        // any text without lone surrogates (which UTF-8 cannot carry)
        Arbitrary<String> values = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\ufffd')
                .ofMaxLength(200);
        Arbitrary<Map<String, String>> fields = Arbitraries.maps(names, values).ofMaxSize(8);
        return Combinators.combine(Arbitraries.of("request", "event"), names, fields).as((kind, type, f) -> {
            ControlMessage m = kind.equals("request") ? ControlMessage.request(type) : ControlMessage.event(type);
            for (Map.Entry<String, String> e : f.entrySet()) {
                m = m.with(e.getKey(), e.getValue());
            }
            return m;
        });
    }

    @Provide
    Arbitrary<byte[]> frames() {
        List<byte[]> seeds = List.of(encoded(ControlMessage.request("user.lookup").with("user", "bob")),
                encoded(ControlMessage.event("port.status").with("a", "1").with("b", "x".repeat(300))),
                encoded(ControlMessage.request(MessageTypes.HELLO).with(MessageTypes.F_VERSION, "1")));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1024);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs())
                .as((seed, r) -> FuzzInputs.mutate(new java.util.Random(r), seed));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(4, mutated));
    }

    private static byte[] encoded(ControlMessage m) {
        ByteBuffer b;
        try {
            b = CODEC.encode(m);
        } catch (ControlException e) {
            throw new IllegalStateException(e);
        }
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @AfterContainer
    static void report() {
        System.out.println("[jqwik] control frames: " + INPUTS.get() + " inputs");
    }
}
