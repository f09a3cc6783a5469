package org.p2psip.rtp.relay;

import org.p2psip.control.message.Fields;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

/**
 * An overlay leg over TCP with RFC 4571 framing: every RTP or RTCP packet is preceded by its
 * length as a 16-bit big-endian number. Passive: the leg listens on its allocated port and takes
 * the connection from the expected host (others are closed and counted; a newer connection from
 * the expected host replaces the current one, so the far end can reconnect). Active: the leg
 * connects to the remote address. A connection that fails, closes, or ends inside a frame is
 * reported as {@code rtp.leg.failed}. When the far end reads too slowly, frames queue up to the
 * configured limit and further packets are dropped and counted (media is not worth waiting for).
 */
final class TcpOverlayLeg extends Leg {
    private static final int MAX_FRAME = 0xFFFF;
    private static final int READS_PER_EVENT = 16;

    private enum State { ALLOCATED, WAITING, CONNECTING, CONNECTED, FAILED }

    private final int port;
    private ServerSocketChannel listener;
    private SelectionKey listenKey;
    private SocketChannel conn;
    private SelectionKey connKey;
    private InetSocketAddress connected;
    private ByteBuffer in;
    private ByteBuffer queue;
    private final ByteBuffer header = ByteBuffer.allocateDirect(2);
    private final ByteBuffer[] vector = new ByteBuffer[2];
    private State state = State.ALLOCATED;
    private long connectDeadline;
    private final IoHandler acceptHandler = k -> onAcceptable();
    private final IoHandler connHandler = this::onConnectionReady;

    TcpOverlayLeg(RelayEngine engine, String name, ServerSocketChannel listener, int port) {
        super(engine, name, Transport.TCP);
        this.listener = listener;
        this.port = port;
    }

    @Override
    void attach() {
        // Nothing to register yet: the listener accepts once rtp.connect made the leg passive.
    }

    @Override
    void configure(LegSettings s, boolean initial) throws ControlException {
        LegMode m = s.mode() != null ? s.mode() : mode;
        if (m == null) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "leg " + name + " needs mode=active|passive");
        }
        applyCommon(s);
        if (!(initial || s.remoteSet() || s.mode() != null || s.relatch())) {
            return;
        }
        java.net.InetAddress host = s.remoteSet() ? s.host() : remoteHost;
        int p = s.remoteSet() ? s.port() : remotePort;
        if (m == LegMode.ACTIVE && (host == null || p <= 0)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "an active tcp leg needs remote=HOST:PORT");
        }
        closeConnection();
        mode = m;
        remoteHost = host;
        remotePort = p;
        expectedHost = host;
        if (m == LegMode.PASSIVE) {
            listen();
            state = State.WAITING;
        } else {
            closeListener();
            connect();
        }
    }

    private void listen() throws ControlException {
        try {
            if (listener == null) {
                listener = engine.sockets().openTcpListener(port);
            }
            if (listenKey == null) {
                listenKey = session.worker.register(listener, SelectionKey.OP_ACCEPT, acceptHandler);
            }
        } catch (IOException e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "cannot listen on tcp port " + port + ": " + e.getMessage());
        }
    }

    private void connect() throws ControlException {
        InetSocketAddress to = new InetSocketAddress(remoteHost, remotePort);
        SocketChannel c = null;
        try {
            c = engine.sockets().openTcpClient();
            conn = c;
            boolean done = c.connect(to);
            connKey = session.worker.register(c, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, connHandler);
            if (done) {
                established(to);
            } else {
                state = State.CONNECTING;
                connectDeadline = System.nanoTime() + engine.tcpConnectTimeoutNanos();
            }
        } catch (IOException e) {
            closeConnection();
            state = State.FAILED;
            throw new ControlException(ErrorCode.UNAVAILABLE, "cannot connect leg " + name + " to "
                    + hostPort(to) + ": " + e.getMessage());
        }
    }

    private void established(InetSocketAddress remote) {
        connected = remote;
        state = State.CONNECTED;
        if (in == null) {
            in = ByteBuffer.allocateDirect(2 + MAX_FRAME + 4096);
            queue = ByteBuffer.allocateDirect(engine.tcpQueueBytes());
        }
        in.clear();
        queue.clear();
        lastSent = System.nanoTime();
        session.lastActivity = lastSent;
    }

    private void onAcceptable() {
        while (listener != null) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (c == null) {
                return;
            }
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) c.getRemoteAddress();
            } catch (IOException e) {
                closeQuietly(c);
                continue;
            }
            if (mode != LegMode.PASSIVE || (expectedHost != null && !expectedHost.equals(from.getAddress()))) {
                stats.droppedStranger++;
                closeQuietly(c);
                continue;
            }
            closeConnection();
            try {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                conn = c;
                connKey = session.worker.register(c, SelectionKey.OP_READ, connHandler);
            } catch (IOException e) {
                closeConnection();
                continue;
            }
            established(from);
        }
    }

    private void onConnectionReady(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isConnectable()) {
            try {
                if (conn.finishConnect()) {
                    k.interestOps(SelectionKey.OP_READ);
                    established(new InetSocketAddress(remoteHost, remotePort));
                }
            } catch (IOException e) {
                fail("connect to " + hostPort(new InetSocketAddress(remoteHost, remotePort)) + " failed: " + e.getMessage());
            }
            return;
        }
        if (k.isWritable()) {
            flush();
        }
        if (k.isValid() && k.isReadable()) {
            read();
        }
    }

    private void read() {
        for (int i = 0; i < READS_PER_EVENT && conn != null; i++) {
            int n;
            try {
                n = conn.read(in);
            } catch (IOException e) {
                fail("connection from " + describeRemote() + " broke: " + e.getMessage());
                return;
            }
            if (n < 0) {
                if (in.position() > 0) {
                    stats.droppedMalformed++;
                    fail("connection from " + describeRemote() + " closed inside an RFC 4571 frame ("
                            + in.position() + " bytes of an incomplete frame dropped)");
                } else {
                    fail("connection closed by " + describeRemote());
                }
                return;
            }
            if (n == 0) {
                return;
            }
            frames(System.nanoTime());
        }
    }

    /** Delivers every complete frame in {@link #in} and keeps the incomplete rest. */
    private void frames(long now) {
        ByteBuffer b = in;
        b.flip();
        while (b.remaining() >= 2) {
            int p = b.position();
            int len = b.getShort(p) & 0xFFFF;
            int end = p + 2 + len;
            if (end > b.limit()) {
                break;
            }
            int limit = b.limit();
            b.limit(end).position(p + 2);
            int kind = Packets.classify(b);
            if (kind == Packets.INVALID) {
                stats.droppedMalformed++;
            } else {
                deliver(b, kind, now);
            }
            b.limit(limit).position(end);
            if (conn == null) {
                return;
            }
        }
        b.compact();
    }

    @Override
    void send(ByteBuffer b, boolean rtcp, long now) {
        if (state != State.CONNECTED) {
            stats.droppedUnrouted++;
            return;
        }
        int len = b.remaining();
        ByteBuffer q = queue;
        if (q.position() > 0) {
            if (q.remaining() < 2 + len) {
                stats.droppedOverflow++;
                return;
            }
            q.putShort((short) len).put(b);
            countSent(len, rtcp, now);
            return;
        }
        ByteBuffer h = header;
        h.clear();
        h.putShort((short) len).flip();
        vector[0] = h;
        vector[1] = b;
        try {
            conn.write(vector);
        } catch (IOException e) {
            vector[1] = null;
            fail("sending to " + describeRemote() + " failed: " + e.getMessage());
            return;
        }
        vector[1] = null;
        if (h.hasRemaining() || b.hasRemaining()) {
            q.put(h).put(b);
            connKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        countSent(len, rtcp, now);
    }

    private void flush() {
        ByteBuffer q = queue;
        q.flip();
        try {
            conn.write(q);
        } catch (IOException e) {
            q.clear();
            fail("sending to " + describeRemote() + " failed: " + e.getMessage());
            return;
        }
        q.compact();
        if (q.position() == 0 && connKey.isValid()) {
            connKey.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    void tick(long now) {
        if (state == State.CONNECTING && now - connectDeadline > 0) {
            fail("connect to " + hostPort(new InetSocketAddress(remoteHost, remotePort)) + " timed out after "
                    + engine.tcpConnectTimeoutNanos() / 1_000_000_000L + " s");
        }
    }

    private void fail(String reason) {
        closeConnection();
        state = mode == LegMode.PASSIVE && listener != null ? State.WAITING : State.FAILED;
        engine.legFailed(session, this, reason);
    }

    private String describeRemote() {
        return connected == null ? "?" : hostPort(connected);
    }

    private void closeConnection() {
        if (conn != null) {
            closeQuietly(conn);
            conn = null;
            connKey = null;
            connected = null;
        }
        if (queue != null) {
            queue.clear();
        }
    }

    private void closeListener() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
            listenKey = null;
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    void close() {
        closeConnection();
        closeListener();
        state = State.FAILED;
    }

    @Override
    int[] reservedPorts() {
        return new int[] {port, 1};
    }

    @Override
    void describePorts(Map<String, String> out) {
        out.put(Fields.PORT, Integer.toString(port));
    }

    @Override
    String state() {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    InetSocketAddress remote() {
        if (connected != null) {
            return connected;
        }
        return remoteHost != null && remotePort > 0 ? new InetSocketAddress(remoteHost, remotePort) : null;
    }

    @Override
    void snapshot(Map<String, String> out) {
        super.snapshot(out);
        out.put(Fields.QUEUED_BYTES, Integer.toString(queue == null ? 0 : queue.position()));
    }
}
