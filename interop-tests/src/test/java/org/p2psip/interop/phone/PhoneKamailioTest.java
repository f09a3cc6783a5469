package org.p2psip.interop.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.interop.kamailio.Kamailio;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.p2psip.phone.PhoneException;

/**
 * Two of the project's phones calling each other through a real SIP proxy, Kamailio (registrar in
 * memory, record-routing): registration, refresh, call, media both ways, BYE from either side, 404,
 * CANCEL; and the same with {@code ./p2psip phone} as two processes.
 */
public class PhoneKamailioTest {

    private Kamailio kamailio;
    private final List<Phone> phones = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-callee");
        t.setDaemon(true);
        return t;
    });

    @Before
    public void startKamailio() {
        kamailio = Kamailio.builder().minExpires(1).start();
    }

    @After
    public void tearDown() throws InterruptedException {
        pool.shutdownNow();
        for (Phone p : phones) {
            p.close();
        }
        pool.awaitTermination(10, TimeUnit.SECONDS);
        if (kamailio != null) {
            kamailio.close();
        }
    }

    @Test(timeout = 120_000)
    public void twoPhonesCallThroughKamailioWithMediaBothWays() throws Exception {
        java.util.Set<Thread> before = nonDaemonThreads();
        Phone bob = phone("bob", 3600, new CopyOnWriteArrayList<>());
        Phone alice = phone("alice", 3600, new CopyOnWriteArrayList<>());
        bob.register();
        alice.register();
        assertTrue(alice.isRegistered());

        Future<?> answered = pool.submit(() -> {
            bob.answer(Duration.ofSeconds(30));
            return null;
        });
        alice.call("bob", Duration.ofSeconds(30));
        answered.get(40, TimeUnit.SECONDS);

        assertTrue("alice receives bob's RTP", alice.awaitMedia(Duration.ofSeconds(10)));
        assertTrue("bob receives alice's RTP", bob.awaitMedia(Duration.ofSeconds(10)));
        Thread.sleep(1500); // some media
        alice.hangup();
        assertEquals("remote hangup (BYE from alice)", bob.awaitHangup(Duration.ofSeconds(20)));
        assertEquals("local hangup", alice.endReason());

        assertFlow("alice", alice.stats());
        assertFlow("bob", bob.stats());
        // both phones announced abs-send-time (a=extmap:3) through Kamailio and sent it: one-way delay
        for (MediaStats s : new MediaStats[] {alice.stats(), bob.stats()}) {
            assertTrue(s.summary(), s.delaySamples() >= 10 && s.delayMeanMillis() >= 0 && s.delayMeanMillis() < 1000);
        }
        // ACK and BYE followed the Record-Route through Kamailio rather than going phone to phone.
        assertTrue(kamailio.logTail(40), kamailio.awaitLog("in-dialog ACK", Duration.ofSeconds(5)));
        assertTrue(kamailio.logTail(40), kamailio.awaitLog("in-dialog BYE", Duration.ofSeconds(5)));

        // close() unregisters and leaves no non-daemon thread behind (the JVM of ./p2psip phone must exit)
        alice.close();
        bob.close();
        assertTrue(kamailio.logTail(20), kamailio.awaitLog("REGISTER sip:alice@127.0.0.1 expires 0", Duration.ofSeconds(5)));
        assertTrue(kamailio.logTail(20), kamailio.awaitLog("REGISTER sip:bob@127.0.0.1 expires 0", Duration.ofSeconds(5)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        java.util.Set<Thread> leaked;
        do {
            leaked = nonDaemonThreads();
            leaked.removeAll(before);
            if (leaked.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertTrue("threads left: " + leaked, leaked.isEmpty());
    }

    private static java.util.Set<Thread> nonDaemonThreads() {
        java.util.Set<Thread> s = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.isDaemon()) {
                s.add(t);
            }
        }
        return s;
    }

    @Test(timeout = 120_000)
    public void calleeHangsUp() throws Exception {
        Phone bob = phone("bob", 3600, new CopyOnWriteArrayList<>());
        Phone alice = phone("alice", 3600, new CopyOnWriteArrayList<>());
        bob.register();
        Future<?> answered = pool.submit(() -> {
            bob.answer(Duration.ofSeconds(30));
            return null;
        });
        alice.call("bob", Duration.ofSeconds(30));
        answered.get(40, TimeUnit.SECONDS);
        assertTrue(bob.awaitMedia(Duration.ofSeconds(10)));
        assertTrue(alice.awaitMedia(Duration.ofSeconds(10)));
        Thread.sleep(1500); // some media
        bob.hangup();
        assertEquals("remote hangup (BYE from bob)", alice.awaitHangup(Duration.ofSeconds(20)));
        assertFlow("alice", alice.stats());
        assertFlow("bob", bob.stats());
    }

    @Test(timeout = 120_000)
    public void callingAnUnregisteredUserFailsWith404() throws Exception {
        Phone alice = phone("alice", 3600, new CopyOnWriteArrayList<>());
        alice.register();
        try {
            alice.call("carol", Duration.ofSeconds(20));
            fail("call to an unknown user succeeded");
        } catch (PhoneException e) {
            assertEquals("call to carol failed: 404 Not Found", e.getMessage());
            assertEquals(404, e.statusCode());
        }
        assertFalse(alice.inCall());
    }

    @Test(timeout = 120_000)
    public void registrationIsRefreshedBeforeItExpires() throws Exception {
        List<String> bobSteps = new CopyOnWriteArrayList<>();
        Phone bob = phone("bob", 2, bobSteps);
        Phone alice = phone("alice", 3600, new CopyOnWriteArrayList<>());
        bob.register();
        assertEquals(2, bob.grantedExpires());
        // Without refreshes the 2 s registration would be gone: Kamailio would answer 404.
        Thread.sleep(5000);
        assertTrue("refreshed: " + bobSteps, bobSteps.stream().anyMatch(s -> s.startsWith("registration refreshed")));
        Future<?> answered = pool.submit(() -> {
            bob.answer(Duration.ofSeconds(30));
            return null;
        });
        alice.call("bob", Duration.ofSeconds(30));
        answered.get(40, TimeUnit.SECONDS);
        assertTrue(alice.awaitMedia(Duration.ofSeconds(10)));
        alice.hangup();
        assertNotNull(bob.awaitHangup(Duration.ofSeconds(20)));
    }

    @Test(timeout = 120_000)
    public void callerCancelsWhenNobodyAnswers() throws Exception {
        List<String> bobSteps = new CopyOnWriteArrayList<>();
        Phone bob = phone("bob", 3600, bobSteps);
        Phone alice = phone("alice", 3600, new CopyOnWriteArrayList<>());
        bob.register();
        try {
            alice.call("bob", Duration.ofSeconds(3)); // bob rings but never answers
            fail("unanswered call succeeded");
        } catch (PhoneException e) {
            assertEquals("call to bob failed: no answer within 3 s (cancelled)", e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bobSteps.stream().noneMatch(s -> s.equals("call from alice cancelled by the caller"))) {
            if (System.nanoTime() > deadline) {
                fail("bob did not see the CANCEL: " + bobSteps);
            }
            Thread.sleep(20);
        }
        assertTrue(bobSteps.toString(), bobSteps.contains("incoming call from alice: ringing"));
        try {
            bob.answer(Duration.ofMillis(200));
            fail("a cancelled call could still be answered");
        } catch (PhoneException e) {
            assertEquals("no incoming call within 0 s", e.getMessage());
        }
        assertFalse("alice is not left in a call", alice.inCall());
    }

    @Test(timeout = 150_000)
    public void phoneCommandsCallEachOtherThroughKamailio() throws Exception {
        try (PhoneProcess bob = PhoneProcess.start("--user", "bob", "--proxy", kamailio.hostPort(), "--listen",
                "127.0.0.1:0", "--answer", "--wait", "60", "--seconds", "8")) {
            // the caller must find bob registered
            assertTrue("bob registered\n" + bob.describe() + kamailio.logTail(20),
                    kamailio.awaitLog("REGISTER sip:bob@127.0.0.1 expires 3600", Duration.ofSeconds(60)));
            try (PhoneProcess alice = PhoneProcess.start("--user", "alice", "--proxy", kamailio.hostPort(),
                    "--listen", "127.0.0.1:0", "--call", "bob", "--seconds", "3", "--report-every", "1")) {
                assertEquals("alice\n" + alice.describe(), 0, alice.awaitExit(Duration.ofSeconds(90)));
                assertEquals("bob\n" + bob.describe(), 0, bob.awaitExit(Duration.ofSeconds(90)));
                assertTrue(alice.describe(), alice.stdout().contains("result: OK, media flowed both ways"));
                java.util.regex.Matcher line = java.util.regex.Pattern.compile("interval: t=1 received=(\\d+) expected=\\d+"
                        + " lost=\\d+ loss=[0-9.]+% jitter=[0-9.]+ms delay_mean=-?[0-9.]+ms delay_p95=-?[0-9.]+ms"
                        + " delay_samples=(\\d+) max_gap=\\d+ms").matcher(alice.stdout());
                assertTrue("an interval line with delay\n" + alice.describe(), line.find());
                assertTrue(line.group(), Long.parseLong(line.group(1)) >= 25 && Long.parseLong(line.group(2)) >= 25);
                assertTrue(alice.describe(), alice.stdout().matches("(?s).*report: .*, delay mean -?[0-9.]+ ms p95 .*"));
                assertTrue(bob.describe(), bob.stdout().contains("incoming call from alice: ringing"));
                assertTrue(bob.describe(), bob.stdout().contains("hung up: remote hangup (BYE from alice)"));
                assertTrue(bob.describe(), bob.stdout().contains("result: OK, media flowed both ways"));
            }
        }
    }

    private Phone phone(String user, int expires, List<String> steps) throws PhoneException {
        Phone p = Phone.start(PhoneConfig.builder(user, kamailio.address())
                .listen("127.0.0.1", 0)
                .registerExpires(expires)
                .steps(s -> steps.add(s))
                .build());
        phones.add(p);
        return p;
    }

    private static void assertFlow(String who, MediaStats s) {
        assertTrue(who + ": " + s.summary(), s.flowedBothWays());
        assertTrue(who + ": " + s.summary(), s.packetsSent() >= 25);
        assertTrue(who + ": " + s.summary(), s.packetsReceived() >= 10);
        assertEquals(who + ": " + s.summary(), 0, s.invalidReceived());
    }
}
