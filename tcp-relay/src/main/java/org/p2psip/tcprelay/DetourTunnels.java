package org.p2psip.tcprelay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of a peer's {@link DetourTunnel}s: one per (relay, target) pair, opened on demand by
 * {@link #via}, closed when idle (no connection open and none opened or closed for the idle timeout;
 * checked by a daemon thread {@code detour-tunnels-reaper}). At most {@code maxTunnels} are open: at the
 * limit the least recently used tunnel without connections is closed to make room, and if every
 * tunnel is in use {@link #via} fails. {@link #close()} closes them all.
 */
public final class DetourTunnels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetourTunnels.class);

    /** Default number of tunnels open at once. */
    public static final int DEFAULT_MAX_TUNNELS = 64;
    /** Default idle time after which a tunnel is closed. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);

    private final int maxTunnels;
    private final long idleNanos;
    /** Mutual TLS with the relays (a secured overlay); null: plain TCP. */
    private final RelaySecurity security;
    /** Access order: the least recently used tunnel first. */
    private final Map<String, DetourTunnel> tunnels = new LinkedHashMap<>(16, 0.75f, true);
    private final ScheduledThreadPoolExecutor reaper;
    private boolean closed;

    /** {@value #DEFAULT_MAX_TUNNELS} tunnels, closed after 2 minutes idle. */
    public DetourTunnels() {
        this(DEFAULT_MAX_TUNNELS, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param maxTunnels  tunnels open at once
     * @param idleTimeout a tunnel without connections for this long is closed
     */
    public DetourTunnels(int maxTunnels, Duration idleTimeout) {
        this(maxTunnels, idleTimeout, null);
    }

    /**
     * @param maxTunnels  tunnels open at once
     * @param idleTimeout a tunnel without connections for this long is closed
     * @param security    mutual TLS with the relays (a secured overlay); {@code null}: plain TCP
     */
    public DetourTunnels(int maxTunnels, Duration idleTimeout, RelaySecurity security) {
        this.security = security;
        if (maxTunnels < 1) {
            throw new IllegalArgumentException("maxTunnels must be positive: " + maxTunnels);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 ms");
        }
        this.maxTunnels = maxTunnels;
        this.idleNanos = idleTimeout.toNanos();
        this.reaper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "detour-tunnels-reaper");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(10, idleTimeout.toMillis() / 4);
        reaper.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Where to connect locally to reach {@code target} through {@code relay}: the local address of
     * the pair's tunnel, opened now if there is none.
     *
     * @throws IOException if these tunnels are closed, every tunnel is in use at the limit, or the
     *                     local listener cannot be opened
     */
    public InetSocketAddress via(InetSocketAddress relay, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(target, "target");
        String key = RelayProtocol.format(relay) + " " + RelayProtocol.format(target);
        List<DetourTunnel> evicted = new ArrayList<>();
        try {
            synchronized (this) {
                if (closed) {
                    throw new IOException("detour tunnels closed");
                }
                DetourTunnel tunnel = tunnels.get(key);
                if (tunnel != null && !tunnel.isClosed()) {
                    tunnel.touch();
                    return tunnel.localAddress();
                }
                tunnels.remove(key);
                if (tunnels.size() >= maxTunnels) {
                    DetourTunnel lru = leastRecentlyUsedFree();
                    if (lru == null) {
                        throw new IOException("detour tunnel limit " + maxTunnels + " reached, all in use");
                    }
                    evicted.add(lru);
                }
                tunnel = DetourTunnel.open(relay, target, DetourTunnel.DEFAULT_MAX_CONNECTIONS,
                        DetourTunnel.DEFAULT_ANSWER_TIMEOUT, security);
                tunnels.put(key, tunnel);
                return tunnel.localAddress();
            }
        } finally {
            for (DetourTunnel tunnel : evicted) {
                LOG.info("{}: closed to make room for another detour", tunnel);
                tunnel.close();
            }
        }
    }

    /** Removes and returns the least recently used tunnel without open connections, or null. */
    private DetourTunnel leastRecentlyUsedFree() {
        Iterator<DetourTunnel> it = tunnels.values().iterator();
        while (it.hasNext()) {
            DetourTunnel tunnel = it.next();
            if (!tunnel.inUse()) {
                it.remove();
                return tunnel;
            }
        }
        return null;
    }

    /** Tunnels open now. */
    public synchronized int size() {
        return tunnels.size();
    }

    /** Counters of every open tunnel, least recently used first. */
    public synchronized List<DetourTunnel.Stats> stats() {
        return tunnels.values().stream().map(DetourTunnel::stats).toList();
    }

    private void closeIdle() {
        List<DetourTunnel> idle = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            Iterator<DetourTunnel> it = tunnels.values().iterator();
            while (it.hasNext()) {
                DetourTunnel tunnel = it.next();
                if (tunnel.isClosed() || tunnel.isIdle(now, idleNanos)) {
                    it.remove();
                    idle.add(tunnel);
                }
            }
        }
        for (DetourTunnel tunnel : idle) {
            LOG.debug("{}: idle, closing", tunnel);
            tunnel.close();
        }
    }

    /** Closes every tunnel and the reaper thread. Idempotent. */
    @Override
    public void close() {
        List<DetourTunnel> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(tunnels.values());
            tunnels.clear();
        }
        reaper.shutdownNow();
        try {
            reaper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(DetourTunnel::close);
    }
}
