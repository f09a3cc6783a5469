package org.p2psip.rtp.relay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
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
import net.jqwik.api.lifecycle.AfterContainer;
import org.p2psip.rtp.stats.RtpReceptionStats;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Property-based fuzzing (jqwik) of the RTP-Port's packet parsing: for any datagram (random, or RTP,
 * RTCP and keepalive packets mutated) {@link Packets#classify} names a kind and
 * {@link RtpReceptionStats#onPacket} takes what passes as RTP, neither throwing nor allocating more
 * than 4 KiB; any well-formed RTP version 2 header with a payload type below 64 or above 95, and any
 * RTCP packet type 200-204, is classified as such. Fixed tries (bounded); inputs counted and printed
 * ({@code [jqwik]}).
 */
public class PacketPropertyTest {
    private static final AtomicInteger INPUTS = new AtomicInteger();
    /** Inputs before allocation is measured: the first ones load classes and compile, not the parser's cost. */
    private static final int WARM_UP = 1000;
    private static final AtomicInteger MEASURED = new AtomicInteger();
    private static final RtpReceptionStats STATS = new RtpReceptionStats();

    @Property(tries = 10_000)
    void anyDatagramIsClassifiedWithoutThrowing(@ForAll("datagrams") byte[] in) {
        INPUTS.incrementAndGet();
        ByteBuffer b = ByteBuffer.wrap(in);
        long a0 = Allocations.ofThisThread();
        int kind = Packets.classify(b);
        if (kind == Packets.RTP) {
            STATS.onPacket(b, System.nanoTime(), 0);
        }
        long used = Allocations.ofThisThread() - a0;
        if (MEASURED.incrementAndGet() > WARM_UP) {
            assertTrue("allocated " + used, used <= 4096);
        }
    }

    @Property(tries = 2_000)
    void rtpHeadersAreRtp(@ForAll @IntRange(min = 0, max = 127) int payloadType, @ForAll boolean marker,
            @ForAll short sequence, @ForAll int timestamp, @ForAll int ssrc, @ForAll @Size(min = 1, max = 1200) byte[] payload) {
        INPUTS.incrementAndGet();
        if (payloadType >= 64 && payloadType <= 95) {
            return; // RTCP's range (RFC 5761 4): not RTP
        }
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | payloadType)).putShort(sequence).putInt(timestamp).putInt(ssrc)
                .put(payload).flip();
        assertEquals(Packets.RTP, Packets.classify(b));
    }

    @Property(tries = 1_000)
    void rtcpPacketsAreRtcp(@ForAll @IntRange(min = 200, max = 204) int packetType, @ForAll @IntRange(min = 1, max = 30) int words) {
        INPUTS.incrementAndGet();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * words);
        b.put((byte) 0x80).put((byte) packetType).putShort((short) words);
        b.position(0);
        assertEquals(Packets.RTCP, Packets.classify(b));
    }

    @Provide
    Arbitrary<byte[]> datagrams() {
        byte[] rtp = new byte[172];
        rtp[0] = (byte) 0x80;
        rtp[3] = 1;
        byte[] rtcp = new byte[28];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 200;
        rtcp[3] = 6;
        List<byte[]> seeds = List.of(rtp, rtcp, new byte[] {0, 0, 0, 0});
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs())
                .as((seed, r) -> FuzzInputs.mutate(new Random(r), seed));
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(4, mutated));
    }

    @AfterContainer
    static void report() {
        System.out.println("[jqwik] RTP/RTCP packets: " + INPUTS.get() + " inputs");
    }
}
