package org.p2psip.om;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ControlServer;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;

/**
 * Control-socket peers for the OM tests: a real {@link ControlServer} on a real Unix-domain socket
 * that answers the RTP-Port messages the way rtp-proxy/README.md specifies them (rtp.allocate with
 * address, legs and leg ports; rtp.connect; rtp.release; port.status), and one that answers the
 * P2PSIP-Port's port.status with its overlay listener. They record what the OM asked.
 */
final class PortStandIns implements AutoCloseable {
    final Path dir;
    final ControlServer rtp;
    final ControlServer sip;
    final Map<String, String> sessions = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger nextPort = new AtomicInteger(40000);
    volatile int maxSessions = 100;
    /** When set, each rtp.connect waits (up to 5 s) until as many as the latch counts have arrived, else fails. */
    volatile java.util.concurrent.CountDownLatch connectsTogether;
    final String overlayListener;

    PortStandIns(String overlayListener) throws IOException {
        this.dir = Files.createTempDirectory("om-ports");
        this.overlayListener = overlayListener;
        this.rtp = ControlServer.listen(dir.resolve("rtp-port.sock"), "rtp-port", "test-rtp", (conn, m) -> rtp(m));
        this.sip = ControlServer.listen(dir.resolve("p2psip-port.sock"), "p2psip-port", "test-sip", (conn, m) -> {
            if (m.type().equals(MessageTypes.PORT_STATUS)) {
                return ControlMessage.responseTo(m).with("overlay.tcp", overlayListener);
            }
            throw new ControlException(ErrorCode.UNKNOWN_TYPE, m.type());
        });
    }

    private ControlMessage rtp(ControlMessage m) throws ControlException {
        log.add(m.type() + " " + m.get("session", "") + (m.get("leg") == null ? "" : " " + m.get("leg") + "->" + m.get("remote")));
        switch (m.type()) {
            case MessageTypes.RTP_ALLOCATE: {
                String id = m.require("session");
                String role = m.get("role", "endpoint");
                String t = m.get("transport", "udp");
                if (!t.equals("udp") && !t.equals("tcp")) {
                    throw new ControlException(ErrorCode.UNSUPPORTED, "transport " + t);
                }
                if (sessions.size() >= maxSessions) {
                    throw new ControlException(ErrorCode.RESOURCE_EXHAUSTED, "no more sessions");
                }
                sessions.put(id, role);
                ControlMessage r = ControlMessage.responseTo(m).with("session", id).with("role", role).with("address", "127.0.0.1");
                if (role.equals("relay")) {
                    return r.with("leg", "a").with("leg", "b").with("a.port", nextPort.getAndIncrement()).with("b.port", nextPort.getAndIncrement());
                }
                int ua = nextPort.getAndAdd(2);
                return r.with("leg", "ua").with("leg", "overlay").with("ua.rtp", ua).with("ua.rtcp", ua + 1)
                        .with("overlay.port", nextPort.getAndIncrement()).with("rtp", ua).with("rtcp", ua + 1);
            }
            case MessageTypes.RTP_CONNECT: {
                String id = m.require("session");
                if (!sessions.containsKey(id)) {
                    throw new ControlException(ErrorCode.NOT_FOUND, "no session " + id);
                }
                m.require("leg");
                m.require("remote");
                java.util.concurrent.CountDownLatch together = connectsTogether;
                if (together != null) {
                    together.countDown();
                    try {
                        if (!together.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new ControlException(ErrorCode.UNAVAILABLE, "rtp.connect of leg " + m.get("leg") + " came alone");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return ControlMessage.responseTo(m).with("session", id).with("leg", m.get("leg"));
            }
            case MessageTypes.RTP_RELEASE: {
                String id = m.require("session");
                if (sessions.remove(id) == null) {
                    throw new ControlException(ErrorCode.NOT_FOUND, "no session " + id);
                }
                return ControlMessage.responseTo(m).with("session", id).with("released", true);
            }
            case MessageTypes.PORT_STATUS:
                return ControlMessage.responseTo(m).with("name", "test-rtp").with("sessions", sessions.size());
            default:
                throw new ControlException(ErrorCode.UNKNOWN_TYPE, m.type());
        }
    }

    long count(String prefix) {
        return log.stream().filter(s -> s.startsWith(prefix)).count();
    }

    @Override
    public void close() {
        rtp.close();
        sip.close();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left for the OS
        }
    }
}
