package org.p2psip.peer.view;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One arrow of a call ladder: from lane {@code from} to lane {@code to} at {@code atMicros}
 * (microseconds since the epoch: when it happened at the P2PSIP-Port or the OM), named
 * {@code label} ({@code INVITE}, {@code 200 OK}, {@code NegotiateTransport}, ...); {@code kind} is
 * {@code sip} for a SIP message at the P2PSIP-Port and {@code overlay} for a step of the OM;
 * {@code detail} is what a click on it shows (the SIP message, the step's figures).
 */
record LadderStep(String call, long seq, long atMicros, String kind, String from, String to, String label, String detail) {
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("call", call);
        m.put("seq", seq);
        m.put("t", atMicros / 1000);
        m.put("us", atMicros);
        m.put("kind", kind);
        m.put("from", from);
        m.put("to", to);
        m.put("label", label);
        m.put("detail", detail);
        return m;
    }
}
