package org.p2psip.peer.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.p2psip.peer.StartupProblem;
import org.p2psip.peer.view.CallLadders;
import org.p2psip.peer.view.PeerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's one local HTTP listener for its operator ({@code --http}, loopback by default):
 * read-only, separate from the OM IF (which other peers use), so that what only the operator should
 * see is not offered to the overlay. Serves {@code GET /metrics}, the Prometheus text exposition of
 * the peer's registry, and, once {@link #mountView mounted}, the peer's web view beside it (the page
 * at {@code /}, {@code /state}, {@code /events}; see {@link PeerView}); anything else gets 404, a
 * method other than GET or HEAD 405. Its threads: {@value #THREADS} (an open event stream of the
 * view holds one; scrapes and page loads share the rest), a queue of 16 requests (more are refused
 * and closed); {@link #close()} stops them.
 */
public final class OperatorListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorListener.class);
    /** The path Prometheus scrapes. */
    public static final String METRICS_PATH = "/metrics";
    /** Threads: one per open event stream of the view at most, and four for everything else. */
    static final int THREADS = PeerView.MAX_STREAMS + 4;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private volatile PeerView view;
    private boolean closed;

    private OperatorListener(HttpServer server, ThreadPoolExecutor executor, PrometheusRegistry registry) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
    }

    /**
     * Starts listening at {@code address}. An address in use is an {@link IOException} naming it and
     * the option that sets it ({@code option}, e.g. {@code --http}).
     */
    public static OperatorListener start(InetSocketAddress address, PrometheusRegistry registry, String option) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new IOException(StartupProblem.inUse(address.getHostString() + ":" + address.getPort(),
                    "the operator's HTTP listener (metrics and web view)", option), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "operator-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (r, ex) -> log.info("operator listener: too many requests at once, one refused"));
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        OperatorListener l = new OperatorListener(server, executor, registry);
        server.createContext(METRICS_PATH, l::handle);
        server.createContext("/", l::notFound);
        server.start();
        return l;
    }

    /**
     * Serves the peer's web view on this listener from now on (page at {@code /}): {@code state} gives
     * the peer's state, {@code ladders} the call ladders, {@code portWatch} turns the P2PSIP-Port's SIP
     * messages on and off (see {@link PeerView#mount}). Once only.
     */
    public synchronized PeerView mountView(Supplier<Map<String, Object>> state, CallLadders ladders, Consumer<Boolean> portWatch) {
        if (view != null) {
            throw new IllegalStateException("the web view is already served on " + this);
        }
        server.removeContext("/");
        view = PeerView.mount(server, state, ladders, portWatch);
        return view;
    }

    /** The web view served here, or null when none was mounted. */
    public PeerView view() {
        return view;
    }

    /** The web view's page, {@code http://HOST:PORT/}. */
    public String viewUrl() {
        return "http://" + hostPort() + "/";
    }

    /** Where it listens (the port it got, when started with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://HOST:PORT/metrics}. */
    public String metricsUrl() {
        return "http://" + hostPort() + METRICS_PATH;
    }

    private String hostPort() {
        InetSocketAddress a = address();
        String host = a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" : a.getHostString();
        return host + ":" + a.getPort();
    }

    /** Anything but {@value #METRICS_PATH} while no view is mounted. */
    private void notFound(HttpExchange x) throws IOException {
        try (x) {
            reply(x, 404, "text/plain; charset=utf-8", ("no such page: " + x.getRequestURI().getPath()
                    + " (this peer serves " + METRICS_PATH + ")\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(x, 405, "text/plain; charset=utf-8", ("method " + method + " not allowed: this listener is read-only\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!x.getRequestURI().getPath().equals(METRICS_PATH)) {
                reply(x, 404, "text/plain; charset=utf-8", ("no such page: " + x.getRequestURI().getPath()
                        + " (this peer serves " + METRICS_PATH + ")\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
            writer.write(body, registry.scrape());
            reply(x, 200, writer.getContentType(), method.equals("HEAD") ? null : body.toByteArray());
        } catch (IOException | RuntimeException e) {
            log.info("operator listener: answering {} {} failed: {}", x.getRequestMethod(), x.getRequestURI(), e.toString());
        }
    }

    private static void reply(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        PeerView v = view;
        if (v != null) {
            v.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "operator listener " + metricsUrl();
    }
}
