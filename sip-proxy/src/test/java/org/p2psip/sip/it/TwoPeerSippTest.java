package org.p2psip.sip.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;
import org.p2psip.control.message.MediaSatoConnect;
import org.p2psip.control.message.UserRegister;
import org.p2psip.sip.P2psipPort;
import org.p2psip.sip.P2psipPortConfig;

/**
 * Two P2PSIP-Ports on loopback, each driven by a real Overlay Manager stand-in over its control
 * socket, user records in a real Chord ring, and real sipp processes as the user agents.
 */
public class TwoPeerSippTest {
    static final Duration SIPP = Duration.ofSeconds(60);
    static Path work;
    static TestOverlay overlay;
    static P2psipPort a;
    static P2psipPort b;
    static TestPeerOm omA;
    static TestPeerOm omB;
    static TestPeers peers;

    @Rule
    public TestName name = new TestName();

    @BeforeClass
    public static void startPeers() throws Exception {
        work = TestPeers.workDir("TwoPeerSippTest");
        overlay = TestOverlay.start(3);
        peers = TestPeers.start(overlay, TwoPeerSippTest::config);
        a = peers.a;
        b = peers.b;
        omA = peers.omA;
        omB = peers.omB;
    }

    static P2psipPortConfig config(Path socket, String name) {
        return new P2psipPortConfig(socket).name(name).bindAddress("127.0.0.1").sipPort(0).overlayPort(0)
                .expires(2, 60, 3600).threads(4).expirySweepMillis(100);
    }

    @AfterClass
    public static void stopPeers() {
        TestPeers.closeAll(peers, overlay);
    }

    static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
        TestPeers.waitFor(what, cond);
    }

    private String user(String base) {
        return base + "-" + name.getMethodName().replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    }

    static String target(P2psipPort p) {
        return "127.0.0.1:" + p.sipPort();
    }

    static void register(P2psipPort at, String user, String contact, int expires) throws Exception {
        try (Sipp s = Sipp.start(work, "register.xml", Map.of(), target(at), "-key", "user", user, "-key", "contact",
                contact, "-key", "expires", Integer.toString(expires), "-m", "1", "-timeout", "30s")) {
            s.assertSuccess(SIPP);
        }
    }

    static List<String> dht(String user) throws Exception {
        return overlay.node(2).get(TestPeerOm.KEY_PREFIX + user).get(10, TimeUnit.SECONDS);
    }

    static void expectCallFails(P2psipPort from, String callee, int code) throws Exception {
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", Integer.toString(code)), target(from),
                "-s", callee, "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(SIPP);
        }
    }

    // ------------------------------------------------------------------------------- registration

    @Test
    public void registerStoresTheUserRecordInTheLookupService() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5999", 60);
        List<String> peers = dht(bob);
        assertEquals("the DHT maps " + bob + " to peer B", List.of("peer-b"), peers);
        UserRegister reg = omB.registrations.stream().filter(m -> bob.equals(m.user())).findFirst().orElseThrow();
        long ttl = reg.ttlSeconds();
        assertTrue("TTL follows the registration's expiry: " + ttl, ttl >= 59 && ttl <= 60);
    }

    @Test
    public void unknownUserGets404() throws Exception {
        expectCallFails(a, user("nobody"), 404);
    }

    @Test
    public void unknownUserWhileTheRingIsCutOffGets480WithTheReason() throws Exception {
        omA.partitioned = "nobody480 is not registered in this part of the overlay: 6 of its peers are unreachable";
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "480"), target(a), "-s", user("nobody480"),
                "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(SIPP);
            String messages = uac.messages();
            assertTrue("480 with the OM's reason in its phrase:\n" + messages,
                    messages.contains("480 Temporarily Unavailable (") && messages.contains("peers are unreachable"));
        } finally {
            omA.partitioned = null;
        }
    }

    // ------------------------------------------------------------------------------- calls

    /** What a test checks once both UAs of a call succeeded. */
    @FunctionalInterface
    interface CallCheck {
        void check(Sipp uac, Sipp uas) throws Exception;
    }

    /**
     * A call from a UA at peer A to {@code bob} (a UA running {@code uasScenario}, registered at
     * {@code calleeAt}); both sipp runs must succeed, then {@code check} runs with both.
     */
    private static void call(String bob, P2psipPort calleeAt, String uasScenario, List<String> uasOptions,
                             String uacScenario, List<String> uacOptions, CallCheck check) throws Exception {
        try (Sipp uas = Sipp.start(work, uasScenario, Map.of(), null, options(List.of("-s", bob, "-m", "1"), uasOptions))) {
            register(calleeAt, bob, "127.0.0.1:" + uas.port, 60);
            try (Sipp uac = Sipp.start(work, uacScenario, Map.of(), target(a), options(
                    List.of("-s", bob, "-key", "caller", "alice", "-m", "1"), uacOptions))) {
                uac.assertSuccess(SIPP);
                uas.assertSuccess(SIPP);
                check.check(uac, uas);
            }
        }
    }

    private static String[] options(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        all.addAll(List.of("-timeout", "40s"));
        return all.toArray(new String[0]);
    }

    @Test
    public void callFromPeerAToPeerBCallerHangsUp() throws Exception {
        call(user("bob"), b, "uas.xml", List.of(), "uac.xml", List.of("-d", "200"), this::checkMediaAndTeardown);
    }

    @Test
    public void callFromPeerAToPeerBCalleeHangsUp() throws Exception {
        call(user("bob"), b, "uas-bye.xml", List.of("-d", "200"), "uac-wait-bye.xml", List.of(),
                this::checkMediaAndTeardown);
    }

    @Test
    public void reInviteFollowsTheRouteAndMovesTheMedia() throws Exception {
        call(user("bob"), b, "uas-reinvite.xml", List.of(), "uac-reinvite.xml", List.of("-d", "100"), (uac, uas) -> {
            List<String> invites = uas.received().stream().filter(m -> m.startsWith("INVITE")).toList();
            assertEquals(2, invites.size());
            String callId = header(invites.get(0), "Call-ID");
            String mediaA = omA.satos(callId).stream().filter(x -> x.contains("-media-")).findFirst().orElseThrow();
            String mediaB = omB.satos(callId).stream().filter(x -> x.contains("-media-")).findFirst().orElseThrow();
            assertEquals("one media SATO per stream for the whole call", 1,
                    omB.satos(callId).stream().filter(x -> x.contains("-media-")).count());
            for (String inv : invites) {
                assertEquals("both offers point at peer B's RTP-Port", omB.media.get(mediaB)[0], "127.0.0.1:" + mediaPort(inv));
            }
            waitFor("Connect RTP again with the caller's new media port", () -> omA.mediaConnects.stream().anyMatch(
                    m -> mediaA.equals(m.sato()) && ("127.0.0.1:" + (uac.mediaPort + 2)).equals(m.ua())));
            waitFor("SATOs torn down", () -> omA.tornDown.containsAll(omA.satos(callId))
                    && omB.tornDown.containsAll(omB.satos(callId)));
        });
    }

    @Test
    public void callerCancelsBeforeTheAnswer() throws Exception {
        call(user("bob"), b, "uas-cancel.xml", List.of(), "uac-cancel.xml", List.of(), (uac, uas) -> {
            String invite = uas.received().stream().filter(m -> m.startsWith("INVITE")).findFirst().orElseThrow();
            String callId = header(invite, "Call-ID");
            List<String> satosA = omA.satos(callId);
            assertFalse(satosA.isEmpty());
            waitFor("the cancelled call's SATOs torn down", () -> omA.tornDown.containsAll(satosA)
                    && omB.tornDown.containsAll(omB.satos(callId)));
        });
    }

    @Test
    public void callBetweenTwoUasOfTheSamePeerStaysLocal() throws Exception {
        call(user("bob"), a, "uas.xml", List.of(), "uac.xml", List.of("-d", "100"), (uac, uas) -> {
            String invite = uas.received().stream().filter(m -> m.startsWith("INVITE")).findFirst().orElseThrow();
            assertTrue("no SATO for a call inside one peer", omA.satos(header(invite, "Call-ID")).isEmpty());
        });
    }

    @Test
    public void callsOverTcpBetweenUasAndPorts() throws Exception {
        String bob = user("bob");
        try (Sipp uas = Sipp.start(work, "uas.xml", Map.of(), null, "-s", bob, "-m", "1", "-t", "t1", "-timeout", "40s")) {
            try (Sipp r = Sipp.start(work, "register.xml", Map.of(), target(b), "-t", "t1", "-key", "user", bob,
                    "-key", "contact", "127.0.0.1:" + uas.port + ";transport=tcp", "-key", "expires", "60", "-m", "1",
                    "-timeout", "30s")) {
                r.assertSuccess(SIPP);
            }
            try (Sipp uac = Sipp.start(work, "uac.xml", Map.of(), target(a), "-t", "t1", "-s", bob, "-key", "caller",
                    "alice", "-m", "1", "-d", "100", "-timeout", "40s")) {
                uac.assertSuccess(SIPP);
                uas.assertSuccess(SIPP);
            }
        }
    }

    @Test
    public void userRegisteredAtTwoPeersIsForkedToBoth() throws Exception {
        String bob = user("bob");
        // bob's phone at A only rings; bob's phone at B answers: A forks, B wins, A's branch is cancelled
        try (Sipp ringing = Sipp.start(work, "uas-cancel.xml", Map.of(), null, "-s", bob, "-m", "1", "-timeout", "40s");
             Sipp answering = Sipp.start(work, "uas.xml", Map.of(), null, "-s", bob, "-m", "1", "-timeout", "40s")) {
            register(a, bob, "127.0.0.1:" + ringing.port, 60);
            register(b, bob, "127.0.0.1:" + answering.port, 60);
            waitFor("both records in the DHT", () -> {
                try {
                    return dht(bob).size() == 2;
                } catch (Exception e) {
                    return false;
                }
            });
            try (Sipp uac = Sipp.start(work, "uac.xml", Map.of(), target(a), "-s", bob, "-key", "caller", "alice",
                    "-m", "1", "-d", "100", "-timeout", "40s")) {
                uac.assertSuccess(SIPP);
                answering.assertSuccess(SIPP);
                ringing.assertSuccess(SIPP);
            }
        }
    }

    @Test
    public void failedSignallingSatoGives503WithRetryAfter() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5991", 60);
        omA.failSatos = true;
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "503"), target(a),
                "-s", bob, "-key", "caller", "carol", "-key", "max_forwards", "70", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(SIPP);
            // the SATO failed for want of something that passes: the phone is told when to try again
            String refused = uac.received().stream().filter(m -> m.startsWith("SIP/2.0 503")).findFirst().orElseThrow();
            assertTrue("with Retry-After: " + refused, refused.matches("(?is).*\r\nRetry-After: *[1-9].*"));
        } finally {
            omA.failSatos = false;
        }
    }

    @Test
    public void maxForwardsZeroGets483() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5998", 60);
        try (Sipp uac = Sipp.start(work, "uac-fail.xml", Map.of("EXPECT", "483"), target(a), "-s", bob,
                "-key", "caller", "carol", "-key", "max_forwards", "0", "-m", "1", "-timeout", "30s")) {
            uac.assertSuccess(SIPP);
        }
    }

    @Test
    public void aLoopIsDetectedWith482() throws Exception {
        String loop = user("loop");
        // the contact is peer A itself with the same Request-URI the caller uses: a real loop, not a spiral
        register(a, loop, "127.0.0.1:" + a.sipPort(), 60);
        expectCallFails(a, loop, 482);
    }

    // ------------------------------------------------------------------------------- registration life cycle

    @Test
    public void registrationExpiryMakesTheUserUnreachable() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5997", 2);
        assertEquals(List.of("peer-b"), dht(bob));
        waitFor("the expired record gone from the DHT", () -> {
            try {
                return dht(bob).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        expectCallFails(a, bob, 404);
    }

    @Test
    public void expiresZeroRemovesTheRegistration() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5996", 60);
        assertEquals(List.of("peer-b"), dht(bob));
        register(b, bob, "127.0.0.1:5996", 0);
        assertTrue("Expires: 0 removed the DHT record", dht(bob).isEmpty());
        expectCallFails(a, bob, 404);
    }

    @Test
    public void aRefreshKeepsTheRecordAlive() throws Exception {
        String bob = user("bob");
        register(b, bob, "127.0.0.1:5995", 3);
        Thread.sleep(2000);
        register(b, bob, "127.0.0.1:5995", 3);
        Thread.sleep(2000);
        assertEquals("refreshed before expiry: still there after the first interval", List.of("peer-b"), dht(bob));
    }

    @Test
    public void tooBriefIntervalGets423WithMinExpires() throws Exception {
        try (Sipp s = Sipp.start(work, "register-423.xml", Map.of(), target(b), "-key", "user", user("bob"),
                "-key", "contact", "127.0.0.1:5994", "-key", "expires", "1", "-m", "1", "-timeout", "30s")) {
            s.assertSuccess(SIPP);
            assertTrue(s.actions(), s.actions().matches("(?s).*Min-Expires:\\s*2\\b.*"));
        }
    }

    @Test
    public void lookupServiceFailureGives503NotOk() throws Exception {
        String bob = user("bob");
        omB.failRegistrations = true;
        try (Sipp s = Sipp.start(work, "register-5xx.xml", Map.of(), target(b), "-key", "user", bob,
                "-key", "contact", "127.0.0.1:5993", "-key", "expires", "60", "-m", "1", "-timeout", "30s")) {
            s.assertSuccess(SIPP);
        } finally {
            omB.failRegistrations = false;
        }
        assertTrue("nothing stored", dht(bob).isEmpty());
        expectCallFails(a, bob, 404);
    }

    /** Each UA's SDP names its own peer's RTP-Port; every SATO of the call is torn down afterwards. */
    private void checkMediaAndTeardown(Sipp uac, Sipp uas) throws Exception {
        String invite = uas.received().stream().filter(m -> m.startsWith("INVITE")).findFirst().orElseThrow();
        String callId = header(invite, "Call-ID");
        String ok = uac.received().stream().filter(m -> m.startsWith("SIP/2.0 200") && m.contains("INVITE"))
                .findFirst().orElseThrow();
        int calleeSees = mediaPort(invite);
        int callerSees = mediaPort(ok);
        List<String> satosA = omA.satos(callId);
        List<String> satosB = omB.satos(callId);
        assertTrue("peer A asked for a signalling SATO and a media SATO: " + satosA,
                satosA.stream().anyMatch(s -> s.contains("-sig-")) && satosA.stream().anyMatch(s -> s.contains("-media-")));
        assertTrue("peer B asked for a media SATO: " + satosB, satosB.stream().anyMatch(s -> s.contains("-media-")));
        String mediaA = satosA.stream().filter(s -> s.contains("-media-")).findFirst().orElseThrow();
        String mediaB = satosB.stream().filter(s -> s.contains("-media-")).findFirst().orElseThrow();
        assertEquals("the callee's SDP points at peer B's RTP-Port", omB.media.get(mediaB)[0], "127.0.0.1:" + calleeSees);
        assertEquals("the caller's SDP points at peer A's RTP-Port", omA.media.get(mediaA)[0], "127.0.0.1:" + callerSees);
        assertTrue(invite.contains("c=IN IP4 127.0.0.1"));
        // Connect RTP: each side names the far overlay address and its own UA
        waitFor("sato.media.connect on both peers", () -> connect(omA, mediaA) != null && connect(omB, mediaB) != null);
        MediaSatoConnect ca = connect(omA, mediaA);
        MediaSatoConnect cb = connect(omB, mediaB);
        assertEquals(omB.media.get(mediaB)[1], ca.remote());
        assertEquals("127.0.0.1:" + uac.mediaPort, ca.ua());
        assertEquals(omA.media.get(mediaA)[1], cb.remote());
        assertEquals("127.0.0.1:" + uas.mediaPort, cb.ua());
        waitFor("every SATO of the call torn down", () -> omA.tornDown.containsAll(satosA) && omB.tornDown.containsAll(satosB));
        assertFalse(omA.activeSatos.containsValue(callId));
    }

    private static MediaSatoConnect connect(TestPeerOm om, String sato) {
        return om.mediaConnects.stream().filter(m -> sato.equals(m.sato())).findFirst().orElse(null);
    }

    static String header(String msg, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "\\s*:\\s*(.*)$").matcher(msg);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in\n" + msg);
        }
        return m.group(1).trim();
    }

    static int mediaPort(String msg) {
        Matcher m = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(msg);
        if (!m.find()) {
            throw new AssertionError("no m=audio line in\n" + msg);
        }
        return Integer.parseInt(m.group(1));
    }
}
