package org.p2psip.sip.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.p2psip.common.HostPort;
import org.p2psip.testsupport.FuzzInputs;

/**
 * Property-based fuzzing (jqwik) of the SDP rewriter: for any body (random, or SDP offers mutated)
 * {@link Sdp#parse}, its streams and {@link Sdp#rewrite} give a body or an SdpException and never
 * grow it by more than 200 characters per stream; for any well-formed offer (1 to 4 streams, IPv4 or
 * IPv6 connection lines at session or media level, any ports, some streams disabled with port 0) the
 * rewritten body, parsed again, sends every active stream's RTP and RTCP to the relay's addresses and
 * keeps the disabled ones disabled. Fixed tries (bounded); inputs counted and printed ({@code [jqwik]}).
 */
public class SdpPropertyTest {
    private static final AtomicInteger INPUTS = new AtomicInteger();
    private static final HostPort RTP = HostPort.parse("192.0.2.7:20000");
    private static final HostPort RTCP = HostPort.parse("192.0.2.7:20001");
    private static final String OFFER = "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtcp:4001\r\n"
            + "m=video 5000 RTP/AVP 96\r\nc=IN IP6 ::1\r\na=sendrecv\r\n";

    @Property(tries = 3_000)
    void anyBodyRewritesOrFailsCleanly(@ForAll("bodies") String body) {
        INPUTS.incrementAndGet();
        try {
            Sdp sdp = Sdp.parse(body);
            List<SdpStream> streams = sdp.streams();
            Map<Integer, HostPort[]> all = new HashMap<>();
            for (SdpStream s : streams) {
                all.put(s.index(), new HostPort[] {RTP, RTCP});
            }
            String out = sdp.rewrite(all);
            assertTrue("rewrite grew " + body.length() + " -> " + out.length(), out.length() <= body.length() + 200 * (streams.size() + 2));
        } catch (SdpException expected) {
            // the parser's own error
        }
    }

    record Stream(String media, int port, String address) {
    }

    @Property(tries = 1_000)
    void wellFormedOffersAreRewrittenToTheRelay(@ForAll("offers") List<Stream> streams, @ForAll boolean sessionConnection)
            throws Exception {
        INPUTS.incrementAndGet();
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n");
        if (sessionConnection) {
            sb.append("c=IN IP4 10.0.0.1\r\n");
        }
        sb.append("t=0 0\r\n");
        for (Stream s : streams) {
            sb.append("m=").append(s.media()).append(' ').append(s.port()).append(" RTP/AVP 0\r\n");
            if (!sessionConnection || s.address().contains(":")) {
                sb.append("c=IN ").append(s.address().contains(":") ? "IP6 " : "IP4 ").append(s.address()).append("\r\n");
            }
            sb.append("a=sendrecv\r\n");
        }
        Sdp offer = Sdp.parse(sb.toString());
        Map<Integer, HostPort[]> replace = new HashMap<>();
        List<Integer> active = new ArrayList<>();
        for (SdpStream s : offer.streams()) {
            if (s.isActive()) {
                replace.put(s.index(), new HostPort[] {RTP, RTCP});
                active.add(s.index());
            }
        }
        List<SdpStream> after = Sdp.parse(offer.rewrite(replace)).streams();
        assertEquals(streams.size(), after.size());
        for (SdpStream s : after) {
            if (active.contains(s.index())) {
                assertEquals("stream " + s.index() + " RTP", RTP, s.rtp());
                assertEquals("stream " + s.index() + " RTCP", RTCP, s.rtcp());
            } else {
                assertTrue("stream " + s.index() + " stays disabled", !s.isActive());
            }
        }
    }

    @Provide
    Arbitrary<List<Stream>> offers() {
        Arbitrary<String> addresses = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(1, 223), Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(1, 254)).as((a, b, c) -> a + "." + b + ".0." + c),
                Arbitraries.of("::1", "2001:db8::7", "fe80::1"));
        Arbitrary<Integer> ports = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
                Tuple.of(6, Arbitraries.integers().between(1024, 65534)));
        Arbitrary<Stream> stream = Combinators.combine(Arbitraries.of("audio", "video"), ports, addresses).as(Stream::new);
        return stream.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> bodies() {
        List<byte[]> seeds = List.of(OFFER.getBytes(StandardCharsets.UTF_8),
                OFFER.replace("10.0.0.1", "0.0.0.0").getBytes(StandardCharsets.UTF_8),
                "v=0\nm=audio 0 RTP/AVP 0\n".getBytes(StandardCharsets.UTF_8));
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(600);
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs())
                .as((seed, r) -> new String(FuzzInputs.mutate(new Random(r), seed), StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(4, mutated));
    }

    @AfterContainer
    static void report() {
        System.out.println("[jqwik] SDP rewriter: " + INPUTS.get() + " inputs");
    }
}
