package org.p2psip.rtp.stats;

import java.nio.ByteBuffer;

/**
 * Reception statistics of one RTP stream as RFC 3550 defines them: sequence number tracking with
 * probation (A.1), cumulative loss as expected minus received (A.3) and the interarrival jitter
 * estimate (A.8). One instance follows the most recent SSRC; a new SSRC starts over.
 * Single-threaded: only the worker that owns the leg updates and reads it.
 *
 * <p>One deviation from A.1: the packets seen during probation are counted (base sequence number
 * is the first packet's, not the last probation packet's), so that a clean stream of N packets
 * reports N received and N expected.
 */
public final class RtpReceptionStats {
    private static final int RTP_SEQ_MOD = 1 << 16;
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int MIN_SEQUENTIAL = 2;

    private boolean seen;
    private int ssrc;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq;
    private int probation;
    private long received;
    private long transit;
    private boolean haveTransit;
    private double jitter;
    private int clockRate;

    /**
     * Takes one RTP packet (valid header, between position and limit) that arrived at
     * {@code arrivalNanos} ({@link System#nanoTime()}). {@code configuredClockRate} is the rate the
     * OM gave for the leg, 0 to derive it from the static payload type (8000 when unknown).
     */
    public void onPacket(ByteBuffer b, long arrivalNanos, int configuredClockRate) {
        int p = b.position();
        int pt = b.get(p + 1) & 0x7F;
        int seq = b.getShort(p + 2) & 0xFFFF;
        int ts = b.getInt(p + 4);
        int s = b.getInt(p + 8);
        if (!seen || s != ssrc) {
            start(s, seq);
            clockRate = configuredClockRate > 0 ? configuredClockRate : staticClockRate(pt);
        }
        if (updateSeq(seq)) {
            jitter(arrivalNanos, ts);
        }
    }

    private void start(int newSsrc, int seq) {
        seen = true;
        ssrc = newSsrc;
        badSeq = RTP_SEQ_MOD + 1;
        probation = MIN_SEQUENTIAL;
        cycles = 0;
        baseSeq = seq;
        received = 0;
        haveTransit = false;
        jitter = 0;
        // The first packet goes through updateSeq as well: with maxSeq = seq - 1 it counts as in sequence.
        maxSeq = (seq - 1) & 0xFFFF;
    }

    private void initSeq(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = RTP_SEQ_MOD + 1;
        cycles = 0;
        received = 0;
    }

    /** RFC 3550 A.1 update_seq; true when the packet counts as received. */
    private boolean updateSeq(int seq) {
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    initSeq(seq);
                    // Count the probation packets too (see the class comment).
                    baseSeq = (long) seq - (MIN_SEQUENTIAL - 1);
                    received = MIN_SEQUENTIAL;
                    return true;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return false;
        } else if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += RTP_SEQ_MOD;
            }
            maxSeq = seq;
        } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                // Two sequential packets after a big jump: the source restarted.
                initSeq(seq);
            } else {
                badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
                return false;
            }
        }
        // else: duplicate or reordered packet
        received++;
        return true;
    }

    /** RFC 3550 A.8. */
    private void jitter(long arrivalNanos, int rtpTimestamp) {
        long arrival = (arrivalNanos / 1000L) * clockRate / 1_000_000L;
        long t = (int) arrival - rtpTimestamp;
        if (haveTransit) {
            long d = (int) (t - transit);
            if (d < 0) {
                d = -d;
            }
            jitter += (d - jitter) / 16.0;
        }
        transit = t;
        haveTransit = true;
    }

    public boolean seen() {
        return seen;
    }

    public long ssrc() {
        return ssrc & 0xFFFFFFFFL;
    }

    /** Packets counted as received (A.1, duplicates included). */
    public long received() {
        return received;
    }

    /** Extended highest sequence number minus base plus one (A.3). */
    public long expected() {
        if (!seen || received == 0) {
            return 0;
        }
        return cycles + maxSeq - baseSeq + 1;
    }

    /** Cumulative packets lost (A.3): expected minus received; negative with duplicates. */
    public long lost() {
        return expected() - received;
    }

    /** Interarrival jitter in timestamp units (A.8). */
    public long jitter() {
        return (long) jitter;
    }

    public int clockRate() {
        return clockRate;
    }

    /** Interarrival jitter in milliseconds. */
    public double jitterMillis() {
        return clockRate == 0 ? 0 : jitter * 1000.0 / clockRate;
    }

    /** Clock rates of the static payload types (RFC 3551 Tables 4 and 5); 8000 for any other. */
    static int staticClockRate(int pt) {
        switch (pt) {
            case 6:
                return 16000;
            case 10:
            case 11:
                return 44100;
            case 16:
                return 11025;
            case 17:
                return 22050;
            case 14:
            case 25:
            case 26:
            case 28:
            case 31:
            case 32:
            case 33:
            case 34:
                return 90000;
            default:
                return 8000;
        }
    }
}
