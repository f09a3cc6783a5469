package org.p2psip.sip.it;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * Overload control at the P2PSIP-Port: with at most two calls in set-up, a third new call is refused
 * at once with 503 and a Retry-After, the calls being set up go on, and once one of them is answered
 * a new call is admitted again. A call whose callee's phone rings is no longer in set-up (it waits for
 * a person, not for the peer): ringing phones never make the peer refuse calls. A standing queue (every
 * call of a window set up far slower than the fastest set-up to its destination) limits the calls in
 * set-up further, until no call was refused for a second.
 */
public class OverloadControlTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static TestOverlay overlay;
    static P2psipPort port;
    /** A port whose only bound is the standing queue's: 32 calls in set-up, a target of 30 ms. */
    static P2psipPort queued;
    /** Every message a callee's phone of these tests received while {@link #inviteOf} waited. */
    static final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeClass
    public static void start() throws Exception {
        Path sockets = Files.createTempDirectory("p2psip-sip-overload");
        overlay = TestOverlay.start(2);
        port = new P2psipPort(new P2psipPortConfig(sockets.resolve("p.sock")).name("peer-o").sipPort(0).overlayPort(0)
                .threads(2).maxCallsInSetup(2)).start();
        overlay.attach("peer-o", port, 0);
        queued = new P2psipPort(new P2psipPortConfig(sockets.resolve("q.sock")).name("peer-q").sipPort(0).overlayPort(0)
                .threads(2).targetSetupMillis(30)).start();
        overlay.attach("peer-q", queued, 1);
        TestPeers.waitFor("OM connected", () -> port.isOverlayManagerConnected() && queued.isOverlayManagerConnected());
    }

    @AfterClass
    public static void stop() {
        TestPeers.closeAll(port, queued, overlay);
    }

    private static String register(RawSip ua, String user) {
        return register(port, ua, user);
    }

    private static String register(P2psipPort port, RawSip ua, String user) {
        return "REGISTER sip:127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.localPort() + ";branch=z9hG4bKreg" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r1\r\nTo: <sip:" + user + "@127.0.0.1>\r\n"
                + "Call-ID: reg-" + user + "\r\nCSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + ua.localPort() + ">\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n";
    }

    private static String invite(RawSip caller, String callee, int n) {
        return invite(port, caller, callee, n);
    }

    private static String invite(P2psipPort port, RawSip caller, String callee, int n) {
        return "INVITE sip:" + callee + "@127.0.0.1:" + port.sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + caller.localPort() + ";branch=z9hG4bKinv" + n + "x" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:carol@127.0.0.1>;tag=c" + n + "\r\nTo: <sip:" + callee + "@127.0.0.1>\r\n"
                + "Call-ID: overload-" + n + "-" + System.nanoTime() + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:carol@127.0.0.1:" + caller.localPort() + ">\r\nContent-Length: 0\r\n\r\n";
    }

    /** The first INVITE of call {@code n} to reach the callee (retransmissions and ACKs of other calls skipped). */
    private static String inviteOf(RawSip callee, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = callee.receive(Duration.ofMillis(500));
            if (m != null) {
                seen.add(m);
            }
            if (m != null && m.startsWith("INVITE ") && m.contains("Call-ID: overload-" + n + "-")) {
                return m;
            }
        }
        return null;
    }

    /** The next response with a status code other than 100 (the first line and headers). */
    private static String finalOrNull(RawSip caller) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = caller.receive(Duration.ofMillis(500));
            if (m != null && m.startsWith("SIP/2.0 ") && !m.startsWith("SIP/2.0 100")) {
                return m;
            }
        }
        return null;
    }

    /** The next response to call {@code n} starting with {@code status} (retransmitted finals of other calls skipped). */
    private static String answerOf(RawSip caller, int n, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String m = caller.receive(Duration.ofMillis(500));
            if (m != null && m.startsWith(status) && m.contains("Call-ID: overload-" + n + "-")) {
                return m;
            }
        }
        return null;
    }

    /** Registers {@code user} with {@code callee}'s address and checks the 200. */
    private static void registered(RawSip callee, String user) throws Exception {
        registered(port, callee, user);
    }

    private static void registered(P2psipPort port, RawSip callee, String user) throws Exception {
        callee.send(register(port, callee, user));
        String ok = callee.receive(WAIT);
        assertNotNull("REGISTER answered", ok);
        assertTrue(ok, ok.startsWith("SIP/2.0 200"));
    }

    /** {@code invite}'s response {@code status} from the callee (a To tag of its own). */
    private static String response(String invite, String status) {
        return SinglePortTest.busy(invite).replace("SIP/2.0 486 Busy Here", "SIP/2.0 " + status);
    }

    @Test
    public void ringingCallsAreNotInSetUpSoManyPhonesCanRingAtOnce() throws Exception {
        try (RawSip callee = RawSip.udp(port.sipPort()); RawSip caller = RawSip.udp(port.sipPort())) {
            registered(callee, "ringer");
            List<String> ringing = new ArrayList<>();
            // five calls, two at most in set-up: each rings before the next is made
            for (int n = 11; n <= 15; n++) {
                caller.send(invite(caller, "ringer", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n + " reaches the callee although " + ringing.size() + " phones ring", inv);
                callee.send(response(inv, "180 Ringing"));
                String r = finalOrNull(caller);
                assertNotNull("call " + n + ": the caller hears it ring", r);
                assertTrue(r, r.startsWith("SIP/2.0 180"));
                ringing.add(inv);
            }
            for (String inv : ringing) {
                callee.send(SinglePortTest.busy(inv));
                String busy = finalOrNull(caller);
                assertNotNull(busy);
                assertTrue(busy, busy.startsWith("SIP/2.0 486"));
            }
        }
    }

    @Test
    public void theCallBeyondTheLimitGets503WithRetryAfterAndTheOthersGoOn() throws Exception {
        try (RawSip callee = RawSip.udp(port.sipPort()); RawSip caller = RawSip.udp(port.sipPort())) {
            registered(callee, "slow");

            List<String> ringing = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                caller.send(invite(caller, "slow", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n + " reaches the callee, who does not answer", inv);
                ringing.add(inv);
            }
            long sent = System.nanoTime();
            String third = invite(caller, "slow", 3);
            caller.send(third);
            String refused = finalOrNull(caller);
            long ms = (System.nanoTime() - sent) / 1_000_000;
            assertNotNull("the third call is answered", refused);
            assertTrue(refused, refused.startsWith("SIP/2.0 503"));
            assertTrue("with Retry-After: " + refused, refused.matches("(?is).*\r\nRetry-After: *[1-9].*"));
            assertTrue("at once, not after a time-out (" + ms + " ms)", ms < 5_000);

            // the callee answers the first call: one set-up fewer, so a new call is admitted again
            callee.send(SinglePortTest.busy(ringing.get(0)));
            String busy = finalOrNull(caller);
            assertNotNull(busy);
            assertTrue(busy, busy.startsWith("SIP/2.0 486"));
            // the refused INVITE again (a retransmission: the 503 was lost) is refused again, though a call
            // would be admitted now: its caller was told it is refused
            caller.send(third);
            String again = answerOf(caller, 3, "SIP/2.0 5");
            assertNotNull("the retransmitted INVITE is answered", again);
            assertTrue(again, again.startsWith("SIP/2.0 503 Service Unavailable (overloaded: 2 calls in set-up)"));
            caller.send(invite(caller, "slow", 4));
            String inv4 = inviteOf(callee, 4);
            assertNotNull("the fourth call is admitted and reaches the callee", inv4);
            assertTrue("the refused call never reached the callee: " + seen, seen.stream().noneMatch(m -> m.contains("Call-ID: overload-3-")));
            callee.send(SinglePortTest.busy(inv4));
            callee.send(SinglePortTest.busy(ringing.get(1)));
        }
    }

    /** The 503 of a call refused over TCP comes back on the caller's own connection (no transaction, no new connection). */
    @Test
    public void aCallRefusedOverTcpGetsIts503OnItsConnection() throws Exception {
        try (RawSip callee = RawSip.udp(port.sipPort()); RawSip caller = RawSip.udp(port.sipPort());
             RawSip tcpCaller = RawSip.tcp(port.sipPort())) {
            registered(callee, "slowtcp");
            List<String> ringing = new ArrayList<>();
            for (int n = 61; n <= 62; n++) {
                caller.send(invite(caller, "slowtcp", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n + " reaches the callee, who does not answer", inv);
                ringing.add(inv);
            }
            tcpCaller.send(invite(tcpCaller, "slowtcp", 63).replace("SIP/2.0/UDP", "SIP/2.0/TCP"));
            String refused = answerOf(tcpCaller, 63, "SIP/2.0 5");
            assertNotNull("the call over TCP is answered on its connection", refused);
            assertTrue(refused, refused.startsWith("SIP/2.0 503 Service Unavailable (overloaded: 2 calls in set-up)"));
            assertTrue("with Retry-After: " + refused, refused.matches("(?is).*\r\nRetry-After: *[1-9].*"));
            for (String inv : ringing) {
                callee.send(SinglePortTest.busy(inv));
                assertNotNull(finalOrNull(caller));
            }
        }
    }

    @Test
    public void aStandingQueueOfSlowSetUpsLimitsTheCallsInSetUpUntilNoneWasRefusedForASecond() throws Exception {
        try (RawSip callee = RawSip.udp(queued.sipPort()); RawSip caller = RawSip.udp(queued.sipPort())) {
            registered(queued, callee, "queue");
            // five calls whose phone rings at once: the fastest set-up to this port's phones is a few ms
            for (int n = 21; n <= 25; n++) {
                caller.send(invite(queued, caller, "queue", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n, inv);
                callee.send(response(inv, "180 Ringing"));
                assertNotNull("180 of " + n, answerOf(caller, n, "SIP/2.0 180"));
                callee.send(SinglePortTest.busy(inv));
                assertNotNull("486 of " + n, answerOf(caller, n, "SIP/2.0 486"));
            }
            Thread.sleep(250);
            // then twenty calls come at once; twelve are set up 150-750 ms late, one after the other for
            // 550 ms: a standing queue
            List<String> pending = new ArrayList<>();
            for (int n = 31; n <= 50; n++) {
                caller.send(invite(queued, caller, "queue", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n + " is taken: no queue yet", inv);
                pending.add(inv);
            }
            Thread.sleep(150);
            for (int n = 31; n <= 42; n++) {
                Thread.sleep(50);
                callee.send(response(pending.get(n - 31), "180 Ringing"));
                assertNotNull("180 of " + n, answerOf(caller, n, "SIP/2.0 180"));
            }
            // eight calls still in set-up, the limit at its least: 12 set-ups x (a few ms + 30 ms) in the last second
            caller.send(invite(queued, caller, "queue", 51));
            String refused = answerOf(caller, 51, "SIP/2.0 5");
            assertNotNull(refused);
            assertTrue(refused, refused.startsWith("SIP/2.0 503 Service Unavailable (overloaded: 8 calls in set-up, limit 2 "
                    + "while set-ups queue over 30 ms)"));
            assertTrue("with Retry-After: " + refused, refused.matches("(?is).*\r\nRetry-After: *[1-9].*"));
            for (String inv : pending) {
                callee.send(SinglePortTest.busy(inv));
            }
            // a second without a refusal: the fixed bound only (32), three calls in set-up again
            Thread.sleep(1200);
            List<String> later = new ArrayList<>();
            for (int n = 51; n <= 53; n++) {
                caller.send(invite(queued, caller, "queue", n));
                String inv = inviteOf(callee, n);
                assertNotNull("INVITE " + n + " is taken once the queue is gone", inv);
                later.add(inv);
            }
            for (String inv : later) {
                callee.send(SinglePortTest.busy(inv));
            }
        }
    }
}
