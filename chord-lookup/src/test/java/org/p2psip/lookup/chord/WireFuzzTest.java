package org.p2psip.lookup.chord;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;
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
 * Fuzzing (seeded random inputs, JUnit 4) of the lookup service's hand-written parsers: frames
 * ({@link FrameCodec#read}) and every payload decoder of {@link WireMessages}. Each input either parses
 * or gives a MalformedFrameException: no other exception escapes; no input makes its reader allocate
 * more than 256 KiB beyond its own size (a header announcing up to 2 GiB included). 20,000 inputs a
 * parser, seed printed; bounded by the test's timeout.
 */
public class WireFuzzTest {
    private static final int INPUTS = 20_000;
    private static final int WARM_UP = 1000;
    private static final long ALLOCATION_SLACK = 256 * 1024;

    interface Parser {
        void parse(byte[] input) throws Exception;
    }

    private static void fuzz(String name, List<byte[]> seeds, Parser p) {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        long worst = 0;
        int parsed = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] in = FuzzInputs.mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
            long a0 = Allocations.ofThisThread();
            try {
                p.parse(in);
                parsed++;
            } catch (MalformedFrameException expected) {
                // the parser's own error
            } catch (Exception | Error e) {
                throw new AssertionError(name + ": input " + i + " (seed " + seed + ", " + in.length + " bytes) threw " + e, e);
            }
            if (i >= WARM_UP) { // the first inputs load classes and compile: not the parser's cost
                worst = Math.max(worst, Allocations.ofThisThread() - a0 - in.length);
            }
        }
        System.out.println("[fuzz] " + name + ": " + INPUTS + " inputs (seed " + seed + "), " + parsed
                + " parsed, the rest refused; most allocated beyond the input " + worst + " bytes");
        assertTrue(name + ": an input made the parser allocate " + worst + " bytes beyond its size", worst <= ALLOCATION_SLACK);
    }

    private static NodeRef node(int i) {
        return new NodeRef(Id.hash("n" + i), "127.0.0.1", 4000 + i);
    }

    @Test(timeout = 120_000)
    public void frames() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(FrameCodec.encode(new Frame(WireMessages.PING, false, 1, new byte[0])));
        seeds.add(FrameCodec.encode(new Frame(WireMessages.CLIENT_GET, true, 7, new byte[300])));
        fuzz("lookup frame", seeds, in -> FrameCodec.read(new ByteArrayInputStream(in)));
    }

    @Test(timeout = 120_000)
    public void payloads() {
        long now = System.currentTimeMillis();
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
        WireMessages.writeRecords(w, List.of(new StoredRecord("user:alice", Id.hash("user:alice"), "v", 5, now + 60_000, false)), now);
        seeds.add(w.toBytes());
        w = new PayloadWriter();
        WireMessages.writeStrings(w, List.of("a", "bb", "ccc"));
        seeds.add(w.toBytes());
        fuzz("node", seeds, in -> WireMessages.readNode(new PayloadReader(in)));
        fuzz("opt node", seeds, in -> WireMessages.readOptNode(new PayloadReader(in)));
        fuzz("nodes", seeds, in -> WireMessages.readNodes(new PayloadReader(in)));
        fuzz("ids", seeds, in -> WireMessages.readIds(new PayloadReader(in)));
        fuzz("records", seeds, in -> WireMessages.readRecords(new PayloadReader(in), now));
        fuzz("strings", seeds, in -> WireMessages.readStrings(new PayloadReader(in)));
        fuzz("status", seeds, in -> WireMessages.readStatus(new PayloadReader(in)));
    }
}
