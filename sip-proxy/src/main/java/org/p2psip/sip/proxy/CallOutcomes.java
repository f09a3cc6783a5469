package org.p2psip.sip.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How the calls through this P2PSIP-Port ended their set-up: the final responses to initial INVITEs
 * that left the port, counted by class ({@code 2xx} answered, {@code 4xx}/{@code 5xx}/{@code 6xx}
 * failed, {@code 3xx} redirected). Six counters, never more (the metrics' {@code outcome} label).
 */
public final class CallOutcomes {
    private final AtomicLongArray byClass = new AtomicLongArray(7);

    /** A final response ({@code code} 200-699) to an initial INVITE left this port. */
    void finalResponse(int code) {
        int c = code / 100;
        if (c >= 2 && c <= 6) {
            byClass.incrementAndGet(c);
        }
    }

    /** {@code 2xx} .. {@code 6xx} -> count, every class present. */
    public Map<String, Long> byClass() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int c = 2; c <= 6; c++) {
            m.put(c + "xx", byClass.get(c));
        }
        return m;
    }
}
