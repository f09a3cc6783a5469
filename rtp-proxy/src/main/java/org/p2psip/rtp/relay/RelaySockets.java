package org.p2psip.rtp.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The RTP-Port's sockets, all on its bind address and non-blocking: UDP legs, the listener of a
 * passive TCP overlay leg, the connection of an active one. A socket that cannot be set up is
 * closed again before the error is passed on.
 */
final class RelaySockets {
    private final InetAddress bindAddress;
    private final ProtocolFamily family;

    RelaySockets(InetAddress bindAddress) {
        this.bindAddress = bindAddress;
        this.family = bindAddress instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    DatagramChannel openUdp(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            ch.bind(new InetSocketAddress(bindAddress, port));
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    ServerSocketChannel openTcpListener(int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(family);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(bindAddress, port), 16);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    SocketChannel openTcpClient() throws IOException {
        SocketChannel ch = SocketChannel.open(family);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.bind(new InetSocketAddress(bindAddress, 0));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }
}
