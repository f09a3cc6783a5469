package org.p2psip.sip.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * SIP over UDP as tshark decoded it from a {@link Capture}, one {@link Packet} per SIP message, and
 * what the benchmarks read from it: request-to-response delays per Call-ID (RFC 6076 SRD and RRD),
 * and the final answers a proxy gave, by status code.
 */
public record SipTrace(List<Packet> packets) {
    /** The tshark fields, in the order {@link #parse} reads them ({@code -T fields -E separator=|}). */
    public static final List<String> TSHARK_FIELDS = List.of("frame.time_epoch", "udp.srcport", "udp.dstport", "sip.Call-ID",
            "sip.Method", "sip.Status-Code", "sip.CSeq.method", "sip.Retry-After");

    public SipTrace {
        packets = List.copyOf(packets);
    }

    /** One SIP message: a request ({@code status} 0) or a response ({@code method} empty). */
    public record Packet(double time, int srcPort, int dstPort, String callId, String method, int status, String cseqMethod,
                         boolean retryAfter) {
        boolean request() {
            return status == 0;
        }
    }

    /** Parses tshark's output for {@link #TSHARK_FIELDS}; lines without a Call-ID (not SIP) are skipped. */
    public static SipTrace parse(String tsharkOutput) {
        List<Packet> out = new ArrayList<>();
        for (String line : tsharkOutput.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 7 || f[3].isEmpty()) {
                continue;
            }
            try {
                int status = f[5].isEmpty() ? 0 : Integer.parseInt(first(f[5]));
                out.add(new Packet(Double.parseDouble(f[0]), Integer.parseInt(first(f[1])), Integer.parseInt(first(f[2])), first(f[3]),
                        first(f[4]), status, first(f[6]), f.length > 7 && !f[7].isEmpty()));
            } catch (NumberFormatException e) {
                // a malformed line: not a SIP message tshark could decode
            }
        }
        return new SipTrace(out);
    }

    private static String first(String field) {
        int comma = field.indexOf(',');
        return (comma < 0 ? field : field.substring(0, comma)).trim();
    }

    /**
     * Milliseconds from each Call-ID's first {@code method} request sent to {@code proxyPort} until
     * the first response to that method from {@code proxyPort} whose status {@code status} accepts.
     * Calls without such a response are left out.
     */
    public Capture.Delays delays(String method, int proxyPort, IntPredicate status) {
        Map<String, Double> sent = new HashMap<>();
        Map<String, Double> answered = new HashMap<>();
        for (Packet p : packets) {
            if (p.request() && method.equals(p.method()) && p.dstPort() == proxyPort) {
                sent.putIfAbsent(p.callId(), p.time());
            } else if (!p.request() && method.equals(p.cseqMethod()) && p.srcPort() == proxyPort && status.test(p.status())) {
                answered.putIfAbsent(p.callId(), p.time());
            }
        }
        List<Double> ms = new ArrayList<>();
        for (Map.Entry<String, Double> e : sent.entrySet()) {
            Double a = answered.get(e.getKey());
            if (a != null && a >= e.getValue()) {
                ms.add((a - e.getValue()) * 1000.0);
            }
        }
        Collections.sort(ms);
        return new Capture.Delays(ms);
    }

    /** Session Request Delay (RFC 6076): INVITE to its 200 OK. */
    public Capture.Delays srdTo200(int proxyPort) {
        return delays("INVITE", proxyPort, code -> code == 200);
    }

    /** Session Request Delay (RFC 6076) to the first response other than 100 Trying (180, 200, or a failure). */
    public Capture.Delays srdToFirstNon100(int proxyPort) {
        return delays("INVITE", proxyPort, code -> code > 100);
    }

    /** How many Call-IDs sent {@code method} to {@code proxyPort}. */
    public int requests(String method, int proxyPort) {
        return (int) packets.stream().filter(p -> p.request() && method.equals(p.method()) && p.dstPort() == proxyPort)
                .map(Packet::callId).distinct().count();
    }

    /**
     * The first final answer ({@code >= 200}) the proxy on {@code proxyPort} gave to each {@code method}
     * request sent to it, counted by label: the status code ({@code "200"}, {@code "408"}),
     * {@code "503 with Retry-After"} / {@code "503 without Retry-After"}, and {@code "no final answer"}
     * for requests that got none. Sorted by label.
     */
    public Map<String, Integer> finalAnswers(String method, int proxyPort) {
        Map<String, String> answer = new LinkedHashMap<>();
        for (Packet p : packets) {
            if (p.request() && method.equals(p.method()) && p.dstPort() == proxyPort) {
                answer.putIfAbsent(p.callId(), null);
            }
        }
        for (Packet p : packets) {
            if (!p.request() && p.status() >= 200 && method.equals(p.cseqMethod()) && p.srcPort() == proxyPort
                    && answer.containsKey(p.callId()) && answer.get(p.callId()) == null) {
                String label = Integer.toString(p.status());
                if (p.status() == 503) {
                    label += p.retryAfter() ? " with Retry-After" : " without Retry-After";
                }
                answer.put(p.callId(), label);
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String label : answer.values()) {
            counts.merge(label == null ? "no final answer" : label, 1, Integer::sum);
        }
        return counts;
    }
}
