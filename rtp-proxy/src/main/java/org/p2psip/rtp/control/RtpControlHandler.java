package org.p2psip.rtp.control;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.common.HostPort;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.PortShutdownAnswer;
import org.p2psip.control.message.RtpAllocate;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpConnectAnswer;
import org.p2psip.control.message.RtpLeg;
import org.p2psip.control.message.RtpLegChange;
import org.p2psip.control.message.RtpPortStatus;
import org.p2psip.control.message.RtpRelease;
import org.p2psip.control.message.RtpReleaseAnswer;
import org.p2psip.control.message.RtpSessionStats;
import org.p2psip.control.message.RtpStats;
import org.p2psip.control.message.RtpStatsAnswer;
import org.p2psip.control.message.RtpStatsPage;
import org.p2psip.control.message.RtpUpdate;
import org.p2psip.rtp.relay.LegMode;
import org.p2psip.rtp.relay.LegSettings;
import org.p2psip.rtp.relay.PortStatus;
import org.p2psip.rtp.relay.RelayEngine;
import org.p2psip.rtp.relay.Role;
import org.p2psip.rtp.relay.SessionSnapshot;
import org.p2psip.rtp.relay.Transport;

/**
 * Interface 1 of Figure 2 on the RTP-Port side: turns control requests into relay operations. The
 * messages and their fields are the typed ones of {@code org.p2psip.control.message}
 * ({@link RtpAllocate}, {@link RtpConnect}, {@link RtpUpdate}, {@link RtpStats}, {@link RtpRelease},
 * {@code port.status}, {@code port.shutdown}).
 */
public final class RtpControlHandler implements ControlHandler {
    private final RelayEngine engine;
    private final InetAddress bindAddress;
    private final InetAddress advertised;
    private final String name;
    private final Runnable shutdown;
    /** Budget for one all-sessions rtp.stats answer, below the control frame limit (64 KiB). */
    static final int PAGE_BYTES = 56 * 1024;
    static final int MAX_SESSIONS_PER_PAGE = 500;
    /** The overlay transports this port offers (port.status). */
    static final String TRANSPORTS = "udp,tcp";

    /**
     * @param shutdown what port.shutdown does, after the answer is sent (it must not block the handler)
     */
    public RtpControlHandler(RelayEngine engine, InetAddress bindAddress, InetAddress advertised, String name, Runnable shutdown) {
        this.engine = engine;
        this.bindAddress = bindAddress;
        this.advertised = advertised;
        this.name = name;
        this.shutdown = shutdown;
    }

    /**
     * Every request is answered on the control connection's reader: each is a short operation on this
     * process's relay engine (a hand-off to a relay worker's loop at most, bounded by its timeout),
     * none waits for another host.
     */
    @Override
    public boolean answersAtOnce(ControlMessage request) {
        return true;
    }

    @Override
    public ControlMessage onRequest(ControlConnection conn, ControlMessage m) throws ControlException {
        switch (m.type()) {
            case MessageTypes.RTP_ALLOCATE:
                return allocate(m);
            case MessageTypes.RTP_CONNECT:
                return connect(m, RtpConnect.from(m), true);
            case MessageTypes.RTP_UPDATE:
                return connect(m, RtpUpdate.from(m), false);
            case MessageTypes.RTP_STATS:
                return stats(m);
            case MessageTypes.RTP_RELEASE: {
                RtpRelease release = RtpRelease.from(m);
                engine.release(release.session());
                return new RtpReleaseAnswer(release.session(), true).answer(m);
            }
            case MessageTypes.PORT_STATUS:
                return status(m);
            case MessageTypes.PORT_SHUTDOWN:
                Thread t = new Thread(shutdown, "rtp-port-shutdown");
                t.setDaemon(false);
                // answer first, then stop: the stop closes this very connection (a CI run lost the answer)
                java.util.concurrent.CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(t::start);
                return PortShutdownAnswer.stopping().answer(m);
            default:
                throw new ControlException(ErrorCode.UNKNOWN_TYPE, "the RTP-Port does not handle " + m.type());
        }
    }

    private ControlMessage allocate(ControlMessage m) throws ControlException {
        RtpAllocate a = RtpAllocate.from(m);
        Role role = Role.parse(a.roleOrDefault());
        if (a.transport() != null) {
            Transport.parse(a.transport());
        }
        Map<String, Transport> transports = new HashMap<>();
        for (String leg : role.overlayLegs()) {
            transports.put(leg, Transport.parse(a.transportOf(leg)));
        }
        SessionSnapshot s = engine.allocate(a.session(), role, transports, a.idleTimeout());
        return new RtpAllocateAnswer(s.id(), s.role().wireName(), advertised.getHostAddress(), legs(s, RtpStats.all())).answer(m);
    }

    private ControlMessage connect(ControlMessage m, RtpLegChange c, boolean initial) throws ControlException {
        LegMode mode = c.mode() == null ? null : LegMode.parse(c.mode());
        Endpoint r = c.remote() == null ? null : parseRemote(Fields.REMOTE, c.remote());
        Endpoint rtcp = c.remoteRtcp() == null ? null : parseRemote(Fields.REMOTE_RTCP, c.remoteRtcp());
        if (rtcp != null && (rtcp.host == null || rtcp.port == 0)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, Fields.REMOTE_RTCP + " must be HOST:PORT, not '" + c.remoteRtcp() + "'");
        }
        if (mode == LegMode.ACTIVE && r != null && (r.host == null || r.port == 0)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "an active leg needs remote=HOST:PORT, not '" + c.remote() + "'");
        }
        Long keepaliveMs = c.keepalive() == null ? null : c.keepalive().toMillis();
        LegSettings s = new LegSettings(mode, r != null, r == null ? null : r.host, r == null ? 0 : r.port,
                rtcp == null ? null : rtcp.host, rtcp == null ? 0 : rtcp.port, keepaliveMs, c.clockRate(), c.relatch());
        SessionSnapshot.LegSnapshot l = engine.connect(c.session(), c.leg(), s, initial);
        return RtpConnectAnswer.of(c.session(), c.leg(), l.fields()).answer(m);
    }

    private ControlMessage stats(ControlMessage m) throws ControlException {
        RtpStats q = RtpStats.from(m);
        if (q.oneSession()) {
            SessionSnapshot s = engine.stats(q.session());
            return new RtpStatsAnswer(sessionStats(s, q.session(), q)).answer(m);
        }
        // Every session's fields would not fit a control frame (64 KiB) with hundreds of sessions:
        // answer as many as fit, in id order, and say where to continue (field 'after').
        List<SessionSnapshot> page = engine.statsAll(q.after(), MAX_SESSIONS_PER_PAGE + 1);
        List<RtpSessionStats> fitting = new ArrayList<>();
        int size = 200 + m.type().length();
        for (SessionSnapshot s : page) {
            RtpSessionStats stats = sessionStats(s, s.id(), q);
            int sessionSize = RtpStatsPage.sizeOf(stats);
            if (fitting.size() == MAX_SESSIONS_PER_PAGE || (size + sessionSize > PAGE_BYTES && !fitting.isEmpty())) {
                break;
            }
            size += sessionSize;
            fitting.add(stats);
        }
        return RtpStatsPage.of(fitting, fitting.size() < page.size()).answer(m);
    }

    private static RtpSessionStats sessionStats(SessionSnapshot s, String id, RtpStats q) {
        return new RtpSessionStats(id, s.role().wireName(), s.ageMillis(), s.idleMillis(), legs(s, q));
    }

    /** The session's legs with the fields {@code q} asks for (all of them unless it names counters). */
    private static List<RtpLeg> legs(SessionSnapshot s, RtpStats q) {
        List<RtpLeg> legs = new ArrayList<>(s.legs().size());
        for (SessionSnapshot.LegSnapshot l : s.legs()) {
            Map<String, String> fields = l.fields();
            if (q.counters() != null) {
                fields = new LinkedHashMap<>();
                for (Map.Entry<String, String> f : l.fields().entrySet()) {
                    if (q.wants(f.getKey())) {
                        fields.put(f.getKey(), f.getValue());
                    }
                }
            }
            legs.add(new RtpLeg(l.name(), fields));
        }
        return legs;
    }

    private ControlMessage status(ControlMessage m) throws ControlException {
        PortStatus st = engine.status();
        return new RtpPortStatus(name, st.address().getHostAddress(), st.sessions(), st.relaySessions(), st.endpointSessions(),
                st.portLow(), st.portHigh(), st.portsFree(), st.maxSessions(), st.capacity(), true, TRANSPORTS, st.workers(),
                st.forwarded(), st.drops(), st.wakeups()).answer(m);
    }

    /** A parsed remote: host null means any; port 0 means unknown. */
    private static final class Endpoint {
        final InetAddress host;
        final int port;

        Endpoint(InetAddress host, int port) {
            this.host = host;
            this.port = port;
        }
    }

    /**
     * {@code HOST:PORT} or {@code [V6]:PORT} (parsed by {@link HostPort}), or a host alone: a name,
     * an IPv4 literal, an IPv6 literal with or without brackets, or {@code any}/{@code *}; port 0
     * when none is given.
     */
    private Endpoint parseRemote(String field, String text) throws ControlException {
        String t = text.trim();
        String host;
        int p;
        if (t.startsWith("[") && t.endsWith("]")) {
            host = t.substring(1, t.length() - 1); // [V6] without a port
            p = 0;
        } else if (!t.startsWith("[") && t.chars().filter(ch -> ch == ':').count() != 1) {
            host = t; // a host alone, or a bare IPv6 literal
            p = 0;
        } else {
            try {
                HostPort hp = HostPort.parse(t);
                host = hp.host();
                p = hp.port();
            } catch (IllegalArgumentException e) {
                throw bad(field, text);
            }
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("any") || h.equals("*")) {
            return new Endpoint(null, p);
        }
        if (host.isEmpty()) {
            throw bad(field, text);
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ControlException(ErrorCode.BAD_REQUEST, field + ": unknown host '" + host + "'");
        }
        if (bindAddress instanceof Inet4Address && !(a instanceof Inet4Address)) {
            throw new ControlException(ErrorCode.UNSUPPORTED, field + " " + text + " is IPv6 but this RTP-Port's media sockets are IPv4 ("
                    + bindAddress.getHostAddress() + ")");
        }
        return new Endpoint(a, p);
    }

    private static ControlException bad(String field, String text) {
        return new ControlException(ErrorCode.BAD_REQUEST, field + " must be HOST:PORT, [IPV6]:PORT, HOST or any, not '" + text + "'");
    }
}
