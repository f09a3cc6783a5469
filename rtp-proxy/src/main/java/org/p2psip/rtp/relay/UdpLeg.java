package org.p2psip.rtp.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A leg made of UDP sockets: the receive loop with latching, and sending. */
abstract class UdpLeg extends Leg {
    /** Packets read from one socket per readiness event before the worker looks at other sockets. */
    static final int BATCH = 64;

    UdpLeg(RelayEngine engine, String name) {
        super(engine, name, Transport.UDP);
    }

    /** Reads what {@code f}'s socket has: strangers and garbage are counted and dropped, the rest delivered. */
    final void drain(UdpFlow f) {
        ByteBuffer b = session.worker.buffer;
        DatagramChannel ch = f.channel;
        for (int i = 0; i < BATCH; i++) {
            b.clear();
            SocketAddress sa;
            try {
                sa = ch.receive(b);
            } catch (IOException e) {
                return;
            }
            if (sa == null) {
                return;
            }
            b.flip();
            long now = System.nanoTime();
            InetSocketAddress src = (InetSocketAddress) sa;
            if (!f.accepts(src)) {
                stats.droppedStranger++;
                continue;
            }
            int kind = Packets.classify(b);
            if (kind == Packets.INVALID || (f.rtcpOnly && kind == Packets.RTP)) {
                stats.droppedMalformed++;
                continue;
            }
            if (!f.latched) {
                f.latch(src);
            }
            deliver(b, kind, now);
        }
    }

    final void sendVia(UdpFlow f, ByteBuffer b, boolean rtcp, long now) {
        InetSocketAddress t = f.target;
        if (t == null) {
            stats.droppedUnrouted++;
            return;
        }
        int len = b.remaining();
        int n;
        try {
            n = f.channel.send(b, t);
        } catch (IOException e) {
            stats.droppedUnrouted++;
            return;
        }
        if (n == 0) {
            stats.droppedOverflow++;
            return;
        }
        countSent(len, rtcp, now);
    }
}
