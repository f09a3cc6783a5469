package org.p2psip.rtp;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** A test's UDP endpoint (a phone's RTP socket, a stranger, a fake far end): blocking, with a receive timeout. */
public final class UdpPeer implements Closeable {
    public final DatagramSocket socket;

    public UdpPeer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    public UdpPeer(InetAddress bind) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        socket.setSoTimeout(5000);
        socket.setReceiveBufferSize(1 << 20);
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    public void send(byte[] data, int port) throws IOException {
        socket.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), port));
    }

    public void send(byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    /** The next datagram, or null after {@code timeoutMs}. */
    public Received receive(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new Received(Arrays.copyOf(buf, p.getLength()), (InetSocketAddress) p.getSocketAddress());
    }

    @Override
    public void close() {
        socket.close();
    }

    /** A datagram and where it came from. */
    public record Received(byte[] data, InetSocketAddress from) {
    }
}
