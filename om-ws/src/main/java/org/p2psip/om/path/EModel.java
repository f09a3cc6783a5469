package org.p2psip.om.path;

/**
 * The ITU-T G.107 E-model's transmission rating R, simplified as by Cole and Rosenbluth ("Voice
 * over IP performance monitoring", ACM CCR 2001) for G.711 with random loss: one figure a VoIP
 * engineer reads directly (R 90 and above: very good; 70: some users dissatisfied; below 50: nearly
 * all dissatisfied), used to compare the direct path with detours through a relay.
 * <pre>
 *   d  = RTT/2 + 2 * jitter + 10 ms                 (effective one-way delay, jitter buffer and codec)
 *   Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)    (delay impairment, H the unit step)
 *   Ie = 30 ln(1 + 15 loss)                         (G.711 equipment impairment, loss as a fraction)
 *   R  = 93.2 - Id - Ie
 * </pre>
 */
public final class EModel {
    private EModel() {
    }

    /** R for a path with round-trip time {@code rttMs}, jitter {@code jitterMs} and {@code lossFraction} (0..1). */
    public static double rFactor(double rttMs, double jitterMs, double lossFraction) {
        double d = rttMs / 2 + 2 * jitterMs + 10;
        double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
        double ie = 30 * Math.log(1 + 15 * Math.max(0, Math.min(1, lossFraction)));
        return 93.2 - id - ie;
    }
}
