package org.p2psip.om.ws;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OM IF's cap on connections per source address (a listener of the Jetty connector). A connection
 * beyond the cap is answered at once, before any request is read, with {@code HTTP/1.1 503 Service
 * Unavailable}, {@code Retry-After} and {@code Connection: close}, and closed; the source's other
 * connections are served as before. Over HTTPS the HTTP connection inside each TLS connection is
 * counted, so the 503 goes through TLS. Its maps hold only connections open now and their addresses.
 */
final class PerSourceLimit implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(OmEndpoint.class);
    /** Seconds a refused client is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final String REASON = "too many connections from your address\r\n";
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + RETRY_AFTER_SECONDS
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: " + REASON.length()
            + "\r\n\r\n" + REASON).getBytes(StandardCharsets.US_ASCII);

    private final int perSource;
    private final String where;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    /**
     * The source of each open connection, noted when it opens: once its channel is closed Jetty no
     * longer knows the remote address.
     */
    private final Map<Connection, InetAddress> sources = new java.util.IdentityHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastLog;

    PerSourceLimit(int perSource, String where) {
        this.perSource = perSource;
        this.where = where;
    }

    @Override
    public void onOpened(Connection c) {
        if (c instanceof org.eclipse.jetty.io.ssl.SslConnection) {
            // over HTTPS the HTTP connection inside the TLS one is counted (and answered 503 through TLS)
            return;
        }
        InetAddress from = source(c.getEndPoint());
        if (from == null) {
            return;
        }
        int n;
        synchronized (open) {
            sources.put(c, from);
            n = open.merge(from, 1, Integer::sum);
        }
        if (n <= perSource) {
            return;
        }
        long total = refused.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastLog > 10_000) {
            lastLog = now;
            log.warn("OM IF on {}: connection from {} answered 503: {} open from that address (at most {}); {} refused so far",
                    where, from.getHostAddress(), n - 1, perSource, total);
        }
        EndPoint ep = c.getEndPoint();
        try {
            ep.write(Callback.from(ep::close, x -> ep.close()), ByteBuffer.wrap(REFUSAL));
        } catch (RuntimeException e) {
            ep.close();
        }
    }

    @Override
    public void onClosed(Connection c) {
        synchronized (open) {
            InetAddress from = sources.remove(c);
            if (from != null) {
                open.computeIfPresent(from, (k, v) -> v <= 1 ? null : v - 1);
            }
        }
    }

    /** Connections answered 503 so far. */
    long refused() {
        return refused.get();
    }

    private static InetAddress source(EndPoint ep) {
        SocketAddress a = ep == null ? null : ep.getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }
}
