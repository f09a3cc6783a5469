package org.p2psip.interop.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * {@code ./p2psip phone} as a real process against sipp (Debian package sip-tester): sipp is the
 * registrar and the called party and echoes the phone's RTP ({@code -rtp_echo}); sipp's own verdict
 * (exit status) checks the phone's REGISTER, INVITE, ACK, BYE and unREGISTER.
 */
public class PhoneSippTest {

    private static final Duration PHONE_DEADLINE = Duration.ofSeconds(90);
    private final List<AutoCloseable> resources = new ArrayList<>();

    @After
    public void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test(timeout = 180_000)
    public void callToSippEchoHasMediaBothWaysAndExitsZero() throws Exception {
        SippUas sipp = track(SippUas.start("registrar-uas.xml", Duration.ofSeconds(120)));
        PhoneProcess phone = track(PhoneProcess.start("--user", "alice", "--proxy", sipp.hostPort(),
                "--listen", "127.0.0.1:0", "--call", "bob", "--seconds", "3"));

        int status = phone.awaitExit(PHONE_DEADLINE);
        String out = phone.stdout();
        assertEquals("phone exit status\n" + phone.describe() + sipp.logTail(30), 0, status);
        // "ringing (180 Ringing)" is not required: a 180 over UDP is sent once (RFC 3261 17.2.1) and may be
        // lost on a loaded machine, or be overtaken by the 200; if it shows, it comes before the answer
        int ringing = out.indexOf("ringing (180 Ringing)");
        assertTrue("ringing after the answer\n" + out, ringing < 0 || ringing < out.indexOf("answered by bob"));
        String[] steps = {"registered sip:alice@127.0.0.1", "calling sip:bob@127.0.0.1",
            "answered by bob", "media flowing: RTP arriving from 127.0.0.1:" + sipp.mediaPort(), "hung up",
            "report: sent", "unregistered sip:alice@127.0.0.1", "result: OK, media flowed both ways"};
        int at = 0;
        for (String step : steps) {
            int i = out.indexOf(step, at);
            assertTrue("step '" + step + "' (in this order)\n" + phone.describe(), i >= 0);
            at = i;
        }
        Matcher m = Pattern.compile("report: sent (\\d+) RTP packets, received (\\d+) \\(from ([^)]+)\\), lost (\\d+) of (\\d+)")
                .matcher(out);
        assertTrue("report line\n" + phone.describe(), m.find());
        long sent = Long.parseLong(m.group(1));
        long received = Long.parseLong(m.group(2));
        // 3 s of 20 ms packets is 150; a loaded machine may lose time, so only ask for a clear flow.
        assertTrue("sent " + sent + "\n" + out, sent >= 50 && sent <= 200);
        assertTrue("received " + received + " of " + sent + "\n" + out, received >= 25 && received <= sent);
        assertEquals("echo comes from sipp's media port", "127.0.0.1:" + sipp.mediaPort(), m.group(3));
        // sipp's answer has no a=extmap: the phone sends no header extension, so no delay samples
        assertTrue("no abs-send-time with sipp\n" + out, out.contains(", delay - (0 samples)"));

        assertEquals("sipp's verdict on the phone's SIP\n" + sipp.logTail(40), 0, sipp.awaitExit(Duration.ofSeconds(30)));
    }

    @Test(timeout = 180_000)
    public void callAnswered404ExitsNonZeroWithClearMessage() throws Exception {
        SippUas sipp = track(SippUas.start("registrar-404.xml", Duration.ofSeconds(120)));
        PhoneProcess phone = track(PhoneProcess.start("--user", "alice", "--proxy", sipp.hostPort(),
                "--listen", "127.0.0.1:0", "--call", "nobody", "--seconds", "3"));

        int status = phone.awaitExit(PHONE_DEADLINE);
        assertEquals("phone exit status\n" + phone.describe(), 1, status);
        assertTrue(phone.describe(), phone.stderr().contains("phone: call to nobody failed: 404 Not Found"));
        assertTrue(phone.describe(), phone.stdout().contains("result: FAILED"));
        assertFalse(phone.describe(), phone.stdout().contains("answered"));
        assertTrue("still unregisters\n" + phone.describe(), phone.stdout().contains("unregistered"));
        assertEquals("sipp's verdict on the phone's SIP (incl. the ACK for 404)\n" + sipp.logTail(40), 0,
                sipp.awaitExit(Duration.ofSeconds(30)));
    }

    @Test(timeout = 180_000)
    public void silentProxyMakesTheCallerGiveUpInTime() throws Exception {
        // A socket that swallows everything: no provisional response, so no CANCEL either; the phone must
        // give up after --wait and exit non-zero instead of hanging.
        DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        track(blackHole::close);
        long start = System.nanoTime();
        PhoneProcess phone = track(PhoneProcess.start("--user", "alice", "--proxy",
                "127.0.0.1:" + blackHole.getLocalPort(), "--listen", "127.0.0.1:0", "--no-register",
                "--call", "bob", "--wait", "3"));
        int status = phone.awaitExit(PHONE_DEADLINE);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(phone.describe(), 1, status);
        assertTrue(phone.describe(), phone.stderr().contains("phone: call to bob failed: no answer within 3 s"));
        assertTrue("gave up in reasonable time (" + seconds + " s)\n" + phone.describe(), seconds < 60);
    }

    @Test(timeout = 180_000)
    public void overallDeadlineEndsAWaitingCalleeCleanly() throws Exception {
        SippUas sipp = track(SippUas.start("registrar-404.xml", Duration.ofSeconds(120)));
        long start = System.nanoTime();
        PhoneProcess phone = track(PhoneProcess.start("--user", "bob", "--proxy", sipp.hostPort(),
                "--listen", "127.0.0.1:0", "--answer", "--wait", "120", "--timeout", "4"));
        int status = phone.awaitExit(PHONE_DEADLINE);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(phone.describe(), 1, status);
        assertTrue(phone.describe(), phone.stderr().contains("phone: gave up: overall deadline of 4 s reached"));
        assertTrue("still unregisters\n" + phone.describe(), phone.stdout().contains("unregistered sip:bob@127.0.0.1"));
        assertTrue("ended long before --wait (" + seconds + " s)\n" + phone.describe(), seconds < 60);
    }

    @Test(timeout = 60_000)
    public void badUsageExitsTwo() throws Exception {
        PhoneProcess phone = track(PhoneProcess.start("--user", "alice", "--call", "bob"));
        assertEquals(phone.describe(), 2, phone.awaitExit(PHONE_DEADLINE));
        assertTrue(phone.describe(), phone.stderr().contains("--proxy HOST:PORT is required"));
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
