package org.p2psip.om.sato;

import java.util.ArrayDeque;
import org.p2psip.om.ports.MediaCounters;

/**
 * What one end of a running media SATO received over the overlay lately, from successive readings
 * of its RTP-Port session's counters ({@link MediaCounters}): how long nothing has arrived, whether
 * media flowed at all, loss and jitter over a recent window, and the gap around a change of path.
 * Silence is counted from the last packet or the last change of path, whichever is later, so that a
 * new path gets its chance, and only over time the watch was reading: readings at least the stall
 * time apart mean this process stalled (a garbage collection, a starved machine), and the RTP-Port
 * may not have read what arrived meanwhile either, so silence counts from the first reading after
 * the stall. Not thread-safe: the media watch's thread only.
 */
final class PathWindow {
    /** Readings kept (a few seconds at the watch's tick). */
    static final int MAX_SAMPLES = 64;

    private record Sample(long nanos, long packets, long expected, long lost) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastPacketNanos = -1;
    private long changedNanos;
    private long lastPacketBeforeChangeNanos = -1;
    private boolean gapPending;
    private boolean flowed;
    private double jitterMs;
    /** Readings this far apart or more: the watch stalled. */
    private final long stallNanos;
    private long lastReadingNanos = -1;
    /** The first reading after the last stall (silence before it was not watched). */
    private long watchingSinceNanos;
    private long stalls;

    /** A window from {@code nowNanos}; readings {@code stallMillis} or more apart are a stall of the watch. */
    PathWindow(long nowNanos, long stallMillis) {
        this.changedNanos = nowNanos;
        this.watchingSinceNanos = nowNanos;
        this.stallNanos = stallMillis * 1_000_000L;
    }

    /** A reading of the counters at {@code now}; returns the media gap in ms if this reading ends one after a change, else -1. */
    long add(long now, MediaCounters c) {
        if (lastReadingNanos >= 0 && now - lastReadingNanos >= stallNanos) {
            watchingSinceNanos = now;
            stalls++;
        }
        lastReadingNanos = now;
        Sample last = samples.peekLast();
        long gap = -1;
        if (last != null && c.overlayPacketsIn() > last.packets()) {
            lastPacketNanos = now;
            flowed = true;
            if (gapPending) {
                gapPending = false;
                if (lastPacketBeforeChangeNanos >= 0) {
                    gap = (now - lastPacketBeforeChangeNanos) / 1_000_000;
                }
            }
        } else if (last == null && c.overlayPacketsIn() > 0) {
            flowed = true;
            lastPacketNanos = now;
        }
        if (last != null && (c.overlayPacketsIn() < last.packets() || c.rtpExpected() < last.expected())) {
            samples.clear(); // counters went back: another session under the same id, start over
        }
        samples.addLast(new Sample(now, c.overlayPacketsIn(), c.rtpExpected(), c.rtpLost()));
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        jitterMs = c.jitterMs();
        return gap;
    }

    /** The path changed at {@code now}: silence counts from here, and the next packet ends the gap. */
    void changed(long now) {
        changedNanos = now;
        lastPacketBeforeChangeNanos = lastPacketNanos;
        gapPending = true;
    }

    /**
     * This side starts changing the path now: the gap is measured from the last packet before this
     * (packets may come over the new path before the change is complete).
     */
    void beginChange() {
        lastPacketBeforeChangeNanos = lastPacketNanos;
        gapPending = true;
    }

    /** The change begun with {@link #beginChange} did not happen (nothing to move to): no gap pending. */
    void changeAbandoned() {
        gapPending = false;
    }

    /** The change begun with {@link #beginChange} is complete at {@code now}: silence counts from here. */
    void changedAfterBegin(long now) {
        changedNanos = now;
    }

    /** Whether media ever arrived over the overlay. */
    boolean flowed() {
        return flowed;
    }

    /** Whether media arrived since the last change of path. */
    boolean mediaSinceChange() {
        return lastPacketNanos > changedNanos;
    }

    /** Milliseconds since the last packet, the last change or the last stall of the watch, whichever is latest. */
    long silentMillis(long now) {
        return (now - Math.max(Math.max(lastPacketNanos, changedNanos), watchingSinceNanos)) / 1_000_000;
    }

    /** Times the readings came the stall time apart or more. */
    long stalls() {
        return stalls;
    }

    /** Milliseconds since the last change of path. */
    long sinceChangeMillis(long now) {
        return (now - changedNanos) / 1_000_000;
    }

    /** Packets received over the last {@code windowMillis}. */
    long packets(long now, long windowMillis) {
        Sample from = oldestWithin(now, windowMillis);
        Sample to = samples.peekLast();
        return from == null || to == null ? 0 : to.packets() - from.packets();
    }

    /** RTP packets expected (by sequence number) over the last {@code windowMillis}. */
    long expected(long now, long windowMillis) {
        Sample from = oldestWithin(now, windowMillis);
        Sample to = samples.peekLast();
        return from == null || to == null ? 0 : to.expected() - from.expected();
    }

    /** The share of RTP packets lost (sequence gaps) over the last {@code windowMillis}; 0 if none expected. */
    double lossRatio(long now, long windowMillis) {
        Sample from = oldestWithin(now, windowMillis);
        Sample to = samples.peekLast();
        if (from == null || to == null) {
            return 0;
        }
        long expected = to.expected() - from.expected();
        long lost = to.lost() - from.lost();
        return expected <= 0 ? 0 : Math.max(0, Math.min(1, (double) lost / expected));
    }

    /** The interarrival jitter of the last reading (RFC 3550, ms). */
    double jitterMs() {
        return jitterMs;
    }

    private Sample oldestWithin(long now, long windowMillis) {
        long limit = now - windowMillis * 1_000_000L;
        for (Sample s : samples) {
            if (s.nanos() >= limit) {
                return s;
            }
        }
        return null;
    }
}
