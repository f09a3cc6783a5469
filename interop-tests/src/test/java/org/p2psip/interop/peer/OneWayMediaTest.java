package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.p2psip.phone.PhoneException;

/**
 * Media one way only is not dead media: alice@peer1 and bob@peer2 talk, then alice stops sending
 * (muted with silence suppression, or holding the call without a re-INVITE) for 10 s while bob goes
 * on. With {@code --dead-media-s 3} on every peer, peer2 receives nothing for 10 s, but peer1
 * receives bob's media and says so (ReportPath heartbeats), so neither peer ends the call; when
 * alice sends again, bob hears her.
 */
public class OneWayMediaTest {

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 120_000)
    public void aCallWhoseMediaFlowsOneWayIsNotEndedForDeadMedia() throws Exception {
        InProcessOverlay o = owned.track(InProcessOverlay.start("never", Map.of("dead-media-s", "3"), Map.of()));
        Phone alice = owned.track(phone("alice", o.peer1.sipAddress()));
        Phone bob = owned.track(phone("bob", o.peer2.sipAddress()));
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(Duration.ofSeconds(40));
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        PeersAsProcessesTest.callRetrying404(alice, "bob");
        answered.get(40, TimeUnit.SECONDS);
        assertTrue("media at alice", alice.awaitMedia(Duration.ofSeconds(20)));
        assertTrue("media at bob", bob.awaitMedia(Duration.ofSeconds(20)));
        Thread.sleep(1000);

        assertTrue(alice.mute(true));
        Thread.sleep(500);
        MediaStats b0 = bob.stats();
        MediaStats a0 = alice.stats();
        Thread.sleep(10_000);
        MediaStats b1 = bob.stats();
        MediaStats a1 = alice.stats();
        assertTrue("bob heard nothing from the muted alice: " + b0.packetsReceived() + " -> " + b1.packetsReceived(),
                b1.packetsReceived() - b0.packetsReceived() < 5);
        assertTrue("alice kept hearing bob: " + a0.packetsReceived() + " -> " + a1.packetsReceived(),
                a1.packetsReceived() - a0.packetsReceived() > 400);
        assertTrue("bob's call is still up after 10 s of one-way media (dead media after 3 s would have ended it): "
                + bob.endReason(), bob.inCall());
        assertTrue("alice's call is still up: " + alice.endReason(), alice.inCall());

        alice.mute(false);
        Thread.sleep(1500);
        MediaStats b2 = bob.stats();
        assertTrue("bob hears alice again: " + b1.packetsReceived() + " -> " + b2.packetsReceived(),
                b2.packetsReceived() - b1.packetsReceived() > 40);
        alice.hangup();
        assertTrue("bob sees the BYE", bob.awaitHangup(Duration.ofSeconds(15)) != null);
        o.awaitNothingLeft(10_000);
    }

    private static Phone phone(String user, String sipHostPort) throws PhoneException {
        String[] hp = sipHostPort.split(":");
        return Phone.start(PhoneConfig.builder(user, new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
                .listen("127.0.0.1", 0).build());
    }
}
