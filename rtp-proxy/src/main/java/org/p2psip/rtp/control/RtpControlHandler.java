package org.p2psip.rtp.control;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.rtp.relay.LegMode;
import org.p2psip.rtp.relay.LegSettings;
import org.p2psip.rtp.relay.PortStatus;
import org.p2psip.rtp.relay.RelayEngine;
import org.p2psip.rtp.relay.Role;
import org.p2psip.rtp.relay.SessionSnapshot;
import org.p2psip.rtp.relay.Transport;

/** Interface 1 of Figure 2 on the RTP-Port side: turns control requests into relay operations. */
public final class RtpControlHandler implements ControlHandler {
    private final RelayEngine engine;
    private final InetAddress bindAddress;
    private final InetAddress advertised;
    private final String name;
    private final Runnable shutdown;
    /** Budget for one all-sessions rtp.stats answer, below the control frame limit (64 KiB). */
    static final int PAGE_BYTES = 56 * 1024;
    static final int MAX_SESSIONS_PER_PAGE = 500;

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

    @Override
    public ControlMessage onRequest(ControlConnection conn, ControlMessage m) throws ControlException {
        switch (m.type()) {
            case MessageTypes.RTP_ALLOCATE:
                return allocate(m);
            case MessageTypes.RTP_CONNECT:
                return connect(m, true);
            case MessageTypes.RTP_UPDATE:
                return connect(m, false);
            case MessageTypes.RTP_STATS:
                return stats(m);
            case MessageTypes.RTP_RELEASE:
                engine.release(m.require(RtpFields.SESSION));
                return ControlMessage.responseTo(m).with(RtpFields.SESSION, m.get(RtpFields.SESSION)).with(RtpFields.RELEASED, true);
            case MessageTypes.PORT_STATUS:
                return status(m);
            case MessageTypes.PORT_SHUTDOWN:
                Thread t = new Thread(shutdown, "rtp-port-shutdown");
                t.setDaemon(false);
                // answer first, then stop: the stop closes this very connection (a CI run lost the answer)
                java.util.concurrent.CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(t::start);
                return ControlMessage.responseTo(m).with(RtpFields.STATE, "stopping");
            default:
                throw new ControlException(ErrorCode.UNKNOWN_TYPE, "the RTP-Port does not handle " + m.type());
        }
    }

    private ControlMessage allocate(ControlMessage m) throws ControlException {
        String id = m.require(RtpFields.SESSION);
        Role role = Role.parse(m.get(RtpFields.ROLE, "endpoint"));
        Transport all = Transport.parse(m.get(RtpFields.TRANSPORT, "udp"));
        Map<String, Transport> transports = new HashMap<>();
        for (String leg : role.overlayLegs()) {
            String t = m.get(RtpFields.TRANSPORT_PREFIX + leg);
            transports.put(leg, t == null ? all : Transport.parse(t));
        }
        Duration idle = null;
        if (m.get(RtpFields.IDLE_TIMEOUT) != null) {
            idle = seconds(m, RtpFields.IDLE_TIMEOUT, false);
        }
        SessionSnapshot s = engine.allocate(id, role, transports, idle);
        ControlMessage r = ControlMessage.responseTo(m)
                .with(RtpFields.SESSION, s.id())
                .with(RtpFields.ROLE, s.role().wireName())
                .with(RtpFields.ADDRESS, advertised.getHostAddress());
        for (SessionSnapshot.LegSnapshot l : s.legs()) {
            r = r.with(RtpFields.LEG, l.name());
        }
        for (SessionSnapshot.LegSnapshot l : s.legs()) {
            for (Map.Entry<String, String> f : l.fields().entrySet()) {
                r = r.with(l.name() + "." + f.getKey(), f.getValue());
            }
            if (Role.UA.equals(l.name())) {
                r = r.with(RtpFields.RTP, l.fields().get("rtp")).with(RtpFields.RTCP, l.fields().get("rtcp"));
            }
        }
        return r;
    }

    private ControlMessage connect(ControlMessage m, boolean initial) throws ControlException {
        String id = m.require(RtpFields.SESSION);
        String leg = m.require(RtpFields.LEG);
        String modeText = m.get(RtpFields.MODE);
        LegMode mode = modeText == null ? null : LegMode.parse(modeText);
        String remote = m.get(RtpFields.REMOTE);
        if (initial && remote == null) {
            throw new ControlException(ErrorCode.BAD_REQUEST, m.type() + ": missing field 'remote' (HOST:PORT, HOST or any)");
        }
        Endpoint r = remote == null ? null : parseRemote(RtpFields.REMOTE, remote);
        Endpoint rtcp = m.get(RtpFields.REMOTE_RTCP) == null ? null : parseRemote(RtpFields.REMOTE_RTCP, m.get(RtpFields.REMOTE_RTCP));
        if (rtcp != null && (rtcp.host == null || rtcp.port == 0)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "remote_rtcp must be HOST:PORT, not '" + m.get(RtpFields.REMOTE_RTCP) + "'");
        }
        if (mode == LegMode.ACTIVE && r != null && (r.host == null || r.port == 0)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "an active leg needs remote=HOST:PORT, not '" + remote + "'");
        }
        Long keepaliveMs = null;
        if (m.get(RtpFields.KEEPALIVE) != null) {
            keepaliveMs = seconds(m, RtpFields.KEEPALIVE, true).toMillis();
        }
        Integer clockRate = null;
        if (m.get(RtpFields.CLOCK_RATE) != null) {
            int c = m.requireInt(RtpFields.CLOCK_RATE);
            if (c < 1000 || c > 1_000_000) {
                throw new ControlException(ErrorCode.BAD_REQUEST, "clock_rate must be 1000..1000000 Hz, not " + c);
            }
            clockRate = c;
        }
        boolean relatch = parseBoolean(m, RtpFields.RELATCH);
        LegSettings s = new LegSettings(mode, r != null, r == null ? null : r.host, r == null ? 0 : r.port,
                rtcp == null ? null : rtcp.host, rtcp == null ? 0 : rtcp.port, keepaliveMs, clockRate, relatch);
        SessionSnapshot.LegSnapshot l = engine.connect(id, leg, s, initial);
        ControlMessage answer = ControlMessage.responseTo(m).with(RtpFields.SESSION, id).with(RtpFields.LEG, leg);
        for (Map.Entry<String, String> f : l.fields().entrySet()) {
            if (!f.getKey().startsWith("rtp_") && !f.getKey().startsWith("jitter") && !f.getKey().startsWith("clock")) {
                answer = answer.with(f.getKey(), f.getValue());
            }
        }
        return answer;
    }

    private ControlMessage stats(ControlMessage m) throws ControlException {
        String id = m.get(RtpFields.SESSION);
        ControlMessage r = ControlMessage.responseTo(m);
        if (id != null && !id.isEmpty()) {
            return addSession(r.with(RtpFields.SESSION, id), engine.stats(id), "");
        }
        // Every session's fields would not fit a control frame (64 KiB) with hundreds of sessions:
        // answer as many as fit, in id order, and say where to continue (field 'after').
        String after = m.get(RtpFields.AFTER);
        List<SessionSnapshot> page = engine.statsAll(after == null || after.isEmpty() ? null : after, MAX_SESSIONS_PER_PAGE + 1);
        List<SessionSnapshot> fitting = new ArrayList<>();
        int size = 200 + m.type().length();
        for (SessionSnapshot s : page) {
            int sessionSize = 4 + RtpFields.SESSION.length() + s.id().length()
                    + encodedSize(addSession(ControlMessage.responseTo(m), s, s.id() + ":"));
            if (fitting.size() == MAX_SESSIONS_PER_PAGE || (size + sessionSize > PAGE_BYTES && !fitting.isEmpty())) {
                break;
            }
            size += sessionSize;
            fitting.add(s);
        }
        boolean more = fitting.size() < page.size();
        r = r.with(RtpFields.SESSIONS, fitting.size()).with(RtpFields.MORE, more);
        if (more) {
            r = r.with(RtpFields.NEXT_AFTER, fitting.get(fitting.size() - 1).id());
        }
        for (SessionSnapshot s : fitting) {
            r = r.with(RtpFields.SESSION, s.id());
        }
        for (SessionSnapshot s : fitting) {
            r = addSession(r, s, s.id() + ":");
        }
        return r;
    }

    /** Bytes the fields of {@code m} take in a frame (FrameCodec: u16 length + UTF-8 for key and value). */
    private static int encodedSize(ControlMessage m) {
        int n = 0;
        for (Map.Entry<String, String> f : m.fields()) {
            n += 4 + f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static ControlMessage addSession(ControlMessage r, SessionSnapshot s, String prefix) {
        r = r.with(prefix + RtpFields.ROLE, s.role().wireName())
                .with(prefix + RtpFields.AGE_MS, s.ageMillis())
                .with(prefix + RtpFields.IDLE_MS, s.idleMillis());
        for (SessionSnapshot.LegSnapshot l : s.legs()) {
            r = r.with(prefix + RtpFields.LEG, l.name());
        }
        for (SessionSnapshot.LegSnapshot l : s.legs()) {
            for (Map.Entry<String, String> f : l.fields().entrySet()) {
                r = r.with(prefix + l.name() + "." + f.getKey(), f.getValue());
            }
        }
        return r;
    }

    private ControlMessage status(ControlMessage m) throws ControlException {
        PortStatus st = engine.status();
        return ControlMessage.responseTo(m)
                .with(MessageTypes.F_NAME, name)
                .with(RtpFields.ADDRESS, st.address().getHostAddress())
                .with(RtpFields.SESSIONS, st.sessions())
                .with("relay_sessions", st.relaySessions())
                .with("endpoint_sessions", st.endpointSessions())
                .with("ports", st.portLow() + "-" + st.portHigh())
                .with("ports_free", st.portsFree())
                .with("max_sessions", st.maxSessions())
                .with("capacity", st.capacity())
                .with("relay", true)
                .with("transports", "udp,tcp")
                .with("workers", st.workers())
                .with("packets_forwarded", st.forwarded())
                .with("drops", st.drops())
                .with("wakeups", st.wakeups());
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

    private Endpoint parseRemote(String field, String text) throws ControlException {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) {
                throw bad(field, text);
            }
            host = t.substring(1, end);
            if (end + 1 < t.length()) {
                if (t.charAt(end + 1) != ':') {
                    throw bad(field, text);
                }
                port = t.substring(end + 2);
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') != colon) {
                host = t; // a bare IPv6 literal
            } else if (colon >= 0) {
                host = t.substring(0, colon);
                port = t.substring(colon + 1);
            } else {
                host = t;
            }
        }
        int p = 0;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw bad(field, text);
            }
            if (p < 0 || p > 65535) {
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

    private static Duration seconds(ControlMessage m, String field, boolean zeroOk) throws ControlException {
        String v = m.require(field);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ControlException(ErrorCode.BAD_REQUEST, field + " must be a number of seconds, not '" + v + "'");
        }
        if (Double.isNaN(d) || d < 0 || (!zeroOk && d == 0) || d > 86_400) {
            throw new ControlException(ErrorCode.BAD_REQUEST, field + " out of range: " + v);
        }
        return Duration.ofMillis(Math.round(d * 1000));
    }

    private static boolean parseBoolean(ControlMessage m, String field) throws ControlException {
        String v = m.get(field);
        if (v == null) {
            return false;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
            case "yes":
                return true;
            case "false":
            case "0":
            case "no":
                return false;
            default:
                throw new ControlException(ErrorCode.BAD_REQUEST, field + " must be true or false, not '" + v + "'");
        }
    }
}
