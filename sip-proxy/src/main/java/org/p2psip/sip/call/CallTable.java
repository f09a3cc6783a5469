package org.p2psip.sip.call;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.p2psip.sip.overlay.OverlayLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The calls that hold SATOs at this port, by Call-ID: each on its caller's or its callee's side. */
public final class CallTable {
    private static final Logger log = LoggerFactory.getLogger(CallTable.class);
    private final Map<String, PortCall> calls = new ConcurrentHashMap<>();
    private final OverlayLink overlay;
    private final AtomicLong ended = new AtomicLong();

    public CallTable(OverlayLink overlay) {
        this.overlay = overlay;
    }

    /** The caller's side of the call: created by its first branch towards another peer. */
    public CallerSide callerSide(String callId) {
        return (CallerSide) calls.compute(callId, (id, c) -> c instanceof CallerSide ? c
                : c == null ? new CallerSide(id, overlay) : new CallerSide(c));
    }

    /**
     * The call, for SDP crossing this port; a call not known yet is on its callee's side here (its
     * INVITE, or the answer to an INVITE without SDP, is the first to cross).
     */
    public PortCall call(String callId) {
        return calls.computeIfAbsent(callId, id -> new CalleeSide(id, overlay));
    }

    /** The call, or null if it holds nothing here. */
    public PortCall get(String callId) {
        return calls.get(callId);
    }

    /** Ends the call: every SATO it used is torn down. */
    public void end(String callId, String reason) {
        PortCall c = calls.remove(callId);
        if (c != null) {
            log.debug("call {} ended ({}): tearing down {} signalling SATO(s)", callId, reason, c.signallingSatos());
            c.teardown(reason);
            ended.incrementAndGet();
        }
    }

    /**
     * The Overlay Manager reports media SATO {@code sato} dead ({@code sato.failed}): the call holding
     * it is ended at this port's phone (BYE) and its SATOs torn down. False if no call holds it.
     */
    public boolean endDeadCall(String sato, String reason) {
        for (PortCall c : calls.values()) {
            if (c.holdsMediaSato(sato)) {
                boolean bye = c.hangUpPhone(reason);
                log.info("call {}: media SATO {} failed ({}): {}", c.callId, sato, reason,
                        bye ? "BYE sent to the phone, SATOs released" : "no phone of this port in it, SATOs released");
                end(c.callId, reason);
                return true;
            }
        }
        return false;
    }

    /** Ends calls older than {@code maxAgeMillis} (a BYE that never came). */
    public void expire(long maxAgeMillis) {
        long now = System.currentTimeMillis();
        for (PortCall c : calls.values()) {
            if (now - c.createdMillis > maxAgeMillis) {
                log.info("call {} exceeded the longest call duration; releasing its SATOs", c.callId);
                end(c.callId, "call exceeded the longest call duration");
            }
        }
    }

    public void endAll(String reason) {
        for (String id : calls.keySet()) {
            end(id, reason);
        }
    }

    public int size() {
        return calls.size();
    }

    public long endedCount() {
        return ended.get();
    }
}
