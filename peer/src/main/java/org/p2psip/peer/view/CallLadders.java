package org.p2psip.peer.view;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.p2psip.control.message.ViewSip;
import org.p2psip.om.CallSteps;

/**
 * The call ladders of one peer: per call, the SIP messages at its P2PSIP-Port ({@code view.sip}
 * events) and the Overlay Manager's steps ({@link CallSteps}), in the order they happened. Records
 * only while {@link #recording} (somebody watches the web view): otherwise a step costs one volatile
 * read. A step of a SATO whose call this peer never learnt (at a relay: the caller's media SATO) is
 * kept under {@code "SATO <id>"}. Bounded: the last {@value #MAX_CALLS} calls, the first {@value #MAX_STEPS} steps of each.
 */
public final class CallLadders implements CallSteps {
    public static final int MAX_CALLS = 20;
    public static final int MAX_STEPS = 300;
    private static final int MAX_SATOS = 256;

    /** The lanes of a ladder, left to right. */
    public static final List<String> LANES = List.of("phone", PORT, OM, LOOKUP, RTP, RELAY, FAR_OM, "far P2PSIP-Port");

    private volatile boolean recording;
    private volatile Consumer<LadderStep> listener = s -> { };
    private long seq;
    private final Map<String, Deque<LadderStep>> calls = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<LadderStep>> eldest) {
            return size() > MAX_CALLS;
        }
    };
    private final Map<String, String> satoCalls = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SATOS;
        }
    };

    /** Starts or stops recording. */
    public void recording(boolean on) {
        recording = on;
    }

    public boolean recording() {
        return recording;
    }

    /** Who hears each new step (the web view's event stream). */
    void listener(Consumer<LadderStep> l) {
        listener = l;
    }

    @Override
    public void step(String call, String sato, String from, String to, String label, String detail) {
        if (!recording) {
            return;
        }
        add("overlay", call, sato, from, to, label, detail, ViewSip.nowMicros());
    }

    /** A SIP message the P2PSIP-Port received or sent. */
    public void sip(ViewSip m) {
        if (!recording) {
            return;
        }
        boolean ua = "ua".equals(m.side());
        String outside = ua ? "phone" : "far P2PSIP-Port";
        boolean in = "in".equals(m.direction());
        add("sip", m.call(), null, in ? outside : PORT, in ? PORT : outside, m.start(), m.cseq() + "\n\n" + m.text(), m.atMicros());
    }

    private void add(String kind, String call, String sato, String from, String to, String label, String detail, long atMicros) {
        LadderStep s;
        synchronized (this) {
            if (call == null) {
                if (sato == null) {
                    return;
                }
                // a SATO of no call this peer has seen (a relay knows the call only as the caller's media SATO)
                call = satoCalls.getOrDefault(sato, "SATO " + sato);
            } else if (sato != null) {
                satoCalls.put(sato, call);
            }
            Deque<LadderStep> steps = calls.computeIfAbsent(call, c -> new ArrayDeque<>());
            if (steps.size() >= MAX_STEPS) {
                return;
            }
            s = new LadderStep(call, ++seq, atMicros, kind, from, to, label, detail == null ? "" : detail);
            insertInTimeOrder(steps, s);
        }
        listener.accept(s);
    }

    /**
     * Adds {@code s} after every step that happened no later: the P2PSIP-Port's {@code view.sip}
     * events arrive over the control protocol a little after the OM's own steps they caused (the
     * INVITE after the lookup it started).
     */
    private static void insertInTimeOrder(Deque<LadderStep> steps, LadderStep s) {
        if (steps.isEmpty() || steps.peekLast().atMicros() <= s.atMicros()) {
            steps.addLast(s);
            return;
        }
        Deque<LadderStep> later = new ArrayDeque<>();
        while (!steps.isEmpty() && steps.peekLast().atMicros() > s.atMicros()) {
            later.addFirst(steps.pollLast());
        }
        steps.addLast(s);
        steps.addAll(later);
    }

    /** Every recorded step of every call, oldest call first. */
    public synchronized List<LadderStep> steps() {
        List<LadderStep> all = new ArrayList<>();
        for (Deque<LadderStep> d : calls.values()) {
            all.addAll(d);
        }
        return all;
    }

    /** The recorded steps of {@code call} (empty if none). */
    public synchronized List<LadderStep> steps(String call) {
        Deque<LadderStep> d = calls.get(call);
        return d == null ? List.of() : List.copyOf(d);
    }
}
