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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.p2psip.peer.StartupProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's local HTTP listener for its operator ({@code --http}, loopback by default): read-only,
 * separate from the OM IF (which other peers use), so that what only the operator should see is
 * not offered to the overlay. Serves {@code GET /metrics}, the Prometheus text exposition of the
 * peer's registry; anything else gets 404 (405 for a method other than GET or HEAD). Two threads
 * and a queue of 16 scrapes at most (more are refused with 503); {@link #close()} stops them.
 */
public final class OperatorListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorListener.class);
    /** The path Prometheus scrapes. */
    public static final String METRICS_PATH = "/metrics";

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

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
                    "the operator's HTTP listener (metrics)", option), e);
        }
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "operator-http");
            t.setDaemon(true);
            return t;
        }, (r, ex) -> log.info("operator listener: too many scrapes at once, one refused"));
        server.setExecutor(executor);
        OperatorListener l = new OperatorListener(server, executor, registry);
        server.createContext("/", l::handle);
        server.start();
        return l;
    }

    /** Where it listens (the port it got, when started with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://HOST:PORT/metrics}. */
    public String metricsUrl() {
        InetSocketAddress a = address();
        String host = a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" : a.getHostString();
        return "http://" + host + ":" + a.getPort() + METRICS_PATH;
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
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "operator listener " + metricsUrl();
    }
}
