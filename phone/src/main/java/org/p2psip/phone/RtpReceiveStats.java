package org.p2psip.phone;

import java.util.HashMap;
import java.util.Map;

/**
 * Reception statistics of RTP media, per synchronisation source: packets received, expected and lost
 * from the extended highest sequence number (RFC 3550 appendix A.1, without the probation step) and
 * the interarrival jitter estimate (RFC 3550 appendix A.8). Thread-safe.
 */
public final class RtpReceiveStats {

    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final int clockRate;
    private final Map<Long, Source> sources = new HashMap<>();
    private long invalid;
    private long bytes;

    /** Statistics for media with the given RTP clock rate (8000 for PCMU). */
    public RtpReceiveStats(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** Accounts for a valid RTP packet that arrived at {@code arrivalNanos} (a {@link System#nanoTime()}). */
    public synchronized void received(RtpPacket p, long arrivalNanos) {
        bytes += p.payloadLength();
        Source s = sources.computeIfAbsent(p.ssrc(), k -> new Source());
        long arrival = Math.round(arrivalNanos * (clockRate / 1e9)); // in timestamp units
        s.update(p.sequence(), p.timestamp(), arrival);
    }

    /** Accounts for a datagram that did not parse as RTP. */
    public synchronized void invalid() {
        invalid++;
    }

    /** Valid packets received from all sources. */
    public synchronized long packets() {
        long n = 0;
        for (Source s : sources.values()) {
            n += s.received;
        }
        return n;
    }

    public synchronized long invalidPackets() {
        return invalid;
    }

    public synchronized long payloadBytes() {
        return bytes;
    }

    /** Packets expected from the sequence numbers seen (sum over sources). */
    public synchronized long expected() {
        long n = 0;
        for (Source s : sources.values()) {
            n += s.expected();
        }
        return n;
    }

    /** Packets lost (expected minus received, never negative: duplicates do not make up for losses). */
    public synchronized long lost() {
        long n = 0;
        for (Source s : sources.values()) {
            n += Math.max(0, s.expected() - s.received);
        }
        return n;
    }

    /** Interarrival jitter in milliseconds, of the source that sent most packets (0 if none). */
    public synchronized double jitterMillis() {
        Source best = null;
        for (Source s : sources.values()) {
            if (best == null || s.received > best.received) {
                best = s;
            }
        }
        return best == null ? 0 : best.jitter * 1000.0 / clockRate;
    }

    /** Number of distinct SSRCs seen. */
    public synchronized int sources() {
        return sources.size();
    }

    private static final class Source {
        int baseSeq;
        int maxSeq;
        long cycles;
        int badSeq = SEQ_MOD + 1;
        long received;
        boolean started;
        boolean haveTransit;
        long transit;
        double jitter;

        void update(int seq, long rtpTimestamp, long arrival) {
            if (!started) {
                init(seq);
                started = true;
            } else {
                int udelta = (seq - maxSeq) & 0xFFFF;
                if (udelta < MAX_DROPOUT) {
                    if (seq < maxSeq) {
                        cycles += SEQ_MOD;
                    }
                    maxSeq = seq;
                } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
                    if (seq == badSeq) {
                        init(seq); // two sequential packets after a big jump: the source restarted
                    } else {
                        badSeq = (seq + 1) & 0xFFFF;
                        return;
                    }
                }
                // else: duplicate or reordered packet, counted below
            }
            received++;
            long t = arrival - rtpTimestamp;
            if (haveTransit) {
                long d = Math.abs((int) (t - transit)); // timestamps wrap at 2^32: difference as int
                jitter += (d - jitter) / 16.0;
            }
            transit = t;
            haveTransit = true;
        }

        private void init(int seq) {
            baseSeq = seq;
            maxSeq = seq;
            cycles = 0;
            badSeq = SEQ_MOD + 1;
            received = 0;
        }

        long expected() {
            return started ? cycles + maxSeq - baseSeq + 1 : 0;
        }
    }
}
