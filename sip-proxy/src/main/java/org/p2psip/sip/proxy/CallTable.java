package org.p2psip.sip.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.sip.overlay.OverlayLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The calls that hold SATOs at this port, by Call-ID. */
final class CallTable {
    private static final Logger log = LoggerFactory.getLogger(CallTable.class);
    private final Map<String, CallState> calls = new ConcurrentHashMap<>();
    private final OverlayLink overlay;
    private final AtomicLong ended = new AtomicLong();

    CallTable(OverlayLink overlay) {
        this.overlay = overlay;
    }

    CallState getOrCreate(String callId) {
        return calls.computeIfAbsent(callId, id -> new CallState(id, overlay));
    }

    CallState get(String callId) {
        return calls.get(callId);
    }

    /** Ends the call: every SATO it used is torn down. */
    void end(String callId, String reason) {
        CallState c = calls.remove(callId);
        if (c != null) {
            log.debug("call {} ended ({}): tearing down {} signalling SATO(s)", callId, reason, c.satoCount());
            c.end(reason);
            ended.incrementAndGet();
        }
    }

    /** Ends calls older than {@code maxAgeMillis} (a BYE that never came). */
    void expire(long maxAgeMillis) {
        long now = System.currentTimeMillis();
        for (CallState c : calls.values()) {
            if (now - c.createdMillis > maxAgeMillis) {
                log.info("call {} exceeded the longest call duration; releasing its SATOs", c.callId);
                end(c.callId, "call exceeded the longest call duration");
            }
        }
    }

    void endAll(String reason) {
        for (String id : calls.keySet()) {
            end(id, reason);
        }
    }

    int size() {
        return calls.size();
    }

    long endedCount() {
        return ended.get();
    }
}
