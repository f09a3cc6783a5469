package org.p2psip.peer.view;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.message.ViewSip;
import org.p2psip.om.CallSteps;

/**
 * The web view over real HTTP on loopback, without a browser: read-only, the call ladders recorded
 * and the P2PSIP-Port's SIP messages asked for only while an event stream is open, steps pushed to
 * the stream as they happen, bounded ladders.
 */
public class PeerViewTest {
    private final List<Boolean> portWatch = new CopyOnWriteArrayList<>();
    private final CallLadders ladders = new CallLadders();
    private HttpServer server;
    private ExecutorService threads;
    private PeerView view;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @Before
    public void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        threads = Executors.newFixedThreadPool(6);
        server.setExecutor(threads);
        view = PeerView.mount(server, () -> Map.of("name", "t1", "node", Map.of("id", "abc"), "ring", List.of()), ladders,
                portWatch::add);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @After
    public void tearDown() {
        view.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Test
    public void pageAndStateAreServedAndTheViewIsReadOnly() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Call ladder"));
        assertFalse("nothing fetched from elsewhere", page.body().matches("(?s).*(src|href)=\"https?:.*"));
        HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(base + "/state")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, state.statusCode());
        assertTrue(state.body(), state.body().contains("\"name\":\"t1\"") && state.body().contains("\"steps\":[]"));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/state"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertTrue(post.body(), post.body().contains("read-only"));
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/nothing")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode());
        // where the page was before it moved to the operator listener's root: a bookmark still finds it
        HttpResponse<String> old = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(base + "/view/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, old.statusCode());
        assertTrue(old.body().contains("Call ladder"));
    }

    @Test
    public void laddersAreRecordedOnlyWhileSomebodyWatches() throws Exception {
        ladders.step("call-1", "s1", CallSteps.OM, CallSteps.FAR_OM, "NegotiateTransport", "nobody watches");
        assertTrue("nothing recorded while nobody watches", ladders.steps().isEmpty());
        assertTrue("the P2PSIP-Port was not asked for anything", portWatch.isEmpty());

        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
        BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertEquals("event: state", in.readLine());
        assertTrue(in.readLine().contains("\"name\":\"t1\""));
        assertEquals(List.of(true), portWatch);
        assertTrue(ladders.recording());

        ladders.sip(new ViewSip("call-1", "in", "ua", "INVITE", "1 INVITE", "INVITE sip:bob@p2psip SIP/2.0"));
        ladders.step(null, "s1", CallSteps.FAR_OM, CallSteps.OM, "StartPort", "a relay knows the call by its SATO only");
        ladders.step("call-1", "s1", CallSteps.OM, CallSteps.FAR_OM, "SetupSato", "");
        ladders.step(null, "s1", CallSteps.OM, CallSteps.FAR_OM, "TeardownSato", "the SATO's call is known now");
        String step = nextEvent(in, "step");
        assertTrue(step, step.contains("\"label\":\"INVITE\"") && step.contains("\"from\":\"phone\"") && step.contains("\"to\":\"P2PSIP-Port\""));
        step = nextEvent(in, "step");
        assertTrue(step, step.contains("\"call\":\"SATO s1\"") && step.contains("\"label\":\"StartPort\""));
        assertTrue(nextEvent(in, "step").contains("\"label\":\"SetupSato\""));
        step = nextEvent(in, "step");
        assertTrue(step, step.contains("\"call\":\"call-1\"") && step.contains("\"label\":\"TeardownSato\""));
        assertEquals(3, ladders.steps("call-1").size());
        assertEquals(1, ladders.steps("SATO s1").size());

        // the port's event for a message arrives after the OM step it caused: the ladder orders by when it happened
        long invitedAt = ViewSip.nowMicros();
        ladders.step("call-2", null, CallSteps.OM, CallSteps.LOOKUP, "lookup user:bob", "");
        ladders.sip(new ViewSip("call-2", "in", "ua", "INVITE", "1 INVITE", "INVITE sip:bob@p2psip SIP/2.0", invitedAt));
        assertEquals(List.of("INVITE", "lookup user:bob"), ladders.steps("call-2").stream().map(LadderStep::label).toList());

        in.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ladders.recording() && System.nanoTime() < deadline) {
            // the closed stream is noticed at the next write: a state once a second
            Thread.sleep(100);
        }
        assertFalse("the last stream closed: no longer recorded", ladders.recording());
        assertEquals(List.of(true, false), portWatch);
    }

    @Test
    public void laddersAreBounded() {
        ladders.recording(true);
        for (int c = 0; c < CallLadders.MAX_CALLS + 5; c++) {
            ladders.step("call-" + c, null, CallSteps.PORT, CallSteps.OM, "sato.signalling.request", "");
        }
        for (int i = 0; i < CallLadders.MAX_STEPS + 10; i++) {
            ladders.step("call-last", null, CallSteps.OM, CallSteps.RTP, "rtp.allocate", "");
        }
        assertEquals(CallLadders.MAX_STEPS, ladders.steps("call-last").size());
        assertTrue("the oldest calls are forgotten", ladders.steps("call-0").isEmpty());
        assertEquals(CallLadders.MAX_CALLS - 1 + CallLadders.MAX_STEPS, ladders.steps().size());
    }

    private static String nextEvent(BufferedReader in, String name) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("event: " + name)) {
                return in.readLine();
            }
        }
        throw new AssertionError("the stream ended before an event " + name);
    }
}
