package org.p2psip.sip.sdp;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;
import org.p2psip.common.HostPort;
import org.p2psip.testsupport.Allocations;
import org.p2psip.testsupport.FuzzInputs;

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
            String body = new String(FuzzInputs.mutate(rnd, seeds.get(rnd.nextInt(seeds.size()))), StandardCharsets.UTF_8);
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
}
