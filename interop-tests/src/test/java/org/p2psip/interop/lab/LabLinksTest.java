package org.p2psip.interop.lab;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.experiment.Lab;
import org.p2psip.experiment.Link;
import org.p2psip.experiment.LoadFlow;
import org.p2psip.experiment.LoadResult;
import org.p2psip.experiment.RttStats;
import org.p2psip.experiment.Site;
import org.p2psip.experiment.Topology;

/**
 * The network lab's links, measured with real packets in real namespaces: three public sites, the
 * path A-B a 2 Mbit/s bottleneck with at most 300 ms of queue, A-C and C-B full speed. A flood
 * over the bottleneck fills its queue (round trips A-B rise by the queue's length) and gets
 * through at the link's rate, while the other pairs stay fast; a link with 30 % loss drops about
 * that share; links change while the lab runs.
 */
public class LabLinksTest {

    private static Lab lab;
    private static Site a;
    private static Site b;
    private static Site c;

    @BeforeClass
    public static void buildLab() {
        Topology topology = Topology.builder()
                .site("A").site("B").site("C")
                .link("A", "B", Link.rateKbit(2000).queueMillis(300))
                .build();
        lab = Lab.start(topology);
        a = lab.site("A");
        b = lab.site("B");
        c = lab.site("C");
    }

    @AfterClass
    public static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    public void sitesHaveTheDocumentedAddresses() {
        assertEquals("203.0.113.10", a.ip());
        assertEquals("203.0.113.11", b.ip());
        assertEquals("203.0.113.12", c.publicIp());
        assertEquals(lab.namePrefix() + "A", a.namespace());
        assertEquals(Link.rateKbit(2000).queueMillis(300), lab.link("B", "A"));
        assertEquals(Link.UNLIMITED, lab.link("A", "C"));
        assertThat(lab.tcClasses(a.edge()), containsString("rate 2Mbit"));
    }

    @Test
    public void aFloodFillsTheBottleneckQueueWhileTheOtherPairsStayFast() {
        RttStats idle = lab.probeRtt(a, b, 20, Duration.ofMillis(10));
        assertEquals("idle A->B: " + idle, 20, idle.received());
        assertTrue("idle A->B: " + idle, idle.avgMillis() < 30);

        LoadFlow flood = lab.udpFlood(a, b, 6000);
        LoadResult result;
        try {
            sleep(1500); // 4 Mbit/s more than the link carries: the 75 kB queue is full after ~0.15 s
            RttStats loaded = lab.probeRtt(a, b, 20, Duration.ofMillis(50));
            RttStats ac = lab.probeRtt(a, c, 20, Duration.ofMillis(10));
            RttStats cb = lab.probeRtt(c, b, 20, Duration.ofMillis(10));
            assertTrue("loaded A->B should wait in the 300 ms queue or be lost: " + loaded,
                    loaded.avgMillis() > idle.avgMillis() + 150 || loaded.lossPercent() > 50);
            assertTrue("A->C beside the flood: " + ac, ac.received() >= 19 && ac.avgMillis() < 30);
            assertTrue("C->B beside the flood: " + cb, cb.received() >= 19 && cb.avgMillis() < 30);
        } finally {
            result = flood.stop();
        }
        assertTrue("the flood sent at ~6 Mbit/s: " + result, result.sentBytes() > 3 * result.receivedBytes() / 2);
        double kbit = result.receivedKbitPerSecond();
        assertTrue("B received at about the link's 2 Mbit/s: " + result, kbit > 1000 && kbit < 3000);
        assertEquals(0, lab.flows().size());

        RttStats after = lab.probeRtt(a, b, 10, Duration.ofMillis(10));
        assertTrue("the queue drained after the flood: " + after, after.received() == 10 && after.avgMillis() < 30);
    }

    @Test
    public void aTcpTransferGetsTheBottleneckRateOnlyOnTheBottleneck() {
        LoadResult slow;
        try (LoadFlow bulk = lab.tcpBulk(a, b)) {
            sleep(2500);
            slow = bulk.stop();
        }
        assertTrue("A->B over 2 Mbit/s: " + slow, slow.receivedKbitPerSecond() > 1000 && slow.receivedKbitPerSecond() < 3000);
        LoadResult fast;
        try (LoadFlow bulk = lab.tcpBulk(a, c)) {
            sleep(1000);
            fast = bulk.stop();
        }
        assertTrue("A->C is not shaped: " + fast, fast.receivedKbitPerSecond() > 20 * slow.receivedKbitPerSecond());
    }

    @Test
    public void aLossyLinkSetWhileTheLabRunsDropsItsShareAndClearsAgain() {
        lab.setLink("A", "C", Link.unlimited().loss(30, 0));
        try {
            assertEquals(Link.unlimited().loss(0, 30), lab.link("C", "A"));
            RttStats lossy = lab.probeRtt(a, c, 400, Duration.ofMillis(3));
            assertTrue("30 % of A->C dropped: " + lossy, lossy.lossPercent() > 20 && lossy.lossPercent() < 40);
            RttStats other = lab.probeRtt(a, b, 100, Duration.ofMillis(3));
            assertEquals("A->B has no loss: " + other, 100, other.received());
        } finally {
            lab.clearLink("A", "C");
        }
        RttStats cleared = lab.probeRtt(a, c, 100, Duration.ofMillis(3));
        assertEquals("after clearLink: " + cleared, 100, cleared.received());
    }

    @Test
    public void aLinksRateChangesWhileTheLabRuns() {
        lab.setLink("A", "C", Link.rateKbit(1000).queueMillis(200));
        try {
            LoadResult result;
            try (LoadFlow flood = lab.udpFlood(a, c, 3000)) {
                sleep(2000);
                result = flood.stop();
            }
            assertTrue("A->C now 1 Mbit/s: " + result,
                    result.receivedKbitPerSecond() > 500 && result.receivedKbitPerSecond() < 1500);
        } finally {
            lab.clearLink("A", "C");
        }
        RttStats idle = lab.probeRtt(a, c, 10, Duration.ofMillis(10));
        assertTrue("A->C fast again: " + idle, idle.received() == 10 && idle.avgMillis() < 30);
    }

    @Test
    public void loadGoesOnlyToTheLabsOwnSites() {
        try {
            lab.setLink("A", "A", Link.unlimited());
            fail("a link from a site to itself");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("two different sites"));
        }
        try {
            lab.site("X");
            fail("no such site");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage(), containsString("sites: A, B, C"));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
