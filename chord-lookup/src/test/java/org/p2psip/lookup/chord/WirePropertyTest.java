package org.p2psip.lookup.chord;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
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
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.wire.Frame;
import org.p2psip.lookup.wire.FrameCodec;
import org.p2psip.lookup.wire.MalformedFrameException;
import org.p2psip.lookup.wire.PayloadReader;
import org.p2psip.lookup.wire.PayloadWriter;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Property-based fuzzing (jqwik) of the lookup service's hand-written parsers: for any bytes (random,
 * or a valid frame or payload with bytes changed, cut, extended, a length field set to 2^31-1, a part
 * repeated) the frame reader and every payload decoder of {@link WireMessages} return or fail with
 * MalformedFrameException, and allocate at most 256 KiB beyond the input (a header announcing 1 GiB or
 * more included); any frame and any list of strings, written, reads back the same. Fixed tries per
 * property (bounded run); inputs counted and printed ({@code [jqwik]}).
 */
public class WirePropertyTest {
    private static final AtomicInteger INPUTS = new AtomicInteger();
    /** Inputs before allocation is measured: the first ones load classes and compile, not the parser's cost. */
    private static final int WARM_UP = 1000;
    private static final AtomicInteger MEASURED = new AtomicInteger();
    private static final long ALLOCATION_SLACK = 256 * 1024;
    private static final long NOW = System.currentTimeMillis();

    interface Parser {
        void parse(byte[] input) throws Exception;
    }

    private static void parsesOrRefuses(byte[] in, Parser p) throws Exception {
        INPUTS.incrementAndGet();
        long a0 = Allocations.ofThisThread();
        try {
            p.parse(in);
        } catch (MalformedFrameException expected) {
            // the parser's own error
        }
        long extra = Allocations.ofThisThread() - a0 - in.length;
        if (MEASURED.incrementAndGet() > WARM_UP) {
            assertTrue("allocated " + extra + " bytes beyond a " + in.length + "-byte input", extra <= ALLOCATION_SLACK);
        }
    }

    @Property(tries = 3_000)
    void frames(@ForAll("frameInputs") byte[] in) throws Exception {
        parsesOrRefuses(in, b -> FrameCodec.read(new ByteArrayInputStream(b)));
    }

    @Property(tries = 3_000)
    void payloads(@ForAll("payloadInputs") byte[] in, @ForAll @IntRange(min = 0, max = 6) int decoder) throws Exception {
        parsesOrRefuses(in, b -> {
            PayloadReader r = new PayloadReader(b);
            switch (decoder) {
                case 0 -> WireMessages.readNode(r);
                case 1 -> WireMessages.readOptNode(r);
                case 2 -> WireMessages.readNodes(r);
                case 3 -> WireMessages.readIds(r);
                case 4 -> WireMessages.readRecords(r, NOW);
                case 5 -> WireMessages.readStrings(r);
                default -> WireMessages.readStatus(r);
            }
        });
    }

    @Property(tries = 1_000)
    void anyFrameReadsBack(@ForAll @IntRange(min = 1, max = 127) int type, @ForAll boolean response,
            @ForAll int requestId, @ForAll @Size(max = 2048) byte[] payload) throws Exception {
        INPUTS.incrementAndGet();
        Frame back = FrameCodec.read(new ByteArrayInputStream(FrameCodec.encode(new Frame(type, response, requestId, payload))));
        assertEquals(type, back.type());
        assertEquals(response, back.response());
        assertEquals(requestId, back.requestId());
        assertArrayEquals(payload, back.payload());
    }

    @Property(tries = 1_000)
    void anyStringsReadBack(@ForAll @Size(max = 20) List<@StringLength(max = 100) String> values) throws Exception {
        INPUTS.incrementAndGet();
        List<String> text = new ArrayList<>();
        for (String v : values) {
            // UTF-8 carries no lone surrogates
            text.add(v.codePoints().filter(c -> c < 0xd800 || c > 0xdfff)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        }
        PayloadWriter w = new PayloadWriter();
        WireMessages.writeStrings(w, text);
        PayloadReader r = new PayloadReader(w.toBytes());
        assertEquals(text, WireMessages.readStrings(r));
        r.end();
    }

    @Provide
    Arbitrary<byte[]> frameInputs() {
        return inputs(List.of(FrameCodec.encode(new Frame(WireMessages.PING, false, 1, new byte[0])),
                FrameCodec.encode(new Frame(WireMessages.CLIENT_GET, true, 7, new byte[300]))));
    }

    @Provide
    Arbitrary<byte[]> payloadInputs() {
        List<byte[]> seeds = new ArrayList<>();
        PayloadWriter w = new PayloadWriter();
        WireMessages.writeNode(w, node(1));
        seeds.add(w.toBytes());
        w = new PayloadWriter();
        WireMessages.writeNodes(w, List.of(node(1), node(2), node(3)));
        seeds.add(w.toBytes());
        w = new PayloadWriter();
        WireMessages.writeIds(w, List.of(Id.hash("a"), Id.hash("b")));
        seeds.add(w.toBytes());
        w = new PayloadWriter();
        WireMessages.writeRecords(w, List.of(new StoredRecord("user:alice", Id.hash("user:alice"), "v", 5, NOW + 60_000, false)), NOW);
        seeds.add(w.toBytes());
        w = new PayloadWriter();
        WireMessages.writeStrings(w, List.of("a", "bb", "ccc"));
        seeds.add(w.toBytes());
        return inputs(seeds);
    }

    /** Random bytes (1 in 5) or a seed mutated by {@link WireFuzzTest#mutate} (driven by a generated long). */
    static Arbitrary<byte[]> inputs(List<byte[]> seeds) {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1024);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs())
                .as((seed, r) -> FuzzInputs.mutate(new Random(r), seed));
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(4, mutated));
    }

    private static NodeRef node(int i) {
        return new NodeRef(Id.hash("n" + i), "127.0.0.1", 4000 + i);
    }

    @AfterContainer
    static void report() {
        System.out.println("[jqwik] lookup frames and payloads: " + INPUTS.get() + " inputs");
    }
}
