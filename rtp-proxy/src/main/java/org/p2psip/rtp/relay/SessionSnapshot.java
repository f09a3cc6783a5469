package org.p2psip.rtp.relay;

import java.util.List;
import java.util.Map;

/**
 * What the relay tells the control side about one session: its legs, each as ordered fields
 * (ports for an allocate answer; counters for statistics).
 */
public record SessionSnapshot(String id, Role role, long ageMillis, long idleMillis, List<LegSnapshot> legs) {

    /** One leg: its name and its fields, in a stable order. */
    public record LegSnapshot(String name, Map<String, String> fields) {
    }
}
