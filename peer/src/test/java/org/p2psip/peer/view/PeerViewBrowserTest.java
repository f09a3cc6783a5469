package org.p2psip.peer.view;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.peer.TestPeers;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;
import org.p2psip.phone.Phone;

/**
 * The peer's web view in a real browser (headless Chromium, driven over the DevTools protocol):
 * three peers on loopback, alice at peer 1 calls bob at peer 2 through the RTP-Port relay of peer 3
 * (relay policy always), while peer 1's page is open. The page's call ladder shows, in order, the
 * SIP messages (INVITE, 200 OK, ACK, BYE) and the overlay's steps between them (lookup,
 * NegotiateTransport, SetupSato, StartPort at the relay, Connect RTP, teardown); a click on a step
 * shows its details; the ring shows all three peers, peer 3 as a relay; the RTP-Port sessions showed
 * live counters during the call. Saves the screenshots {@code target/view-during-call.png} and
 * {@code target/view-ladder.png} (after the call).
 */
public class PeerViewBrowserTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void tearDown() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    public void ladderOfACallThroughARelayInABrowser() throws Exception {
        Path state = tmp.getRoot().toPath();
        Peer p3 = peer("v3", state, null, "never");
        Peer p1 = peer("v1", state, p3.bootstrapAddress(), "always");
        Peer p2 = peer("v2", state, p3.bootstrapAddress(), "always");
        // the view is served on the operator's listener, beside the metrics, on loopback
        String url = p1.operatorListener().viewUrl();
        assertTrue(url, url.matches("http://127\\.0\\.0\\.1:[0-9]+/"));
        assertEquals(url + "metrics", p1.operatorListener().metricsUrl());

        HeadlessChromium browser = HeadlessChromium.open(url, state.resolve("chromium"));
        owned.add(browser);
        // the page is live (its event stream is open) and has drawn the ring: every peer of the ring known
        waitFor(browser, "document.getElementById('live').textContent === 'live' && document.querySelectorAll('#ring .member').length === 3",
                "the page's event stream open and the ring with 3 peers");
        assertEquals("true", browser.eval("document.querySelectorAll('#ring .member.self').length === 1"));
        assertEquals("peer 3 offers its RTP-Port as a relay", "true",
                browser.eval("document.querySelectorAll('#ring .member.relay').length >= 1"));

        // the callee's and the relay's views record too (as if watched), read as JSON after the call
        p2.operatorListener().view().keepRecording();
        p3.operatorListener().view().keepRecording();
        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                // bob lets it ring first, as a person does: answered within 2 ms of its 180, the 200 OK can
                // overtake the 180 in the P2PSIP-Port's UDP threads, and a 1xx after the final one is not forwarded
                Thread.sleep(1000);
                bob.answer(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        alice.call("bob", Duration.ofSeconds(20));
        answered.get(20, TimeUnit.SECONDS);
        assertTrue("alice hears bob", alice.awaitMedia(Duration.ofSeconds(10)));
        // during the call: the SATO table and the RTP-Port session with packets counted, updated live
        waitFor(browser, "Array.from(document.querySelectorAll('#sessions tbody tr')).some(r => r.cells[1].textContent === 'ua'"
                + " && Number(r.cells[3].textContent) > 20)", "an RTP-Port session whose UA leg counts packets");
        waitFor(browser, "Array.from(document.querySelectorAll('#satos tbody tr')).some(r => r.cells[1].textContent === 'media')",
                "the media SATO in the SATO table");
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "view-during-call.png"), browser.screenshot(1500, 1100));
        alice.hangup();
        bob.awaitHangup(Duration.ofSeconds(10));

        String labels = "Array.from(document.querySelectorAll('#ladder .step')).map(g => g.dataset.label).join('|')";
        waitFor(browser, "['BYE', 'rtp.release', 'StopPort', 'TeardownSato'].every(s => " + labels + ".split('|').includes(s))",
                "the BYE and the whole teardown in the ladder");
        List<String> ladder = Arrays.asList(browser.eval(labels).split("\\|"));
        // the overlay's steps between the SIP messages, in the order they happened (Figure 4)
        // (the 100 Trying goes out while the lookup runs: its place among the overlay's first steps varies)
        assertTrue(String.valueOf(ladder), ladder.contains("100 Trying"));
        assertInOrder(ladder, "INVITE", "user.lookup bob", "lookup user:bob", "sato.signalling.request",
                "path measured", "NegotiateTransport", "SetupSato", "relay chosen", "sato.ready", "INVITE", "180 Ringing",
                "200 OK", "Connect RTP", "ConnectRtp", "BYE", "sato.teardown", "rtp.release", "StopPort");
        // the media SATO is asked for in parallel with the signalling SATO (CallerSide.requestMediaSatos): its
        // steps may come before or after sato.ready (over HTTPS the first SetupSato to a peer includes the TLS
        // handshake), but the relay is started before the INVITE leaves
        assertInOrder(ladder, "sato.signalling.request", "sato.media.request", "rtp.allocate", "StartPort", "INVITE", "180 Ringing");
        assertInOrder(ladder, "StartPort", "INVITE", "200 OK", "200 OK", "ACK", "ACK", "BYE", "BYE", "TeardownSato");
        // the SIP messages cross between the phone and the P2PSIP-Port and between the two P2PSIP-Ports
        assertEquals("phone>P2PSIP-Port", browser.eval("(g => g.dataset.from + '>' + g.dataset.to)"
                + "(document.querySelector('#ladder .step.sip[data-label=\"INVITE\"]'))"));
        // each step is clickable: its details show the message itself
        browser.eval("document.querySelector('#ladder .step.sip[data-label=\"INVITE\"]').dispatchEvent(new MouseEvent('click'))");
        String detail = browser.eval("document.getElementById('detail').textContent");
        assertTrue(detail, detail.contains("INVITE sip:bob@") && detail.contains("Call-ID:"));
        browser.eval("document.querySelector('#ladder .step.overlay[data-label=\"StartPort\"]').dispatchEvent(new MouseEvent('click'))");
        detail = browser.eval("document.getElementById('detail').textContent");
        assertTrue(detail, detail.contains("RTP-Port relay on peer"));

        // the callee's OM saw SetupSato from the caller's OM and the INVITE from the far P2PSIP-Port; the relay's OM
        // knows the call only as the caller's media SATO: StartPort, ConnectRtp and StopPort under "SATO <id>"
        String callee = state(p2);
        assertTrue(callee, callee.matches("(?s).*\"from\":\"far OM\",\"to\":\"OM\",\"label\":\"SetupSato\".*"
                + "\"from\":\"far P2PSIP-Port\",\"to\":\"P2PSIP-Port\",\"label\":\"INVITE\".*"
                + "\"from\":\"P2PSIP-Port\",\"to\":\"phone\",\"label\":\"INVITE\".*\"label\":\"BYE\".*"));
        String relay = state(p3);
        assertTrue(relay, relay.matches("(?s).*\"call\":\"SATO [^\"]+\".*\"label\":\"StartPort\".*\"label\":\"ConnectRtp\".*"
                + "\"label\":\"StopPort\".*"));

        int height = Integer.parseInt(browser.eval("Math.ceil(document.documentElement.scrollHeight)"));
        Path png = Path.of("target", "view-ladder.png");
        Files.write(png, browser.screenshot(1500, Math.min(height, 4000)));
        assertTrue("screenshot written", Files.size(png) > 10_000);
    }

    private static void assertInOrder(List<String> ladder, String... order) {
        int at = -1;
        for (String s : order) {
            int i = indexFrom(ladder, s, at + 1);
            assertTrue("step '" + s + "' missing or out of order in the ladder " + ladder, i >= 0);
            at = i;
        }
    }

    private static String state(Peer p) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(p.operatorListener().viewUrl() + "state")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int indexFrom(List<String> l, String s, int from) {
        for (int i = from; i < l.size(); i++) {
            if (l.get(i).equals(s)) {
                return i;
            }
        }
        return -1;
    }

    private static void waitFor(HeadlessChromium b, String condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            // false (not an error) while the page is still loading
            if ("true".equals(b.eval("(() => { try { return " + condition + "; } catch (e) { return false; } })()"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the page never showed " + what + "; the ladder: "
                + b.eval("Array.from(document.querySelectorAll('#ladder .step')).map(g => g.dataset.label).join('|')"));
    }

    private Peer peer(String name, Path state, String bootstrap, String policy) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("ports", "in-process");
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name, "alice", "bob").toString());
        s.put("relay-policy", policy);
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private Phone phone(String user, Peer peer) throws Exception {
        Phone ph = Phone.start(TestPeers.phoneAt(user, peer).build());
        owned.add(ph);
        return ph;
    }
}
