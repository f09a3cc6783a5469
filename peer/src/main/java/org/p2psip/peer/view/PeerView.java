package org.p2psip.peer.view;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's web view (read-only), mounted on a JDK {@link HttpServer} at its root: the page
 * ({@code /}), the peer's state as JSON ({@code /state}) and the live stream of server-sent
 * events ({@code /events}: {@code state} once a second, {@code step} for each new step of a call
 * ladder); the other contexts of the server (the operator listener's {@code /metrics}) stay as they
 * are, and {@code /view/}, where the page used to be, redirects to it. While at least one event
 * stream is open (or {@link #keepRecording} was asked) the call
 * ladders record and the P2PSIP-Port is asked to tell its SIP messages ({@code view.watch}); when the
 * last stream closes both stop, so nobody watching costs nothing. Each stream has its own bounded
 * queue ({@value #QUEUE} events; a stream that falls that far behind is closed, the browser reconnects);
 * at most {@value #MAX_STREAMS} streams at once. The server's executor must run exchanges concurrently
 * (a stream holds its thread while open): {@link org.p2psip.peer.operator.OperatorListener} gives it one.
 */
public final class PeerView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerView.class);
    /** The context the view is mounted at: the server's root. */
    public static final String PATH = "/";
    /** Where the page was before it moved to the operator listener's root: redirected. */
    private static final String OLD_PATH = "/view";
    static final int QUEUE = 2000;
    /** Event streams open at once, at most. */
    public static final int MAX_STREAMS = 8;
    private static final String CLOSE = "";

    private final HttpServer server;
    private final Supplier<Map<String, Object>> state;
    private final CallLadders ladders;
    private final Consumer<Boolean> portWatch;
    private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticks;
    private final byte[] page;
    private volatile boolean keep;
    private long ticksRecording;
    private volatile boolean closed;

    private PeerView(HttpServer server, Supplier<Map<String, Object>> state, CallLadders ladders, Consumer<Boolean> portWatch) {
        this.server = server;
        this.state = state;
        this.ladders = ladders;
        this.portWatch = portWatch;
        this.page = resource("index.html");
        ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peer-view-ticks");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Mounts the view on {@code server}: {@code state} gives the peer's state (node, ring, SATO table,
     * RTP-Port sessions), {@code ladders} the call ladders, {@code portWatch} turns the P2PSIP-Port's
     * SIP messages on and off. {@link #close()} unmounts it.
     */
    public static PeerView mount(HttpServer server, Supplier<Map<String, Object>> state, CallLadders ladders,
                                 Consumer<Boolean> portWatch) {
        PeerView v = new PeerView(server, state, ladders, portWatch);
        ladders.listener(v::onStep);
        server.createContext(PATH, v::handle);
        v.ticks.scheduleWithFixedDelay(v::tick, 1, 1, TimeUnit.SECONDS);
        return v;
    }

    /** Records the call ladders from now on even while nobody watches (the demo: its call is there when a person looks). */
    public void keepRecording() {
        keep = true;
        rewatch();
    }

    /** Open event streams. */
    public int streams() {
        return streams.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "the peer's view is read-only: " + ex.getRequestMethod() + " is not allowed\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/", "/index.html" -> send(ex, 200, "text/html; charset=utf-8", page);
                case "/state" -> send(ex, 200, "application/json", Json.of(fullState()));
                case "/events" -> stream(ex);
                case OLD_PATH, OLD_PATH + "/" -> {
                    ex.getResponseHeaders().set("Location", "/");
                    send(ex, 301, "text/plain", "the peer's view is at /\n");
                }
                default -> send(ex, 404, "text/plain", "no such page of the peer's view: " + path + "\n");
            }
        }
    }

    private Map<String, Object> fullState() {
        Map<String, Object> m = new LinkedHashMap<>(state.get());
        m.put("lanes", CallLadders.LANES);
        m.put("recording", ladders.recording());
        m.put("steps", ladders.steps().stream().map(LadderStep::toJson).toList());
        return m;
    }

    private void stream(HttpExchange ex) throws IOException {
        if (streams.size() >= MAX_STREAMS || closed) {
            send(ex, 503, "text/plain", "too many open views of this peer (" + MAX_STREAMS + ")\n");
            return;
        }
        BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE);
        streams.add(q);
        rewatch();
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(event("state", Json.of(fullState())).getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closed) {
                String e = q.poll(15, TimeUnit.SECONDS);
                if (e == CLOSE) {
                    break;
                }
                out.write((e == null ? ": keepalive\n\n" : e).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            log.debug("a view's event stream closed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.remove(q);
            rewatch();
        }
    }

    /** Records (and has the P2PSIP-Port tell its SIP messages) exactly while a stream is open or {@link #keepRecording} was asked. */
    private synchronized void rewatch() {
        boolean on = !closed && (keep || !streams.isEmpty());
        if (ladders.recording() == on) {
            return;
        }
        ladders.recording(on);
        log.info("web view: call ladders {}", on ? "recorded (somebody watches)" : "no longer recorded (nobody watches)");
        try {
            portWatch.accept(on);
        } catch (RuntimeException e) {
            log.info("web view: the P2PSIP-Port was not told to {} its SIP messages: {}", on ? "send" : "stop", e.getMessage());
        }
    }

    private void onStep(LadderStep s) {
        offer(event("step", Json.of(s.toJson())));
    }

    private void tick() {
        try {
            if (ladders.recording() && ++ticksRecording % 5 == 0) {
                // a P2PSIP-Port run as a process and restarted has forgotten the watch: told again every 5 s
                portWatch.accept(true);
            }
            if (streams.isEmpty()) {
                return;
            }
            offer(event("state", Json.of(state.get())));
        } catch (RuntimeException e) {
            log.info("web view: state not read: {}", e.toString());
        }
    }

    private void offer(String e) {
        for (BlockingQueue<String> q : streams) {
            if (!q.offer(e)) {
                // too far behind: closed; the browser reconnects and gets the whole state again
                q.clear();
                q.offer(CLOSE);
            }
        }
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            ex.getResponseBody().write(body);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PeerView.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the view's page " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the view's page " + name + ": " + e.getMessage(), e);
        }
    }

    /** Unmounts the view: the streams end, the ticks stop, the ladders stop recording. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticks.shutdownNow();
        for (BlockingQueue<String> q : List.copyOf(streams)) {
            q.clear();
            q.offer(CLOSE);
        }
        try {
            server.removeContext(PATH);
        } catch (IllegalArgumentException e) {
            log.debug("view context already removed");
        }
        rewatch(); // closed: recording stops, the P2PSIP-Port is told
    }
}
