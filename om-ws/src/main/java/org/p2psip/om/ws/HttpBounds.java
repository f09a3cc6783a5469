package org.p2psip.om.ws;

import java.time.Duration;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngine;
import org.apache.cxf.transport.http_jetty.ThreadingParameters;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.p2psip.common.ListenerBounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds of an OM IF endpoint's embedded Jetty: at most {@value #MAX_THREADS} threads (Jetty reads
 * requests without a thread per connection, so idle and slow clients hold no thread), at most
 * {@value #MAX_CONNECTIONS} connections (beyond them Jetty stops accepting until one closes: they wait
 * in the kernel's backlog), a connection with no byte for {@value #IDLE_MILLIS} ms closed, request
 * headers up to {@value #MAX_HEADER_BYTES} bytes (larger: 431). Body size is {@link BodyLimitInterceptor}'s.
 * No minimum body data rate: Jetty's (1 KiB/s was tried) failed a legitimate 500-byte GetNodeStatus
 * with 408 on a machine so loaded that the request waited a second for its thread (soak benchmark,
 * load average 19); a slow body holds one of the 64 threads for at most the idle timeout per pause.
 *
 * <p>Configurable as {@link ListenerBounds} ({@link #DEFAULT}; {@code ./p2psip peer --om-if-bounds}): of
 * those, the OM IF applies {@code maxConnections} (Jetty's connection limit), {@code maxConnectionsPerSource}
 * (beyond it a connection is answered 503 with Retry-After at once, {@link PerSourceLimit}) and
 * {@code idleTimeout} (Jetty's idle timeout, which also bounds a stalled read or write).
 */
public final class HttpBounds {
    private static final Logger log = LoggerFactory.getLogger(OmEndpoint.class);
    static final int MAX_THREADS = 64;
    static final int MAX_CONNECTIONS = 4096;
    static final int IDLE_MILLIS = 30_000;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Connections from one source address beyond which new ones get 503. */
    static final int MAX_CONNECTIONS_PER_SOURCE = 256;
    /**
     * The OM IF's default bounds: {@value #MAX_CONNECTIONS} connections, {@value #MAX_CONNECTIONS_PER_SOURCE}
     * per source address, {@value #IDLE_MILLIS} ms idle (the other fields are not used by the OM IF).
     */
    public static final ListenerBounds DEFAULT = ListenerBounds.defaults(256 * 1024)
            .withMaxConnections(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_SOURCE).withIdleTimeout(Duration.ofMillis(IDLE_MILLIS));

    private HttpBounds() {
    }

    /** Thread pool and idle timeout: set before the engine's Jetty starts. */
    static void beforeStart(JettyHTTPServerEngine engine, ListenerBounds bounds) {
        ThreadingParameters threads = new ThreadingParameters();
        threads.setMinThreads(4);
        threads.setMaxThreads(MAX_THREADS);
        threads.setThreadNamePrefix("om-if");
        engine.setThreadingParameters(threads);
        engine.setMaxIdleTime((int) Math.min(Integer.MAX_VALUE, bounds.idleTimeout().toMillis()));
    }

    /** Connection limit and header size on the started Jetty. */
    static void afterStart(JettyHTTPServerEngine engine, String where, ListenerBounds bounds) {
        Server server = engine.getServer();
        if (server == null) {
            log.warn("OM IF on {}: no Jetty server to bound", where);
            return;
        }
        server.addBean(new NetworkConnectionLimit(bounds.maxConnections(), server));
        if (engine.getConnector() != null) {
            engine.getConnector().addEventListener(new PerSourceLimit(bounds.maxConnectionsPerSource(), where));
        }
        HttpConnectionFactory http = engine.getConnector() == null ? null
                : engine.getConnector().getConnectionFactory(HttpConnectionFactory.class);
        if (http != null) {
            HttpConfiguration c = http.getHttpConfiguration();
            c.setRequestHeaderSize(MAX_HEADER_BYTES);
        }
    }
}
