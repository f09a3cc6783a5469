package org.p2psip.rtp.relay;

import org.p2psip.control.message.Fields;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * An overlay leg over UDP: one port carrying RTP and RTCP together (told apart as RFC 5761 does).
 * An active leg sends a {@link Keepalive} whenever it has sent nothing for the keepalive interval
 * (and once at connect), so that a NAT in front of it keeps its binding and a passive far end can
 * latch before any media flows.
 */
final class UdpOverlayLeg extends UdpLeg {
    final UdpFlow flow;
    private final ByteBuffer keepalive = ByteBuffer.allocateDirect(Keepalive.LENGTH);
    private int keepaliveCounter;

    UdpOverlayLeg(RelayEngine engine, String name, DatagramChannel channel, int port) {
        super(engine, name);
        this.flow = new UdpFlow(this, channel, port, false);
    }

    @Override
    void attach() throws IOException {
        session.worker.register(flow.channel, SelectionKey.OP_READ, flow);
    }

    @Override
    void configure(LegSettings s, boolean initial) throws ControlException {
        LegMode m = s.mode() != null ? s.mode() : mode;
        if (m == null) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "leg " + name + " needs mode=active|passive");
        }
        if (initial || s.remoteSet() || s.mode() != null) {
            java.net.InetAddress host = s.remoteSet() ? s.host() : remoteHost;
            int port = s.remoteSet() ? s.port() : remotePort;
            if (m == LegMode.ACTIVE && (host == null || port <= 0)) {
                throw new ControlException(ErrorCode.BAD_REQUEST, "an active udp leg needs remote=HOST:PORT");
            }
            mode = m;
            remoteHost = host;
            remotePort = port;
            expectedHost = host;
            flow.configure(m, host, port);
        }
        if (s.relatch()) {
            flow.relatch();
        }
        applyCommon(s);
        if (mode == LegMode.ACTIVE && keepaliveNanos > 0) {
            sendKeepalive(System.nanoTime());
        }
    }

    @Override
    void send(ByteBuffer b, boolean rtcp, long now) {
        sendVia(flow, b, rtcp, now);
    }

    @Override
    void tick(long now) {
        if (mode == LegMode.ACTIVE && keepaliveNanos > 0 && now - lastSent >= keepaliveNanos) {
            sendKeepalive(now);
        }
    }

    private void sendKeepalive(long now) {
        InetSocketAddress t = flow.target;
        if (t == null) {
            return;
        }
        try {
            if (flow.channel.send(Keepalive.write(keepalive, ++keepaliveCounter), t) > 0) {
                stats.keepalivesOut++;
            }
        } catch (IOException e) {
            // counted as nothing: the next keepalive tries again
        }
        lastSent = now;
    }

    @Override
    void close() {
        flow.close();
    }

    @Override
    int[] reservedPorts() {
        return new int[] {flow.port, 1};
    }

    @Override
    void describePorts(Map<String, String> out) {
        out.put(Fields.PORT, Integer.toString(flow.port));
    }

    @Override
    String state() {
        if (mode == null) {
            return "allocated";
        }
        return flow.latched ? (mode == LegMode.ACTIVE ? "connected" : "latched") : "waiting";
    }

    @Override
    InetSocketAddress remote() {
        return flow.target;
    }
}
