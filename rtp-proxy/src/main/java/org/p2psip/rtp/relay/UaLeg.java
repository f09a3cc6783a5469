package org.p2psip.rtp.relay;

import org.p2psip.control.message.Fields;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * The leg facing the local phone (RTP1 or RTP2): an even RTP port and the odd RTCP port above it,
 * each latching on its own. The phone's SDP address is where media goes until the phone's own
 * packets show its real source (symmetric RTP).
 */
final class UaLeg extends UdpLeg {
    final UdpFlow rtp;
    final UdpFlow rtcp;
    private InetAddress rtcpHost;
    private int rtcpPort;

    UaLeg(RelayEngine engine, DatagramChannel rtpChannel, DatagramChannel rtcpChannel, int rtpPort) {
        super(engine, Role.UA);
        this.rtp = new UdpFlow(this, rtpChannel, rtpPort, false);
        this.rtcp = new UdpFlow(this, rtcpChannel, rtpPort + 1, true);
    }

    @Override
    void attach() throws IOException {
        session.worker.register(rtp.channel, SelectionKey.OP_READ, rtp);
        session.worker.register(rtcp.channel, SelectionKey.OP_READ, rtcp);
    }

    @Override
    void configure(LegSettings s, boolean initial) throws ControlException {
        boolean addressing = initial || s.mode() != null || s.remoteSet() || s.rtcpHost() != null || s.rtcpPort() > 0;
        if (addressing) {
            LegMode m = s.mode() != null ? s.mode() : (mode != null ? mode : LegMode.PASSIVE);
            InetAddress host = s.remoteSet() ? s.host() : remoteHost;
            int port = s.remoteSet() ? s.port() : remotePort;
            InetAddress rHost = s.rtcpHost() != null ? s.rtcpHost() : (s.remoteSet() ? null : rtcpHost);
            int rPort = s.rtcpPort() > 0 ? s.rtcpPort() : (s.remoteSet() ? 0 : rtcpPort);
            int effectiveRtcpPort = rPort > 0 ? rPort : (port > 0 ? port + 1 : 0);
            InetAddress effectiveRtcpHost = rHost != null ? rHost : host;
            if (m == LegMode.ACTIVE && (host == null || port <= 0)) {
                throw new ControlException(ErrorCode.BAD_REQUEST, "an active ua leg needs remote=HOST:PORT");
            }
            mode = m;
            remoteHost = host;
            remotePort = port;
            rtcpHost = rHost;
            rtcpPort = rPort;
            expectedHost = host;
            rtp.configure(m, host, port);
            rtcp.configure(m, effectiveRtcpHost, effectiveRtcpPort);
        }
        if (s.relatch()) {
            rtp.relatch();
            rtcp.relatch();
        }
        applyCommon(s);
    }

    @Override
    void send(ByteBuffer b, boolean isRtcp, long now) {
        sendVia(isRtcp ? rtcp : rtp, b, isRtcp, now);
    }

    @Override
    void close() {
        rtp.close();
        rtcp.close();
    }

    @Override
    int[] reservedPorts() {
        return new int[] {rtp.port, 2};
    }

    @Override
    void describePorts(Map<String, String> out) {
        out.put(Fields.RTP, Integer.toString(rtp.port));
        out.put(Fields.RTCP, Integer.toString(rtcp.port));
    }

    @Override
    String state() {
        if (mode == null) {
            return "allocated";
        }
        return rtp.latched ? (mode == LegMode.ACTIVE ? "connected" : "latched") : "waiting";
    }

    @Override
    InetSocketAddress remote() {
        return rtp.target;
    }

    @Override
    void snapshot(Map<String, String> out) {
        super.snapshot(out);
        out.put(Fields.REMOTE_RTCP, rtcp.target == null ? "-" : hostPort(rtcp.target));
        out.put(Fields.RTCP_LATCHED, Boolean.toString(rtcp.latched));
    }
}
