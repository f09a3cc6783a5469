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
            byte[] in = mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
            long a0 = allocated();
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
                worst = Math.max(worst, allocated() - a0 - in.length);
            }
        }
        System.out.println("[fuzz] control frame: " + INPUTS + " inputs (seed " + seed + "), " + parsed
                + " parsed; most allocated beyond the input " + worst + " bytes");
        assertTrue("allocated " + worst, worst <= 4L * FrameCodec.DEFAULT_MAX_FRAME);
    }

    /** One input: random bytes, or {@code seed} mutated (bytes flipped, cut, extended, a length field maxed, a part repeated). */
    static byte[] mutate(java.util.Random rnd, byte[] seed) {
        switch (rnd.nextInt(6)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(1024)];
                rnd.nextBytes(b);
                return b;
            }
            case 1: {
                byte[] b = seed.clone();
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n && b.length > 0; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 2:
                return java.util.Arrays.copyOf(seed, seed.length == 0 ? 0 : rnd.nextInt(seed.length));
            case 3: {
                byte[] b = java.util.Arrays.copyOf(seed, seed.length + 1 + rnd.nextInt(64));
                for (int i = seed.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 4: {
                byte[] b = seed.clone();
                if (b.length >= 4) {
                    int at = rnd.nextInt(b.length - 3);
                    b[at] = (byte) 0x7f;
                    b[at + 1] = (byte) 0xff;
                    b[at + 2] = (byte) 0xff;
                    b[at + 3] = (byte) 0xff;
                }
                return b;
            }
            default: {
                if (seed.length == 0) {
                    return seed;
                }
                int from = rnd.nextInt(seed.length);
                int len = 1 + rnd.nextInt(seed.length - from);
                byte[] b = new byte[seed.length + len];
                System.arraycopy(seed, 0, b, 0, from + len);
                System.arraycopy(seed, from, b, from + len, seed.length - from);
                return b;
            }
        }
    }

    /** Bytes this thread allocated so far (HotSpot's per-thread counter). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
