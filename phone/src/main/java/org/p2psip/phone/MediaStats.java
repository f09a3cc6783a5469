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
 */
public record MediaStats(long packetsSent, long packetsReceived, long invalidReceived, long expected, long lost,
        double jitterMillis, long rtcpReceived, String remoteSource) {

    /** No media at all. */
    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, "-");

    /** Whether media went both ways: at least one packet sent and one valid RTP packet received. */
    public boolean flowedBothWays() {
        return packetsSent > 0 && packetsReceived > 0;
    }

    /** Lost packets as a percentage of those expected. */
    public double lossPercent() {
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }

    /** One-line human-readable summary. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "sent %d RTP packets, received %d (from %s), lost %d of %d expected (%.1f%%), jitter %.2f ms, invalid %d, RTCP received %d",
                packetsSent, packetsReceived, remoteSource, lost, expected, lossPercent(), jitterMillis,
                invalidReceived, rtcpReceived);
    }
}
