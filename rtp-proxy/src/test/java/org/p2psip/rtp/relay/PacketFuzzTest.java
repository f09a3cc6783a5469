package org.p2psip.rtp.relay;

import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.p2psip.rtp.stats.RtpReceptionStats;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Fuzzing (seeded random inputs, JUnit 4) of the RTP-Port's packet parsing: {@link Packets#classify}
 * (RTP, RTCP, keepalive or invalid) and {@link RtpReceptionStats#onPacket} on what passes as RTP.
 * Neither may throw on any input, nor allocate per packet. 100,000 inputs, seed printed.
 */
public class PacketFuzzTest {
    private static final int INPUTS = 100_000;
    private static final int WARM_UP = 1000;

    @Test(timeout = 120_000)
    public void packets() {
        byte[] rtp = new byte[172];
        rtp[0] = (byte) 0x80;
        rtp[1] = 0; // PCMU
        rtp[3] = 1;
        byte[] rtcp = new byte[28];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 200; // sender report
        rtcp[3] = 6;
        List<byte[]> seeds = List.of(rtp, rtcp, new byte[] {0, 0, 0, 0});
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random rnd = new Random(seed);
        RtpReceptionStats stats = new RtpReceptionStats();
        int[] kinds = new int[4];
        long worst = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] in = FuzzInputs.mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
            ByteBuffer b = ByteBuffer.wrap(in);
            long a0 = Allocations.ofThisThread();
            try {
                int kind = Packets.classify(b);
                kinds[kind]++;
                if (kind == Packets.RTP) {
                    stats.onPacket(b, System.nanoTime(), 0);
                }
            } catch (Exception | Error e) {
                throw new AssertionError("input " + i + " (seed " + seed + ", " + in.length + " bytes) threw " + e, e);
            }
            if (i >= WARM_UP) { // the first inputs load classes and compile: not the parser's cost
                worst = Math.max(worst, Allocations.ofThisThread() - a0);
            }
        }
        System.out.println("[fuzz] RTP/RTCP packets: " + INPUTS + " inputs (seed " + seed + "): " + kinds[Packets.RTP] + " RTP, "
                + kinds[Packets.RTCP] + " RTCP, " + kinds[Packets.KEEPALIVE] + " keepalive, " + kinds[Packets.INVALID]
                + " invalid; most allocated by one " + worst + " bytes");
        assertTrue("allocated " + worst, worst <= 4096);
    }
}
