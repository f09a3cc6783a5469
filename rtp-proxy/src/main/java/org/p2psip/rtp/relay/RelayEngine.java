package org.p2psip.rtp.relay;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.Fields;
import org.p2psip.rtp.config.RtpPortConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet relay itself: sessions, their legs, the worker threads that forward, and the port
 * pool. Control-side methods ({@link #allocate}, {@link #connect}, {@link #stats},
 * {@link #release}, {@link #status}) may be called from any thread; they hand the work to the
 * session's worker and wait for it.
 */
public final class RelayEngine implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);
    /** Session ids the OM may choose: no ':' (it separates session and field in rtp.stats answers). */
    public static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");

    private final RtpPortConfig config;
    private final RelayListener listener;
    private final PortPool pool;
    private final Worker[] workers;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final RelaySockets sockets;
    private volatile boolean closed;

    public RelayEngine(RtpPortConfig config, RelayListener listener) throws IOException {
        this.config = config;
        this.listener = listener;
        this.pool = new PortPool(config.bindAddress(), config.portLow(), config.portHigh());
        this.sockets = new RelaySockets(config.bindAddress());
        this.workers = new Worker[config.workers()];
        try {
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, "rtp-relay-" + config.name() + "-" + i);
            }
        } catch (IOException e) {
            throw new IOException("cannot open a selector for the RTP relay: " + e.getMessage(), e);
        }
    }

    public void start() {
        for (Worker w : workers) {
            w.start();
        }
        log.info("RTP relay {} forwarding on {} ports {}-{} with {} worker thread(s)", config.name(),
                config.bindAddress().getHostAddress(), config.portLow(), config.portHigh(), workers.length);
    }

    // ---- control side -----------------------------------------------------------------------------

    /**
     * Allocates session {@code id} with the legs of {@code role}; {@code transports} gives the
     * transport of each overlay leg. Allocating an id again with the same role and transports
     * answers the existing session (the OM may retry).
     */
    public synchronized SessionSnapshot allocate(String id, Role role, Map<String, Transport> transports, Duration idleTimeout)
            throws ControlException {
        checkOpen();
        checkId(id);
        Session existing = sessions.get(id);
        if (existing != null) {
            for (String leg : role.overlayLegs()) {
                Leg l = existing.legs.get(leg);
                if (existing.role != role || l == null || l.transport != transports.get(leg)) {
                    throw new ControlException(ErrorCode.BAD_REQUEST, "session " + id + " already exists as a "
                            + existing.role.wireName() + " session with other legs; release it first");
                }
            }
            return describe(existing);
        }
        if (sessions.size() >= config.maxSessions()) {
            throw new ControlException(ErrorCode.RESOURCE_EXHAUSTED, "this RTP-Port already has " + sessions.size()
                    + " sessions, its limit (--max-sessions)");
        }
        Map<String, Leg> legs = new LinkedHashMap<>();
        try {
            for (String name : role.legs()) {
                legs.put(name, openLeg(name, transports.getOrDefault(name, Transport.UDP)));
            }
        } catch (ControlException e) {
            for (Leg l : legs.values()) {
                l.close();
                int[] p = l.reservedPorts();
                pool.release(p[0], p[1]);
            }
            throw e;
        }
        List<Leg> list = new ArrayList<>(legs.values());
        if (role == Role.ENDPOINT) {
            legs.get(Role.UA).peer = legs.get(Role.OVERLAY);
            legs.get(Role.OVERLAY).peer = legs.get(Role.UA);
        } else {
            list.get(0).peer = list.get(1);
            list.get(1).peer = list.get(0);
        }
        Worker w = pickWorker();
        long idle = (idleTimeout != null ? idleTimeout : config.idleTimeout()).toNanos();
        Session s = new Session(id, role, w, legs, idle);
        for (Leg l : list) {
            l.session = s;
        }
        try {
            w.call(() -> {
                for (Leg l : list) {
                    l.attach();
                }
                w.sessions.add(s);
                return null;
            });
        } catch (ControlException e) {
            w.call(() -> {
                closeSession(s);
                return null;
            });
            throw e;
        }
        sessions.put(id, s);
        log.debug("allocated {} session {}", role.wireName(), id);
        return describe(s);
    }

    private Leg openLeg(String name, Transport t) throws ControlException {
        if (Role.UA.equals(name)) {
            return pool.allocate(2, "the ua leg", p -> {
                DatagramChannel a = sockets.openUdp(p);
                try {
                    return new UaLeg(this, a, sockets.openUdp(p + 1), p);
                } catch (IOException e) {
                    a.close();
                    throw e;
                }
            });
        }
        if (t == Transport.TCP) {
            return pool.allocate(1, "tcp leg " + name, p -> new TcpOverlayLeg(this, name, sockets.openTcpListener(p), p));
        }
        return pool.allocate(1, "udp leg " + name, p -> new UdpOverlayLeg(this, name, sockets.openUdp(p), p));
    }

    private Worker pickWorker() {
        Worker best = workers[Math.floorMod(nextWorker.getAndIncrement(), workers.length)];
        for (Worker w : workers) {
            if (w.sessionCount() < best.sessionCount()) {
                best = w;
            }
        }
        return best;
    }

    /** Applies rtp.connect ({@code initial}) or rtp.update to leg {@code leg} of session {@code id}. */
    public SessionSnapshot.LegSnapshot connect(String id, String leg, LegSettings settings, boolean initial)
            throws ControlException {
        Session s = session(id);
        Leg l = s.legs.get(leg);
        if (l == null) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "session " + id + " has no leg '" + leg + "' (its legs: "
                    + String.join(", ", s.legs.keySet()) + ")");
        }
        if (initial && l.mode != null && settings.mode() == null) {
            // a repeated connect without a mode keeps the mode it had
            initial = false;
        }
        boolean first = initial;
        return s.worker.call(() -> {
            if (s.isClosed()) {
                throw new ControlException(ErrorCode.NOT_FOUND, "session " + id + " was released");
            }
            l.configure(settings, first);
            s.lastActivity = System.nanoTime();
            Map<String, String> f = new LinkedHashMap<>();
            l.snapshot(f);
            return new SessionSnapshot.LegSnapshot(leg, f);
        });
    }

    /** Statistics of session {@code id}. */
    public SessionSnapshot stats(String id) throws ControlException {
        Session s = session(id);
        return s.worker.call(() -> {
            if (s.isClosed()) {
                throw new ControlException(ErrorCode.NOT_FOUND, "session " + id + " was released");
            }
            return snapshot(s, System.nanoTime());
        });
    }

    /** Statistics of the sessions whose id sorts after {@code after} (null: all), ordered by id, at most {@code max}. */
    public List<SessionSnapshot> statsAll(String after, int max) throws ControlException {
        checkOpen();
        List<SessionSnapshot> out = new ArrayList<>();
        for (Worker w : workers) {
            out.addAll(w.call(() -> {
                long now = System.nanoTime();
                List<Session> mine = new ArrayList<>();
                for (Session s : w.sessions) {
                    if (after == null || s.id.compareTo(after) > 0) {
                        mine.add(s);
                    }
                }
                mine.sort((a, b) -> a.id.compareTo(b.id));
                List<SessionSnapshot> l = new ArrayList<>();
                for (int i = 0; i < mine.size() && i < max; i++) {
                    l.add(snapshot(mine.get(i), now));
                }
                return l;
            }));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out.size() > max ? new ArrayList<>(out.subList(0, max)) : out;
    }

    /** Releases session {@code id}: its sockets are closed and its ports free when this returns. */
    public void release(String id) throws ControlException {
        checkOpen();
        checkId(id);
        Session s = sessions.remove(id);
        if (s == null) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no session " + id);
        }
        s.worker.call(() -> {
            closeSession(s);
            return null;
        });
        log.debug("released session {}", id);
    }

    public PortStatus status() throws ControlException {
        checkOpen();
        long forwarded = 0;
        long drops = 0;
        long wakeups = 0;
        for (Worker w : workers) {
            long[] t = w.call(() -> {
                long d = 0;
                for (Session s : w.sessions) {
                    for (Leg l : s.legs.values()) {
                        d += l.stats.drops();
                    }
                }
                return new long[] {w.forwarded, d, w.wakeups};
            });
            forwarded += t[0];
            drops += t[1];
            wakeups += t[2];
        }
        int relays = 0;
        int endpoints = 0;
        for (Session s : sessions.values()) {
            if (s.role == Role.RELAY) {
                relays++;
            } else {
                endpoints++;
            }
        }
        int n = relays + endpoints;
        int free = pool.free();
        int capacity = Math.max(0, Math.min(config.maxSessions() - n, free / 2));
        return new PortStatus(config.advertisedAddress(), n, relays, endpoints, pool.low(), pool.high(), free,
                config.maxSessions(), capacity, workers.length, forwarded, drops, wakeups);
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Stops every worker; every socket is closed and every port free when this returns. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Worker w : workers) {
            w.stop();
        }
        for (Session s : sessions.values()) {
            for (int[] p : s.ports()) {
                pool.release(p[0], p[1]);
            }
        }
        sessions.clear();
        log.info("RTP relay {} stopped", config.name());
    }

    // ---- worker side ------------------------------------------------------------------------------

    /** Worker thread: closes the session's sockets, makes the kernel forget them, frees the ports. */
    private void closeSession(Session s) {
        s.worker.sessions.remove(s);
        s.closeLegs();
        s.worker.flushClosed();
        for (int[] p : s.ports()) {
            pool.release(p[0], p[1]);
        }
    }

    void releaseIdle(Session s) {
        if (!sessions.remove(s.id, s)) {
            return;
        }
        closeSession(s);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(s.idleTimeoutNanos);
        log.info("released session {}: no packets for {} s", s.id, seconds);
        listener.sessionReleased(s.id, "idle: no packets for " + seconds + " s");
    }

    void legFailed(Session s, Leg l, String reason) {
        log.info("session {} leg {}: {}", s.id, l.name, reason);
        listener.legFailed(s.id, l.name, reason);
    }

    long defaultKeepaliveNanos() {
        return config.keepaliveInterval().toNanos();
    }

    long tcpConnectTimeoutNanos() {
        return config.tcpConnectTimeout().toNanos();
    }

    int tcpQueueBytes() {
        return config.tcpQueueBytes();
    }

    /** Opens this relay's sockets on its bind address. */
    RelaySockets sockets() {
        return sockets;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Session session(String id) throws ControlException {
        checkOpen();
        checkId(id);
        Session s = sessions.get(id);
        if (s == null) {
            throw new ControlException(ErrorCode.NOT_FOUND, "no session " + id);
        }
        return s;
    }

    private void checkOpen() throws ControlException {
        if (closed) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "RTP-Port is shutting down");
        }
    }

    private static void checkId(String id) throws ControlException {
        if (id == null || !SESSION_ID.matcher(id).matches()) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "session id must be 1-128 characters of A-Z a-z 0-9 . _ @ + -, not '"
                    + id + "'");
        }
    }

    private SessionSnapshot describe(Session s) throws ControlException {
        return s.worker.call(() -> {
            List<SessionSnapshot.LegSnapshot> legs = new ArrayList<>();
            for (Leg l : s.legs.values()) {
                Map<String, String> f = new LinkedHashMap<>();
                f.put(Fields.TRANSPORT, l.transport.wireName());
                l.describePorts(f);
                legs.add(new SessionSnapshot.LegSnapshot(l.name, f));
            }
            return new SessionSnapshot(s.id, s.role, 0, 0, legs);
        });
    }

    private static SessionSnapshot snapshot(Session s, long now) {
        List<SessionSnapshot.LegSnapshot> legs = new ArrayList<>();
        for (Leg l : s.legs.values()) {
            Map<String, String> f = new LinkedHashMap<>();
            l.snapshot(f);
            legs.add(new SessionSnapshot.LegSnapshot(l.name, f));
        }
        return new SessionSnapshot(s.id, s.role, (now - s.createdNanos) / 1_000_000L, (now - s.lastActivity) / 1_000_000L, legs);
    }
}
