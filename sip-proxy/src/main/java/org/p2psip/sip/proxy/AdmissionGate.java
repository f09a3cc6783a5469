package org.p2psip.sip.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overload control of the P2PSIP-Port: whether a new call (an initial INVITE) goes into set-up or is
 * answered 503 + Retry-After at once. Two bounds:
 * <ul>
 * <li>never more than {@code maxCallsInSetup} calls in set-up ({@code --max-calls-in-setup});</li>
 * <li>a <em>standing queue</em>: a call's set-up time less the shortest set-up time to the same
 * destination (its callee's peer, or this port's phone) in the last minute is its time in queue;
 * when the calls whose set-up this port served were in queue longer than the target one after the
 * other for {@value #INTERVAL_MILLIS} ms (at least {@value #MIN_SETUPS_ABOVE} of them within the last
 * {@value #INTERVAL_MILLIS} ms: a peer serving a few calls a second, fresh peers among them, is not
 * overloaded by its slow first calls), the calls are
 * waiting for this machine, not for the network (a far peer is slow, not queued). The port then
 * takes only so many calls into set-up and refuses the excess at once instead of queueing it. That
 * limit starts from Little's law (over the set-ups of the last second, the sum of their shortest
 * time plus the target, per second) and follows the queue as TCP's window follows losses: up by
 * 1/limit for each call set up within the target, down by a half for each call set up later (at
 * least {@value #MIN_LIMIT}), so that the calls it takes wait about the target, and a slow moment at
 * a rate the peer keeps up with costs few refusals. It goes back to the first bound once no call
 * was refused for {@value #CALM_MILLIS} ms.</li>
 * </ul>
 * A burst shorter than the interval (a garbage collection, a compile) queues and passes, as a CoDel
 * queue lets a burst pass and drops only from a standing queue (Nichols and Jacobson, 2012); the
 * shortest time per destination is the base of TCP Vegas. Set-ups that fail (4xx-6xx) are not
 * counted: a call to a peer that does not answer waits for the network.
 */
final class AdmissionGate {
    private static final Logger log = LoggerFactory.getLogger(AdmissionGate.class);

    static final long INTERVAL_MILLIS = 500;
    static final int MIN_SETUPS_ABOVE = 8;
    static final int MIN_LIMIT = 2;
    static final long CALM_MILLIS = 1000;
    /** A destination's shortest set-up time is taken again after this long (its route may have changed). */
    static final long BASE_MILLIS = 60_000;
    /** Destinations remembered at most (the least recently used is forgotten). */
    static final int MAX_DESTINATIONS = 1024;
    private static final long RATE_BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int maxCallsInSetup;
    private final long targetNanos;
    private final LongSupplier clock;
    private final long intervalNanos = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
    private final long calmNanos = TimeUnit.MILLISECONDS.toNanos(CALM_MILLIS);

    /** Since when the calls set up were in queue longer than the target, one after the other; -1: the last was not. */
    private long aboveSince = -1;
    private int aboveCount;
    private long aboveShortest;
    /** Per 100 ms, the last 10 buckets (one second): the sum of the set-ups' base times plus the target. */
    private final long[] budget = new long[10];
    /** Per 100 ms, the last second: the calls set up. */
    private final int[] served = new int[10];
    private final Map<String, long[]> bases = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_DESTINATIONS;
        }
    };
    private final long baseNanos = TimeUnit.MILLISECONDS.toNanos(BASE_MILLIS);
    private long bucket;
    private boolean standingQueue;
    /** While limiting: the calls in set-up the port takes (fractional: it moves by 1/limit or a half per set-up). */
    private double limit;
    private long lastRefusal;
    private long refusedInEpisode;

    /**
     * @param maxCallsInSetup the first bound
     * @param targetMillis the time in queue beyond which set-ups one after the other for an interval show a standing
     *                     queue; 0: the fixed bound only
     * @param clock nanoseconds, monotonic ({@link System#nanoTime} outside tests)
     */
    AdmissionGate(int maxCallsInSetup, long targetMillis, LongSupplier clock) {
        if (maxCallsInSetup < 1 || targetMillis < 0) {
            throw new IllegalArgumentException("admission gate: limit " + maxCallsInSetup + ", target " + targetMillis + " ms");
        }
        this.maxCallsInSetup = maxCallsInSetup;
        this.targetNanos = TimeUnit.MILLISECONDS.toNanos(targetMillis);
        this.clock = clock;
        bucket = clock.getAsLong() / RATE_BUCKET_NANOS;
    }

    /**
     * Whether a new call goes into set-up while {@code inSetup} others are in set-up.
     *
     * @return null to take it, else why it is refused (for the 503's reason phrase)
     */
    synchronized String refusal(int inSetup) {
        long now = clock.getAsLong();
        roll(now);
        String why = null;
        if (inSetup >= maxCallsInSetup) {
            why = inSetup + " calls in set-up";
        } else if (standingQueue) {
            int taken = (int) limit;
            if (inSetup >= taken) {
                why = String.format(Locale.ROOT, "%d calls in set-up, limit %d while set-ups queue over %d ms", inSetup, taken,
                        TimeUnit.NANOSECONDS.toMillis(targetNanos));
            }
        }
        if (why != null) {
            lastRefusal = now;
            refusedInEpisode++;
        }
        return why;
    }

    /**
     * A call's set-up ended served (its callee rings or answered) after {@code setupNanos}.
     *
     * @param destination where the call went: the callee's peer, or this port's phone
     */
    synchronized void setUp(String destination, long setupNanos) {
        if (targetNanos == 0) {
            return; // the standing-queue bound is off (--target-setup-ms 0)
        }
        long now = clock.getAsLong();
        roll(now);
        long[] base = bases.get(destination);
        if (base == null) {
            bases.put(destination, new long[] {setupNanos, now});
            base = bases.get(destination);
        } else if (setupNanos <= base[0] || now - base[1] >= baseNanos) {
            base[0] = setupNanos;
            base[1] = now;
        }
        budget[(int) (bucket % budget.length)] += base[0] + targetNanos;
        served[(int) (bucket % served.length)]++;
        long queued = setupNanos - base[0];
        if (standingQueue) {
            // the limit follows the queue: up by 1/limit while set-ups wait less than the target, down by a half while more
            limit = Math.max(MIN_LIMIT, Math.min(maxCallsInSetup, queued <= targetNanos ? limit + 1 / limit : limit - 0.5));
        }
        if (queued <= targetNanos) {
            aboveSince = -1;
            return;
        }
        if (aboveSince < 0) {
            aboveSince = now;
            aboveCount = 0;
            aboveShortest = queued;
        }
        aboveCount++;
        aboveShortest = Math.min(aboveShortest, queued);
        if (!standingQueue && aboveCount >= MIN_SETUPS_ABOVE && now - aboveSince >= intervalNanos
                && setUpsWithin(intervalNanos) >= MIN_SETUPS_ABOVE) {
            standingQueue = true;
            limit = littleLimit();
            refusedInEpisode = 0;
            lastRefusal = now;
            log.warn("P2PSIP-Port overloaded: the last {} calls set up, over {} ms, each waited over {} ms (the shortest "
                            + "{} ms more than the fastest set-up to its destination); new calls beyond {} in set-up (a limit that "
                            + "follows the queue) get 503, until none was refused for {} ms",
                    aboveCount, TimeUnit.NANOSECONDS.toMillis(now - aboveSince), TimeUnit.NANOSECONDS.toMillis(targetNanos),
                    TimeUnit.NANOSECONDS.toMillis(aboveShortest), (int) limit, CALM_MILLIS);
        }
    }

    /** Whether the port found a standing queue and limits the calls in set-up (for tests and metrics). */
    synchronized boolean limiting() {
        roll(clock.getAsLong());
        return standingQueue;
    }

    /** The calls in set-up the port takes when it starts limiting them: Little's law over the last second's set-ups. */
    private int littleLimit() {
        long sum = 0;
        for (long c : budget) {
            sum += c;
        }
        long l = sum / TimeUnit.SECONDS.toNanos(1);
        return (int) Math.min(maxCallsInSetup, Math.max(MIN_LIMIT, l));
    }

    /** The calls set up in the last {@code nanos} (whole 100 ms buckets, the current one included). */
    private int setUpsWithin(long nanos) {
        int n = 0;
        for (long i = 0; i < Math.min(served.length, nanos / RATE_BUCKET_NANOS); i++) {
            n += served[(int) ((bucket - i) % served.length)];
        }
        return n;
    }

    private void roll(long now) {
        long b = now / RATE_BUCKET_NANOS;
        if (b != bucket) {
            for (long i = Math.max(bucket + 1, b - budget.length + 1); i <= b; i++) {
                int k = (int) (i % budget.length);
                budget[k] = 0;
                served[k] = 0;
            }
            bucket = b;
        }
        if (standingQueue && now - lastRefusal >= calmNanos) {
            standingQueue = false;
            log.info("P2PSIP-Port no longer overloaded: no call refused for {} ms ({} refused while set-ups were slow)",
                    CALM_MILLIS, refusedInEpisode);
        }
    }
}
