package org.p2psip.om.path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.After;
import org.junit.Test;
import org.slf4j.LoggerFactory;

/**
 * The responder and the reflector over real loopback UDP sockets: A probes B directly and through
 * relay C (A -> C -> B -> C -> A), loss when B is gone, C refusing echoes for origins that never
 * asked it, C's rate limit, and bad packets logged and survived.
 */
public class ProbeSocketTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
    }

    private ProbeSocket open(ProbeSocket.Limits limits) throws Exception {
        ProbeSocket s = ProbeSocket.open(ANY, limits);
        owned.add(s);
        return s;
    }

    private ProbeSocket open() throws Exception {
        return open(ProbeSocket.Limits.DEFAULT);
    }

    @Test
    public void aDirectProbeIsEchoedAndItsRoundTripMeasured() throws Exception {
        ProbeSocket a = open();
        ProbeSocket b = open();
        long rtt = a.send(b.localAddress(), null).rttNanos().get(2, TimeUnit.SECONDS);
        assertTrue("RTT " + rtt + " ns", rtt > 0 && rtt < TimeUnit.SECONDS.toNanos(2));
        assertCount(1, () -> b.counters().echoed());
    }

    @Test
    public void aProbeViaARelayTravelsTheWholeDetour() throws Exception {
        ProbeSocket a = open();
        ProbeSocket b = open();
        ProbeSocket c = open();
        long rtt = a.send(b.localAddress(), c.localAddress()).rttNanos().get(2, TimeUnit.SECONDS);
        assertTrue("RTT " + rtt + " ns", rtt > 0);
        // each counts after its send: the echo may reach A a moment before
        assertCount(1, () -> c.counters().forwarded());
        assertCount(1, () -> b.counters().echoed());
        assertCount(1, () -> c.counters().returned());
        assertEquals(0, a.counters().echoed());
    }

    @Test
    public void probesToAPeerThatIsGoneAreLost() throws Exception {
        ProbeSocket a = open();
        ProbeSocket b = open();
        ProbeSocket c = open();
        InetSocketAddress gone = b.localAddress();
        b.close();
        CompletableFuture<Long> direct = a.send(gone, null).rttNanos();
        CompletableFuture<Long> via = a.send(gone, c.localAddress()).rttNanos();
        assertTimesOut(direct);
        assertTimesOut(via);
        assertEquals("C forwarded the probe, nothing came back to return", 0, c.counters().returned());
    }

    @Test
    public void theReflectorRefusesEchoesForOriginsThatNeverAskedIt() throws Exception {
        ProbeSocket c = open();
        try (DatagramSocket victim = new DatagramSocket(ANY); DatagramSocket attacker = new DatagramSocket(ANY)) {
            victim.setSoTimeout(300);
            InetSocketAddress v = (InetSocketAddress) victim.getLocalSocketAddress();
            // an echo "for" the victim, as if C had forwarded a probe of the victim's: C must not send it on
            byte[] b = ProbePacket.probe(1, 1, null).forwardedFrom(v).echo().encode();
            attacker.send(new DatagramPacket(b, b.length, c.localAddress()));
            assertNothingArrives(victim);
            assertEquals(1, c.counters().refused());
            assertEquals(0, c.counters().returned());
        }
    }

    @Test
    public void theReflectorReturnsAnEchoOnlyFromTheHopTheOriginNamed() throws Exception {
        ProbeSocket c = open();
        try (DatagramSocket origin = new DatagramSocket(ANY); DatagramSocket other = new DatagramSocket(ANY);
             DatagramSocket named = new DatagramSocket(ANY)) {
            origin.setSoTimeout(300);
            InetSocketAddress o = (InetSocketAddress) origin.getLocalSocketAddress();
            byte[] p = ProbePacket.probe(5, 5, (InetSocketAddress) named.getLocalSocketAddress()).encode();
            origin.send(new DatagramPacket(p, p.length, c.localAddress()));
            // a third socket, not the hop the origin asked for, answers in its place
            byte[] e = ProbePacket.probe(5, 5, null).forwardedFrom(o).echo().encode();
            other.send(new DatagramPacket(e, e.length, c.localAddress()));
            assertNothingArrives(origin);
            assertEquals(1, c.counters().refused());
        }
    }

    @Test
    public void theReflectorsForwardsAreRateLimited() throws Exception {
        ProbeSocket a = open();
        ProbeSocket b = open();
        ProbeSocket c = open(new ProbeSocket.Limits(2000, 400, 1, 3));
        List<CompletableFuture<Long>> rtts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rtts.add(a.send(b.localAddress(), c.localAddress()).rttNanos());
        }
        Thread.sleep(500);
        long answered = rtts.stream().filter(CompletableFuture::isDone).count();
        assertEquals("forwarded within the burst of 3", 3, c.counters().forwarded());
        assertEquals(3, answered);
        assertEquals(7, c.counters().rateLimited());
    }

    @Test
    public void aBadPacketIsLoggedWithItsReasonAndTheSocketKeepsAnswering() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ProbeSocket.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            ProbeSocket a = open();
            ProbeSocket b = open();
            try (DatagramSocket junk = new DatagramSocket(ANY)) {
                byte[] bad = "INVITE sip:bob@example.com SIP/2.0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                junk.send(new DatagramPacket(bad, bad.length, b.localAddress()));
            }
            long rtt = a.send(b.localAddress(), null).rttNanos().get(2, TimeUnit.SECONDS);
            assertTrue(rtt > 0);
            assertEquals(1, b.counters().malformed());
            assertTrue(logs.list.toString(), logs.list.stream().anyMatch(e -> e.getFormattedMessage()
                    .contains("ignored a bad packet") && e.getFormattedMessage().contains("magic 0x")));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    public void anOmWhoseUdpPortIsTakenAnswersNoProbesButStillMeasures() throws Exception {
        ProbeSocket taken = open();
        ProbeSocket second = open(ProbeSocket.Limits.DEFAULT);
        ProbeSocket fallback = ProbeSocket.open(taken.localAddress(), ProbeSocket.Limits.DEFAULT);
        owned.add(fallback);
        assertFalse(fallback.answering());
        assertTrue(fallback.localAddress().getPort() != taken.localAddress().getPort());
        assertTrue(fallback.send(second.localAddress(), null).rttNanos().get(2, TimeUnit.SECONDS) > 0);
        assertTimesOut(second.send(fallback.localAddress(), null).rttNanos());
    }

    private static void assertCount(long expected, java.util.function.LongSupplier counter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (counter.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, counter.getAsLong());
    }

    private static void assertTimesOut(CompletableFuture<Long> f) throws Exception {
        try {
            f.get(400, TimeUnit.MILLISECONDS);
            throw new AssertionError("answered: " + f.join());
        } catch (TimeoutException expected) {
            // lost
        }
    }

    private static void assertNothingArrives(DatagramSocket s) throws Exception {
        byte[] buf = new byte[100];
        try {
            s.receive(new DatagramPacket(buf, buf.length));
            throw new AssertionError("a packet arrived");
        } catch (SocketTimeoutException expected) {
            // nothing
        }
    }
}
