package org.p2psip.control;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Fuzzing (seeded random inputs, JUnit 4) of the control protocol's frame parser
 * ({@link FrameCodec#read}): each input parses, or gives a MalformedFrameException, or ends early
 * (EOFException); no other exception escapes and no input makes the reader allocate more than four
 * times its frame limit (64 KiB: the body buffer, checked against the limit before it is allocated,
 * and its decoding into strings) beyond its own size. 50,000 inputs, seed printed.
 */
public class FrameFuzzTest {
    private static final int INPUTS = 50_000;
    private static final int WARM_UP = 1000;

    @Test(timeout = 120_000)
    public void frames() throws Exception {
        FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME);
        List<byte[]> seeds = new ArrayList<>();
        for (ControlMessage m : List.of(ControlMessage.request("user.lookup").with("user", "bob"),
                ControlMessage.event("port.status").with("a", "1").with("b", "x".repeat(300)),
                ControlMessage.request(MessageTypes.HELLO).with(MessageTypes.F_VERSION, "1"))) {
            ByteBuffer b = codec.encode(m);
            byte[] a = new byte[b.remaining()];
            b.get(a);
            seeds.add(a);
        }
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        long worst = 0;
        int parsed = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] in = FuzzInputs.mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
            long a0 = Allocations.ofThisThread();
            try {
                if (codec.read(Channels.newChannel(new ByteArrayInputStream(in))) != null) {
                    parsed++;
                }
            } catch (MalformedFrameException | EOFException expected) {
                // the parser's own errors
            } catch (Exception | Error e) {
                throw new AssertionError("input " + i + " (seed " + seed + ", " + in.length + " bytes) threw " + e, e);
            }
            if (i >= WARM_UP) { // the first inputs load classes and compile: not the parser's cost
                worst = Math.max(worst, Allocations.ofThisThread() - a0 - in.length);
            }
        }
        System.out.println("[fuzz] control frame: " + INPUTS + " inputs (seed " + seed + "), " + parsed
                + " parsed; most allocated beyond the input " + worst + " bytes");
        assertTrue("allocated " + worst, worst <= 4L * FrameCodec.DEFAULT_MAX_FRAME);
    }
}
