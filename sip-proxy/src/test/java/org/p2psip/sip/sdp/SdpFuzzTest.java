package org.p2psip.sip.sdp;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;
import org.p2psip.common.HostPort;

/**
 * Fuzzing (seeded random inputs, JUnit 4) of the SDP rewriter: {@link Sdp#parse}, its streams and
 * {@link Sdp#rewrite} on mutated SDP bodies (bytes and whole lines changed, cut, repeated). Each gives
 * a rewritten body or an SdpException; nothing else escapes, and a rewrite never grows a body by more
 * than a few lines per stream. 30,000 inputs, seed printed.
 */
public class SdpFuzzTest {
    private static final int INPUTS = 30_000;
    private static final String OFFER = "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtcp:4001\r\n"
            + "m=video 5000 RTP/AVP 96\r\nc=IN IP6 ::1\r\na=sendrecv\r\n";

    @Test(timeout = 120_000)
    public void sdpBodies() {
        List<byte[]> seeds = List.of(OFFER.getBytes(StandardCharsets.UTF_8),
                OFFER.replace("10.0.0.1", "0.0.0.0").getBytes(StandardCharsets.UTF_8),
                "v=0\nm=audio 0 RTP/AVP 0\n".getBytes(StandardCharsets.UTF_8));
        HostPort rtp = HostPort.parse("192.0.2.7:20000");
        HostPort rtcp = HostPort.parse("192.0.2.7:20001");
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        int rewritten = 0;
        for (int i = 0; i < INPUTS; i++) {
            String body = new String(mutate(rnd, seeds.get(rnd.nextInt(seeds.size()))), StandardCharsets.UTF_8);
            if (rnd.nextBoolean()) {
                body = body.replace("\n", rnd.nextBoolean() ? "\n\n" : "\r").replace("IN IP4", rnd.nextBoolean() ? "IN" : "IN IP4 ");
            }
            try {
                Sdp sdp = Sdp.parse(body);
                List<SdpStream> streams = sdp.streams();
                String out = sdp.rewrite(Map.of(0, new HostPort[] {rtp, rtcp}, 1, new HostPort[] {rtp, rtcp}));
                rewritten++;
                assertTrue("rewrite grew " + body.length() + " -> " + out.length(),
                        out.length() <= body.length() + 200 * (streams.size() + 2));
            } catch (SdpException expected) {
                // the parser's own error
            } catch (Exception | Error e) {
                throw new AssertionError("input " + i + " (seed " + seed + ") threw " + e + " on:\n" + body, e);
            }
        }
        System.out.println("[fuzz] SDP rewriter: " + INPUTS + " inputs (seed " + seed + "), " + rewritten + " rewritten");
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
