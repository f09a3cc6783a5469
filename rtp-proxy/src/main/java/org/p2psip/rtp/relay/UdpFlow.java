package org.p2psip.rtp.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * One UDP socket of a leg with its symmetric latching state: where packets go ({@link #target})
 * and which sources are accepted. Active: exactly the target. Passive: the first valid packet
 * from the expected host (any port; any host if none was given) fixes the target.
 */
final class UdpFlow implements IoHandler {
    final UdpLeg leg;
    final DatagramChannel channel;
    final int port;
    /** Only RTCP is valid here (the UA leg's odd port). */
    final boolean rtcpOnly;
    InetSocketAddress target;
    InetAddress expectedHost;
    LegMode mode;
    boolean latched;

    UdpFlow(UdpLeg leg, DatagramChannel channel, int port, boolean rtcpOnly) {
        this.leg = leg;
        this.channel = channel;
        this.port = port;
        this.rtcpOnly = rtcpOnly;
    }

    @Override
    public void onReady(SelectionKey key) {
        leg.drain(this);
    }

    /** Whether a packet from {@code src} is accepted (does not latch). */
    boolean accepts(InetSocketAddress src) {
        if (latched) {
            return src == target || src.equals(target);
        }
        if (mode != LegMode.PASSIVE) {
            return false;
        }
        return expectedHost == null || expectedHost.equals(src.getAddress());
    }

    void latch(InetSocketAddress src) {
        target = src;
        latched = true;
    }

    /** Sets mode and remote; {@code port} 0 means unknown until latched. */
    void configure(LegMode m, InetAddress host, int p) {
        mode = m;
        if (m == LegMode.ACTIVE) {
            expectedHost = host;
            target = new InetSocketAddress(host, p);
            latched = true;
        } else {
            expectedHost = host;
            target = host != null && p > 0 ? new InetSocketAddress(host, p) : null;
            latched = false;
        }
    }

    void relatch() {
        if (mode == LegMode.PASSIVE) {
            latched = false;
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do with a socket that fails to close
        }
    }
}
