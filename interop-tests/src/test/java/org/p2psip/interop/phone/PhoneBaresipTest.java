package org.p2psip.interop.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.interop.baresip.Baresip;
import org.p2psip.interop.baresip.BaresipEvent;
import org.p2psip.interop.kamailio.Kamailio;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;

/**
 * The project's phone and a real, unmodified baresip through Kamailio, both directions: baresip accepts
 * the phone's offer (with its {@code a=extmap} for abs-send-time) and its RTP, and the phone accepts
 * baresip's; baresip does not send abs-send-time, so the phone has no delay samples.
 */
public class PhoneBaresipTest {

    private static final Duration T = Duration.ofSeconds(20);
    private Kamailio kamailio;
    private Baresip baresip;
    private Phone phone;
    private final List<String> steps = new CopyOnWriteArrayList<>();

    @Before
    public void start() throws Exception {
        kamailio = Kamailio.start();
        baresip = Baresip.start("bob", kamailio.hostPort());
        phone = Phone.start(PhoneConfig.builder("alice", kamailio.address()).listen("127.0.0.1", 0)
                .steps(steps::add).build());
        phone.register();
    }

    @After
    public void stop() {
        if (phone != null) {
            phone.close();
        }
        if (baresip != null) {
            baresip.close();
        }
        if (kamailio != null) {
            kamailio.close();
        }
    }

    @Test(timeout = 120_000)
    public void phoneCallsBaresipWithMediaBothWays() throws Exception {
        phone.call("bob", T);
        assertEquals("incoming", baresip.waitEstablished(T).direction());
        baresip.waitRtp(25, T); // baresip sends and receives (decodes) the phone's PCMU
        assertTrue("alice receives baresip's RTP\n" + steps, phone.awaitMedia(T));
        Thread.sleep(1000);
        phone.hangup();
        baresip.waitClosed(T);
        MediaStats s = phone.stats();
        assertTrue(s.summary(), s.flowedBothWays() && s.packetsReceived() >= 25);
        assertEquals(s.summary(), 0, s.invalidReceived());
        assertEquals("baresip sends no abs-send-time: " + s.summary(), 0, s.delaySamples());
    }

    @Test(timeout = 120_000)
    public void baresipCallsThePhoneWithMediaBothWays() throws Exception {
        Thread answering = new Thread(() -> {
            try {
                phone.answer(T);
            } catch (Exception e) {
                steps.add("answer failed: " + e.getMessage());
            }
        }, "answer");
        answering.start();
        baresip.dial("alice");
        BaresipEvent est = baresip.waitEstablished(T);
        assertEquals("outgoing", est.direction());
        answering.join(T.toMillis());
        baresip.waitRtp(25, T);
        assertTrue("alice receives baresip's RTP\n" + steps, phone.awaitMedia(T));
        baresip.hangup();
        assertTrue(steps.toString(), phone.awaitHangup(T) != null);
        MediaStats s = phone.stats();
        assertTrue(s.summary(), s.flowedBothWays() && s.packetsReceived() >= 25);
        assertEquals(s.summary(), 0, s.delaySamples());
    }
}
