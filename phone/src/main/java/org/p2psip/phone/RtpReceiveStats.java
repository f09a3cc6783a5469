package org.p2psip.phone;

import java.util.HashMap;
import java.util.Map;

/**
 * Reception statistics of RTP media, per synchronisation source: packets received, expected and lost
 * from the extended highest sequence number (RFC 3550 appendix A.1, without the probation step) and
 * the interarrival jitter estimate (RFC 3550 appendix A.8), and the one-way delay of the packets that
 * carried {@link AbsSendTime}; for the whole call and per reporting interval ({@link #takeInterval}).
 * Thread-safe.
 */
public final class RtpReceiveStats {

    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    /** Distinct SSRCs tracked; packets of further sources are counted as invalid. */
    static final int MAX_SOURCES = 64;
    private static final int CALL_DELAY_SAMPLES = 1 << 16;
    private static final int INTERVAL_DELAY_SAMPLES = 1 << 12;

    private final int clockRate;
    private final Map<Long, Source> sources = new HashMap<>();
    private final DelaySamples callDelay = new DelaySamples(CALL_DELAY_SAMPLES);
    private final DelaySamples intervalDelay = new DelaySamples(INTERVAL_DELAY_SAMPLES);
    private long invalid;
    private long bytes;
    private long lastArrivalNanos = -1;
    private long maxGapNanos;
    private long intervalMaxGapNanos;

    /** Statistics for media with the given RTP clock rate (8000 for PCMU). */
    public RtpReceiveStats(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** Accounts for a valid RTP packet that arrived at {@code arrivalNanos} (a {@link System#nanoTime()}). */
    public synchronized void received(RtpPacket p, long arrivalNanos) {
        received(p, arrivalNanos, Double.NaN);
    }

    /**
     * Accounts for a valid RTP packet that arrived at {@code arrivalNanos} (a {@link System#nanoTime()})
     * with the one-way delay {@code delayMillis} (NaN if the packet carried no send time).
     */
    public synchronized void received(RtpPacket p, long arrivalNanos, double delayMillis) {
        Source s = sources.get(p.ssrc());
        if (s == null) {
            if (sources.size() >= MAX_SOURCES) {
                invalid++;
                return;
            }
            s = new Source();
            sources.put(p.ssrc(), s);
        }
        bytes += p.payloadLength();
        if (lastArrivalNanos >= 0 && arrivalNanos - lastArrivalNanos > maxGapNanos) {
            maxGapNanos = arrivalNanos - lastArrivalNanos;
        }
        if (lastArrivalNanos >= 0 && arrivalNanos - lastArrivalNanos > intervalMaxGapNanos) {
            intervalMaxGapNanos = arrivalNanos - lastArrivalNanos;
        }
        lastArrivalNanos = arrivalNanos;
        long arrival = Math.round(arrivalNanos * (clockRate / 1e9)); // in timestamp units
        if (s.update(p.sequence(), p.timestamp(), arrival) && !Double.isNaN(delayMillis)) {
            callDelay.add(delayMillis);
            intervalDelay.add(delayMillis);
        }
    }

    /**
     * The figures of the interval since the last call (or since the start) and starts the next one.
     *
     * @param endMillis the end of the interval, milliseconds since reporting started (goes into the line)
     */
    public synchronized MediaInterval takeInterval(long endMillis) {
        long received = 0;
        long expected = 0;
        long lost = 0;
        for (Source s : sources.values()) {
            long e = s.takeExpected();
            long r = s.intervalReceived;
            s.intervalReceived = 0;
            expected += e;
            received += r;
            lost += Math.max(0, e - r);
        }
        MediaInterval i = new MediaInterval(endMillis, received, expected, lost, jitterMillis(), intervalDelay.mean(),
                intervalDelay.p95(), intervalDelay.count(), intervalMaxGapNanos / 1_000_000);
        intervalDelay.clear();
        intervalMaxGapNanos = 0;
        return i;
    }

    /** Mean one-way delay of the call in milliseconds, NaN if no packet carried a send time. */
    public synchronized double delayMeanMillis() {
        return callDelay.mean();
    }

    /** 95th percentile of the call's one-way delay in milliseconds, NaN without samples. */
    public synchronized double delayP95Millis() {
        return callDelay.p95();
    }

    /** Packets of the call that carried a send time. */
    public synchronized long delaySamples() {
        return callDelay.count();
    }

    /** Accounts for a datagram that did not parse as RTP. */
    /** The longest time between two valid RTP packets received, in ms (0 before the second packet): the media gap the listener heard. */
    public synchronized long maxGapMillis() {
        return maxGapNanos / 1_000_000;
    }

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
        long intervalReceived;
        long reportedMax;
        boolean started;
        boolean haveTransit;
        long transit;
        double jitter;

        /** Counts the packet; false if it was set aside (a big sequence jump, RFC 3550 A.1). */
        boolean update(int seq, long rtpTimestamp, long arrival) {
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
                        return false;
                    }
                }
                // else: duplicate or reordered packet, counted below
            }
            received++;
            intervalReceived++;
            long t = arrival - rtpTimestamp;
            if (haveTransit) {
                long d = Math.abs((int) (t - transit)); // timestamps wrap at 2^32: difference as int
                jitter += (d - jitter) / 16.0;
            }
            transit = t;
            haveTransit = true;
            return true;
        }

        private void init(int seq) {
            baseSeq = seq;
            maxSeq = seq;
            cycles = 0;
            badSeq = SEQ_MOD + 1;
            received = 0;
            reportedMax = seq - 1L;
        }

        /** How far the extended highest sequence number advanced since the last call. */
        long takeExpected() {
            if (!started) {
                return 0;
            }
            long max = cycles + maxSeq;
            long e = Math.max(0, max - reportedMax);
            reportedMax = Math.max(reportedMax, max);
            return e;
        }

        long expected() {
            return started ? cycles + maxSeq - baseSeq + 1 : 0;
        }
    }
}
