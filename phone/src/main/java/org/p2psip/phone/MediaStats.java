package org.p2psip.phone;

/**
 * What one call's media did, as the phone saw it.
 *
 * @param packetsSent     RTP packets sent
 * @param packetsReceived valid RTP packets received
 * @param invalidReceived datagrams on the RTP port that were not valid RTP
 * @param expected        packets expected from the received sequence numbers
 * @param lost            packets lost (from sequence numbers)
 * @param jitterMillis    interarrival jitter (RFC 3550 A.8), milliseconds
 * @param rtcpReceived    datagrams received on the RTCP port
 * @param remoteSource    where the last RTP packet came from ("-" if none)
 * @param delayMeanMillis mean one-way delay from {@link AbsSendTime}, NaN if no packet carried it
 * @param delayP95Millis  95th percentile of the one-way delay, NaN without samples
 * @param delaySamples    received packets that carried abs-send-time
 * @param maxGapMillis    the longest time between two received RTP packets (the longest silence heard), ms
 */
public record MediaStats(long packetsSent, long packetsReceived, long invalidReceived, long expected, long lost,
        double jitterMillis, long rtcpReceived, String remoteSource, double delayMeanMillis, double delayP95Millis,
        long delaySamples, long maxGapMillis) {

    /** No media at all. */
    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, "-", Double.NaN, Double.NaN, 0, 0);

    /** Whether media went both ways: at least one packet sent and one valid RTP packet received. */
    public boolean flowedBothWays() {
        return packetsSent > 0 && packetsReceived > 0;
    }

    /** Lost packets as a percentage of those expected. */
    public double lossPercent() {
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }

    /**
     * One-line human-readable summary, ending in the one-way delay: {@code delay mean 12.3 ms p95 15.1 ms
     * (748 samples)}, or {@code delay - (0 samples)} when no packet carried abs-send-time.
     */
    public String summary() {
        String delay = delaySamples == 0 ? "delay - (0 samples)"
                : String.format(java.util.Locale.ROOT, "delay mean %.1f ms p95 %.1f ms (%d samples)", delayMeanMillis,
                        delayP95Millis, delaySamples);
        return String.format(java.util.Locale.ROOT,
                "sent %d RTP packets, received %d (from %s), lost %d of %d expected (%.1f%%), jitter %.2f ms, longest gap %d ms, invalid %d, RTCP received %d, %s",
                packetsSent, packetsReceived, remoteSource, lost, expected, lossPercent(), jitterMillis, maxGapMillis,
                invalidReceived, rtcpReceived, delay);
    }
}
