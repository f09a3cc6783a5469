package org.p2psip.peer.operator;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.peer.TestPeers;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;
import org.p2psip.phone.Phone;

/**
 * An operator scrapes a peer's metrics ({@code --http}, loopback) before, during and after a call
 * between two real peers with real phones and RTP on loopback: the REGISTER, the call, the SATOs,
 * the relay decision, the lookup operations and the RTP-Port's packets move as they should, and
 * {@code promtool check metrics} (Debian package prometheus) accepts the exposition.
 */
public class PeerMetricsTest {
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
    public void metricsMoveDuringACallAndPromtoolAcceptsThem() throws Exception {
        Path state = tmp.getRoot().toPath();
        Peer p1 = peer("p1", state, null);
        Peer p2 = peer("p2", state, p1.bootstrapAddress());
        String url = p1.operatorListener().metricsUrl();
        assertTrue("loopback by default: " + url, url.startsWith("http://127.0.0.1:"));

        String before = scrape(url);
        assertEquals(0, value(before, "p2psip_sip_calls_total{outcome=\"2xx\"}"), 0);
        assertEquals(1, value(before, "p2psip_sato_port_up{port=\"rtp-port\"}"), 0);

        Phone alice = phone("alice", p1);
        Phone bob = phone("bob", p2);
        alice.register();
        alice.register(); // a refresh: the OM writes nothing to the lookup service
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        alice.call("bob", Duration.ofSeconds(20));
        answered.get(20, TimeUnit.SECONDS);
        assertTrue("alice hears bob", alice.awaitMedia(Duration.ofSeconds(10)));

        String during = scrape(url);
        Thread.sleep(500);
        String later = scrape(url);
        assertEquals("alice's REGISTER and its refresh", 2, value(during, "p2psip_sip_registrations_total{outcome=\"accepted\"}"), 0);
        assertEquals(1, value(during, "p2psip_sip_registered_users"), 0);
        assertEquals(1, value(during, "p2psip_sip_active_calls"), 0);
        assertTrue(during, value(during, "p2psip_satos{kind=\"media\",state=\"established\"}") >= 1);
        assertTrue(during, value(during, "p2psip_satos{kind=\"signalling\",state=\"established\"}") >= 1);
        assertEquals(1, value(during, "p2psip_relay_decisions_total{reason=\"policy_never\"}"), 0);
        assertEquals(1, value(during, "p2psip_om_user_registrations_total{outcome=\"stored\"}"), 0);
        assertEquals(1, value(during, "p2psip_om_user_registrations_total{outcome=\"refresh\"}"), 0);
        assertEquals(1, value(during, "p2psip_rtp_port_sessions{kind=\"endpoint\"}"), 0);
        assertTrue(during, value(during, "p2psip_lookup_operation_seconds_count{operation=\"get\",outcome=\"ok\"}") >= 1);
        assertTrue(during, value(during, "p2psip_lookup_operation_seconds_count{operation=\"put\",outcome=\"ok\"}") >= 1);
        // the ring is counted at every ring-unification round (3 s)
        assertEquals(2, value(scrapeUntil(url, "p2psip_lookup_ring_nodes", 2), "p2psip_lookup_ring_nodes"), 0);
        assertTrue(during, value(during, "jvm_threads_current") > 0);
        double forwarded = value(during, "p2psip_rtp_port_packets_forwarded_total");
        assertTrue("RTP forwarded while the call is up: " + forwarded + " then "
                + value(later, "p2psip_rtp_port_packets_forwarded_total"),
                forwarded > 0 && value(later, "p2psip_rtp_port_packets_forwarded_total") > forwarded);
        assertTrue(later, value(later, "p2psip_rtp_port_rtp_packets{count=\"received\"}") > 0);
        promtoolAccepts(during);

        alice.hangup();
        bob.awaitHangup(Duration.ofSeconds(10));
        String after = scrapeUntil(url, "p2psip_sip_active_calls", 0);
        assertEquals(1, value(after, "p2psip_sip_calls_total{outcome=\"2xx\"}"), 0);
        assertEquals(0, value(after, "p2psip_sip_calls_total{outcome=\"4xx\"}"), 0);
        assertEquals(1, value(after, "p2psip_sip_calls_ended_total"), 0);
        promtoolAccepts(after);
    }

    @Test
    public void theListenerIsReadOnlyAndServesTheMetricsAndTheWebViewOnly() throws Exception {
        Peer p = peer("solo", tmp.getRoot().toPath(), null);
        String url = p.operatorListener().metricsUrl();
        HttpURLConnection post = (HttpURLConnection) new URL(url).openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
        assertEquals(405, post.getResponseCode());
        HttpURLConnection other = (HttpURLConnection) new URL(url.replace("/metrics", "/om/v1")).openConnection();
        assertEquals(404, other.getResponseCode());
        // the web view on the same listener: its page at /, the peer's state beside it
        String base = url.replace("/metrics", "/");
        assertEquals(base, p.operatorListener().viewUrl());
        HttpURLConnection page = (HttpURLConnection) new URL(base).openConnection();
        assertEquals(200, page.getResponseCode());
        assertTrue(page.getContentType(), page.getContentType().startsWith("text/html"));
        String state = new String(new URL(base + "state").openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(state, state.contains("\"name\":\"solo\""));
        HttpURLConnection postState = (HttpURLConnection) new URL(base + "state").openConnection();
        postState.setRequestMethod("POST");
        postState.setDoOutput(true);
        postState.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
        assertEquals(405, postState.getResponseCode());
    }

    @Test
    public void httpOffStartsNoListener() throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults("quiet", tmp.getRoot().toPath().resolve("quiet")));
        s.put("http", "off");
        s.put("security", org.p2psip.enrollment.RunCa.in(tmp.getRoot().toPath()).peer("quiet").toString());
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        assertEquals(null, p.operatorListener());
    }

    private static void promtoolAccepts(String exposition) throws Exception {
        Path file = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(file, exposition);
            Process pr;
            try {
                pr = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("promtool is missing (Debian package prometheus; scripts/test installs it): " + e.getMessage());
            }
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue("promtool did not finish", pr.waitFor(30, TimeUnit.SECONDS));
            assertEquals("promtool check metrics: " + out, 0, pr.exitValue());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String scrapeUntil(String url, String metric, double want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String s = scrape(url);
        while (value(s, metric) != want && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = scrape(url);
        }
        return s;
    }

    private static String scrape(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        assertEquals(200, c.getResponseCode());
        assertTrue(c.getContentType(), c.getContentType().startsWith("text/plain; version=0.0.4"));
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The sample's value; an AssertionError showing the exposition when it is absent. */
    private static double value(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no sample " + sample + " in\n" + exposition);
        }
        return Double.parseDouble(m.group(1));
    }

    private Peer peer(String name, Path state, String bootstrap) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("ports", "in-process");
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name, "alice", "bob").toString());
        s.put("relay-policy", "never");
        s.put("offer-relay", "off");
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
