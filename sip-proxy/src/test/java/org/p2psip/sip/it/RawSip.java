package org.p2psip.sip.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A UDP or TCP socket on loopback that sends hand-written SIP bytes to a P2PSIP-Port and reads what
 * comes back: the tests' way to send malformed messages (and to play a UA behind a NAT) that no
 * well-behaved SIP tool would produce.
 */
public final class RawSip implements AutoCloseable {
    private final DatagramSocket udp;
    private final Socket tcp;
    private final InetSocketAddress to;

    private RawSip(DatagramSocket udp, Socket tcp, InetSocketAddress to) {
        this.udp = udp;
        this.tcp = tcp;
        this.to = to;
    }

    public static RawSip udp(int port) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new RawSip(s, null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public static RawSip tcp(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return new RawSip(null, s, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    public String transport() {
        return udp != null ? "UDP" : "TCP";
    }

    public void send(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, to));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next SIP message received within {@code timeout} (a datagram, or one message read off the
     * stream by its Content-Length), or null if none came (or the connection was closed).
     */
    public String receive(Duration timeout) throws IOException {
        if (udp != null) {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.setSoTimeout((int) timeout.toMillis());
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        }
        tcp.setSoTimeout((int) timeout.toMillis());
        InputStream in = tcp.getInputStream();
        StringBuilder head = new StringBuilder();
        try {
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                if (head.length() == 0 && (c == '\r' || c == '\n')) {
                    continue; // keep-alive CRLFs
                }
                head.append((char) c);
            }
            int len = 0;
            for (String line : head.toString().split("\r\n")) {
                String l = line.toLowerCase();
                if (l.startsWith("content-length:") || l.startsWith("l:")) {
                    len = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            byte[] body = in.readNBytes(len);
            return head + new String(body, StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Whether the TCP connection was closed by the other side (reads EOF within {@code timeout}). */
    public boolean closedByPeer(Duration timeout) throws IOException {
        tcp.setSoTimeout((int) timeout.toMillis());
        try {
            byte[] b = new byte[4096];
            while (true) {
                int n = tcp.getInputStream().read(b);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            if (udp != null) {
                udp.close();
            }
            if (tcp != null) {
                tcp.close();
            }
        } catch (IOException e) {
            // closing
        }
    }
}
