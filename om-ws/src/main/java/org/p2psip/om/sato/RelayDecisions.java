package org.p2psip.om.sato;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The relay decisions of an OM's {@link RelayPolicy} for new media SATOs (paper Sec. 5.2), counted
 * by reason: one counter per {@link Reason}, a fixed set (the metrics' {@code reason} label).
 */
public final class RelayDecisions {

    /** Why media went directly or through a relay. */
    public enum Reason {
        /** {@code --relay-policy never}. */
        POLICY_NEVER,
        /** {@code --relay-policy always}: a relay by spare capacity. */
        POLICY_ALWAYS,
        /** either peer behind a NAT: a relay by spare capacity. */
        NAT,
        /** auto: the direct path within every threshold. */
        DIRECT_FINE,
        /** auto: the direct path broke a threshold and a detour through a relay rated better. */
        CONGESTED_RELAYED,
        /** auto: the direct path broke a threshold but no relay (none registered, none better): direct. */
        CONGESTED_DIRECT,
        /** no route to the far OM answered the path probes. */
        UNREACHABLE;

        /** The label value: lower case with underscores, e.g. {@code congested_relayed}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);

    void count(RelayPolicy.Decision d, RelayPolicy.Mode mode) {
        counts.incrementAndGet(reasonOf(d, mode).ordinal());
    }

    static Reason reasonOf(RelayPolicy.Decision d, RelayPolicy.Mode mode) {
        if (mode == RelayPolicy.Mode.NEVER) {
            return Reason.POLICY_NEVER;
        }
        if (mode == RelayPolicy.Mode.ALWAYS) {
            return Reason.POLICY_ALWAYS;
        }
        if (d.unreachable()) {
            return Reason.UNREACHABLE;
        }
        if (d.survey() == null) {
            return Reason.NAT; // auto decides without measuring only when a peer is behind a NAT
        }
        if (d.relayed()) {
            return Reason.CONGESTED_RELAYED;
        }
        return d.reason().startsWith("direct path fine") ? Reason.DIRECT_FINE : Reason.CONGESTED_DIRECT;
    }

    /** Every reason's label -> decisions so far, every reason present. */
    public Map<String, Long> byReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Reason r : Reason.values()) {
            m.put(r.label(), counts.get(r.ordinal()));
        }
        return m;
    }
}
