package org.p2psip.om.path;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

/** The simplified E-model (Cole and Rosenbluth 2001) and the figures a route's probes give. */
public class EModelTest {

    @Test
    public void aPerfectPathRatesNearTheG711Maximum() {
        // d = 10 ms: Id = 0.24
        assertEquals(92.96, EModel.rFactor(0, 0, 0), 1e-9);
    }

    @Test
    public void delayAboveTheKneeCostsMore() {
        // d = 200 + 0 + 10 = 210 ms: Id = 5.04 + 0.11 * 32.7 = 8.637
        assertEquals(93.2 - 8.637, EModel.rFactor(400, 0, 0), 1e-9);
        // jitter counts twice: RTT 100, jitter 20 -> d = 100 ms, Id = 2.4
        assertEquals(90.8, EModel.rFactor(100, 20, 0), 1e-9);
    }

    @Test
    public void lossImpairsG711Logarithmically() {
        // 10 % loss: Ie = 30 ln 2.5
        assertEquals(92.96 - 30 * Math.log(2.5), EModel.rFactor(0, 0, 0.10), 1e-9);
        // 64 % loss alone leaves R about 22: nearly all users dissatisfied
        assertEquals(92.96 - 30 * Math.log(10.6), EModel.rFactor(0, 0, 0.64), 1e-9);
    }

    @Test
    public void routeFiguresFromProbeOutcomes() {
        // RTTs 10, 12, lost, 11, 30 ms in send order
        PathQuality q = PathQuality.of("direct", List.of(10_000_000L, 12_000_000L, -1L, 11_000_000L, 30_000_000L), 1500);
        assertEquals(5, q.sent());
        assertEquals(4, q.answered());
        assertEquals(20.0, q.lossPercent(), 1e-9);
        assertEquals(11.5, q.rttMedianMs(), 1e-9);
        assertEquals(30.0, q.rttP95Ms(), 1e-9);
        // mean absolute difference of consecutive answered RTTs: (2 + 1 + 19) / 3
        assertEquals(22.0 / 3, q.jitterMs(), 1e-9);
        assertEquals("direct: RTT 11.5 ms (p95 30.0), jitter 7.3 ms, loss 20% (5 probes, 1.5 s old)", q.toString());
        assertEquals(EModel.rFactor(11.5, 22.0 / 3, 0.2), q.rFactor(), 1e-9);
        assertEquals(0, PathQuality.of("via x", List.of(-1L, -1L), 0).rFactor(), 0);
    }
}
