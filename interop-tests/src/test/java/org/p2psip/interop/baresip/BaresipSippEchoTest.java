package org.p2psip.interop.baresip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.Test;

/** baresip calls sipp's UAS directly (no proxy); sipp echoes the RTP, so media flows both ways. */
public class BaresipSippEchoTest {

    private static final Duration T = Duration.ofSeconds(20);

    @Test
    public void baresipCallsSippEchoAndGetsItsRtpBack() throws Exception {
        try (SippEchoUas sipp = SippEchoUas.start(Duration.ofSeconds(60));
             Baresip alice = Baresip.builder("alice").sipTrace(true).start()) {
            alice.dial(sipp.uri());
            alice.waitEstablished(T);
            RtpStats s1 = alice.waitRtp(25, T);
            RtpStats s2 = alice.waitRtp(Math.max(s1.sent(), s1.received()) + 25, T);
            assertTrue(s1 + " -> " + s2, s2.received() > s1.received());
            alice.hangup();
            alice.waitClosed(T);
            assertEquals("sipp counts one successful call\n" + sipp.logTail(40), 0, sipp.awaitExit(T));
            String log = Files.readString(alice.logFile());
            assertTrue("SIP trace in the log", log.contains("INVITE " + sipp.uri() + " SIP/2.0"));
        }
    }
}
