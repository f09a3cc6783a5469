package org.p2psip.sip.bench;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Reading tshark's fields into SIP messages, the delays and answers taken from them, sipp's statistics. */
public class SipTraceTest {
    private static final int PROXY = 5060;
    private static final int UAC = 40000;

    /** time|src|dst|Call-ID|Method|Status-Code|CSeq.method|Retry-After, as Capture asks tshark. */
    private static final String TSHARK = String.join("\n",
            "100.000000|40000|5060|a@h|INVITE||INVITE|",
            "100.000400|5060|40000|a@h||100|INVITE|",
            "100.001000|5060|40000|a@h||180|INVITE|",
            "100.002500|5060|40000|a@h||200|INVITE|",
            "100.002600|40000|5060|a@h|ACK||ACK|",
            "100.010000|40000|5060|b@h|INVITE||INVITE|",
            "100.510000|40000|5060|b@h|INVITE||INVITE|",            // retransmission: the first INVITE counts
            "100.520000|5060|40000|b@h||200|INVITE|",
            "101.000000|40000|5060|c@h|INVITE||INVITE|",
            "101.001000|5060|40000|c@h||503|INVITE|5",
            "101.501000|5060|40000|c@h||503|INVITE|5",             // retransmitted answer: counted once
            "102.000000|40000|5060|d@h|INVITE||INVITE|",
            "102.001000|5060|40000|d@h||503|INVITE|",
            "103.000000|40000|5060|e@h|INVITE||INVITE|",          // never answered
            "104.000000|40000|5060|f@h|INVITE||INVITE|",
            "104.002000|5060|40000|f@h||100|INVITE|",
            "104.100000|5060|40000|f@h||408|INVITE|",
            "105.000000|40000|5060|a@h|BYE||BYE|",
            "105.001000|5060|40000|a@h||200|BYE|",
            "not|a|sip|line",
            "106.0|1|2||||",                                         // no Call-ID: not SIP
            "");

    @Test
    public void sessionRequestDelaysAreTakenPerCallIdFromTheFirstInvite() {
        SipTrace t = SipTrace.parse(TSHARK);
        assertEquals(19, t.packets().size());
        Capture.Delays to200 = t.srdTo200(PROXY);
        assertEquals(2, to200.count());
        assertEquals(2.5, to200.sortedMs().get(0), 1e-6);
        assertEquals(510.0, to200.sortedMs().get(1), 1e-6);
        Capture.Delays first = t.srdToFirstNon100(PROXY);
        // a: 180 after 1 ms; b: 200; c, d: 503 after 1 ms; f: 408 after 100 ms; e: none
        assertEquals(List.of(1.0, 1.0, 1.0, 100.0, 510.0), first.sortedMs().stream().map(d -> Math.rint(d * 1000) / 1000).toList());
        assertEquals(6, t.requests("INVITE", PROXY));
        assertEquals(1, t.requests("BYE", PROXY));
        assertEquals(0, t.requests("INVITE", UAC));
    }

    @Test
    public void finalAnswersAreCountedOncePerCallWith503sSplitByRetryAfter() {
        assertEquals(Map.of("200", 2, "503 with Retry-After", 1, "503 without Retry-After", 1, "408", 1, "no final answer", 1),
                SipTrace.parse(TSHARK).finalAnswers("INVITE", PROXY));
        assertEquals(Map.of("200", 1), SipTrace.parse(TSHARK).finalAnswers("BYE", PROXY));
    }

    @Test
    public void percentilesAreNearestRank() {
        Capture.Delays d = new Capture.Delays(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0));
        assertEquals(5.0, d.median(), 0);
        assertEquals(10.0, d.p95(), 0);
        assertEquals(10.0, d.p99(), 0);
        assertEquals(1.0, d.percentile(1), 0);
        assertEquals(Double.NaN, new Capture.Delays(List.of()).median(), 0);
    }

    @Test
    public void sippStatisticsComeFromTheLastRowsCumulativeColumns() {
        List<String> csv = List.of(
                "StartTime;TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);"
                        + "Retransmissions(P);Retransmissions(C);FailedTimeoutOnRecv(C);ElapsedTime(C);",
                "2026-12-06 02:46:54;10;0;10;10;0;0;0;0;0;00:00:01;",
                "2026-12-06 02:47:05;100;0;5;97;1;3;2;7;2;00:00:10;");
        SippStats s = SippStats.parse(csv, 1, 10.5);
        assertEquals(100, s.created());
        assertEquals(97, s.ok());
        assertEquals(3, s.failed());
        assertEquals(7, s.retrans());
        assertEquals(2, s.column("FailedTimeoutOnRecv"));
        assertEquals(0, s.column("NoSuchColumn"));
        assertEquals(false, s.clean());
        SippStats ok = SippStats.parse(List.of(csv.get(0), "x;40;0;40;40;0;0;0;0;0;00:00:04;"), 0, 4.2);
        assertEquals(true, ok.clean());
        assertEquals(-1, SippStats.parse(List.of(csv.get(0)), 0, 1).failed());
    }
}
