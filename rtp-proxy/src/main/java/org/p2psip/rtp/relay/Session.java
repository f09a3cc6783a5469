package org.p2psip.rtp.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One relay session: its legs, which forward to each other, and its idle clock. Worker thread only, except the final fields. */
final class Session {
    final String id;
    final Role role;
    final Worker worker;
    final Map<String, Leg> legs;
    /** The legs again, as an array: the timer walks it without allocating an iterator. */
    private final Leg[] legArray;
    final long idleTimeoutNanos;
    final long createdNanos;
    long lastActivity;
    private boolean closed;

    Session(String id, Role role, Worker worker, Map<String, Leg> legs, long idleTimeoutNanos) {
        this.id = id;
        this.role = role;
        this.worker = worker;
        this.legs = legs;
        this.legArray = legs.values().toArray(new Leg[0]);
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.createdNanos = System.nanoTime();
        this.lastActivity = createdNanos;
    }

    void tick(long now) {
        for (Leg l : legArray) {
            l.tick(now);
        }
    }

    /** Closes every channel (worker thread); idempotent. */
    void closeLegs() {
        if (closed) {
            return;
        }
        closed = true;
        for (Leg l : legs.values()) {
            l.close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    List<int[]> ports() {
        List<int[]> out = new ArrayList<>();
        for (Leg l : legs.values()) {
            out.add(l.reservedPorts());
        }
        return out;
    }
}
