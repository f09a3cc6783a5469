package org.p2psip.rtp.stats;

/**
 * The counters of one leg. "In" is what the leg received from its remote side, "out" what it
 * sent there. Plain fields: only the worker thread that owns the leg writes them, and others read
 * them through a task on that worker.
 */
public final class LegStats {
    /** RTP and RTCP packets accepted (forwarded or at least offered to the other leg). */
    public long packetsIn;
    public long bytesIn;
    /** RTP and RTCP packets sent to the remote side. */
    public long packetsOut;
    public long bytesOut;
    public long rtcpIn;
    public long rtcpOut;
    public long keepalivesIn;
    public long keepalivesOut;
    /** Packets (or TCP connections) from a source other than the expected or latched one. */
    public long droppedStranger;
    /** Runts, non-RTP bytes, truncated RFC 4571 frames. */
    public long droppedMalformed;
    /** Packets that had nowhere to go: the other leg not connected yet, or a send error. */
    public long droppedUnrouted;
    /** Packets dropped because a socket buffer or the TCP send queue was full. */
    public long droppedOverflow;
    /** The RTP stream received on this leg. */
    public final RtpReceptionStats rtp = new RtpReceptionStats();

    public long drops() {
        return droppedStranger + droppedMalformed + droppedUnrouted + droppedOverflow;
    }
}
