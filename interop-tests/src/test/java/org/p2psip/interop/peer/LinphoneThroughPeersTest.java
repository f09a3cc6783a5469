package org.p2psip.interop.peer;

import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlMessage;
import org.p2psip.interop.baresip.Baresip;
import org.p2psip.interop.baresip.RtpStats;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.interop.linphone.Linphone;
import org.p2psip.interop.linphone.LinphoneRtpStats;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A third unmodified phone: linphone's console client (linphonec, headless, a wav tone as its
 * microphone) registers at peer1 as carol and calls, and is called by, the project's phone (dave)
 * and baresip (erin), both registered at peer2. Relay policy always: every call's media goes
 * RTP1 -> RTP3 (peer3) -> RTP2. Each call: media both ways by linphone's own oRTP statistics, the
 * other phone's own statistics, and peer3's relay counters; after each hang-up nothing is left.
 */
public class LinphoneThroughPeersTest {
    private static final Logger log = LoggerFactory.getLogger(LinphoneThroughPeersTest.class);
    private static final Duration T = Duration.ofSeconds(30);
    private static final long MEDIA_MS = 3000;

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 240_000)
    public void linphoneCallsAndIsCalledByThePhoneAndBaresipThroughARelay() throws Exception {
        // adaptation off: on a heavily loaded machine (load average 40 seen) a 200 ms scheduling stall
        // looks like a dead relay path and the OM moves the call to the direct path; this test is
        // about the phones through a relay, the adaptation has its own tests
        InProcessOverlay o = owned.track(InProcessOverlay.start("always", Map.of("adapt", "off"), Map.of()));
        Linphone carol = owned.track(Linphone.start("carol", o.peer1.sipAddress(), "127.0.0.1", true, T));
        InetSocketAddress peer2 = HostPort.parse(o.peer2.sipAddress()).toSocketAddress();
        Baresip erin = owned.track(Baresip.builder("erin").registrar(o.peer2.sipAddress()).rtpPorts(28000, 28499)
                .answerMode("auto").start());

        // linphone calls the project's phone, linphone hangs up
        try (Phone dave = Phone.start(PhoneConfig.builder("dave", peer2).listen("127.0.0.1", 0).build())) {
            dave.register();
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try {
                    dave.answer(T);
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            carol.call("sip:dave@127.0.0.1");
            answered.get(T.toSeconds(), TimeUnit.SECONDS);
            carol.awaitConnected(T);
            assertTrue("dave hears nothing from linphone", dave.awaitMedia(T));
            Thread.sleep(MEDIA_MS);
            ControlMessage relay = BaresipThroughPeersTest.awaitRelayBothWays(o, 50);
            carol.terminate();
            LinphoneRtpStats c = carol.awaitEnded(T);
            assertTrue("dave saw no BYE from linphone", dave.awaitHangup(T) != null);
            report("linphone -> phone", c, dave.stats().summary(), relay);
            assertTrue(c.toString(), c.sent() > 100 && c.received() > 100);
            assertBothWays(dave.stats());
            o.awaitNothingLeft(10_000);

            // the project's phone calls linphone (auto answer), the phone hangs up
            dave.call("carol", T);
            carol.awaitConnected(T);
            assertTrue("dave hears nothing from linphone", dave.awaitMedia(T));
            Thread.sleep(MEDIA_MS);
            relay = BaresipThroughPeersTest.awaitRelayBothWays(o, 50);
            dave.hangup();
            c = carol.awaitEnded(T);
            report("phone -> linphone", c, dave.stats().summary(), relay);
            assertTrue(c.toString(), c.sent() > 100 && c.received() > 100);
            assertBothWays(dave.stats());
            o.awaitNothingLeft(10_000);
        }

        // linphone calls baresip (auto answer), linphone hangs up
        carol.call("sip:erin@127.0.0.1");
        carol.awaitConnected(T);
        erin.waitEstablished(T);
        Thread.sleep(MEDIA_MS);
        RtpStats e = erin.waitRtp(100, T);
        ControlMessage relay = BaresipThroughPeersTest.awaitRelayBothWays(o, 50);
        carol.terminate();
        LinphoneRtpStats c = carol.awaitEnded(T);
        erin.waitClosed(T);
        report("linphone -> baresip", c, "baresip " + e, relay);
        assertTrue(c.toString(), c.sent() > 100 && c.received() > 100);
        assertTrue("baresip: " + e, e.sent() > 0 && e.received() >= 100);
        o.awaitNothingLeft(10_000);

        // baresip calls linphone (auto answer), baresip hangs up
        erin.dial("sip:carol@127.0.0.1");
        erin.waitEstablished(T);
        carol.awaitConnected(T);
        Thread.sleep(MEDIA_MS);
        e = erin.waitRtp(100, T);
        relay = BaresipThroughPeersTest.awaitRelayBothWays(o, 50);
        erin.hangup();
        erin.waitClosed(T);
        c = carol.awaitEnded(T);
        report("baresip -> linphone", c, "baresip " + e, relay);
        assertTrue(c.toString(), c.sent() > 100 && c.received() > 100);
        assertTrue("baresip: " + e, e.sent() > 0 && e.received() >= 100);
        o.awaitNothingLeft(10_000);
    }

    private static void assertBothWays(MediaStats s) {
        assertTrue(s.summary(), s.flowedBothWays() && s.packetsReceived() > 100);
    }

    private static void report(String call, LinphoneRtpStats linphone, String other, ControlMessage relay) {
        log.info("{}: {}; other phone: {}; peer3 relay: {}", call, linphone, other, RelayStats.describe(relay));
    }
}
