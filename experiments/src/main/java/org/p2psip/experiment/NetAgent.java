package org.p2psip.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A probe that runs inside one network namespace ({@code ip netns exec NS java ... NetAgent}) and
 * opens, uses and reports on UDP and TCP sockets there, driven one command per line on standard
 * input, one answer line per command on standard output ({@code ok ...}, {@code timeout},
 * {@code fail ...} or {@code err ...}). It exits when its input closes, so it cannot outlive the
 * test that drives it. Commands:
 *
 * <pre>
 * udp.open                                  -> ok ID LOCALPORT
 * udp.send ID IP PORT TEXT                  -> ok
 * udp.recv ID TIMEOUTMS                     -> ok SRCIP SRCPORT TEXT | timeout
 * udp.expect ID TEXT TIMEOUTMS              -> ok SRCIP SRCPORT | timeout   (skips other datagrams)
 * udp.reflect ID                            -> ok   (from now on answers every datagram with "seen IP PORT")
 * udp.mapped ID IP PORT                     -> ok MAPPEDIP MAPPEDPORT | timeout   (asks a reflector)
 * udp.stream ID IP PORT COUNT INTERVALMS    -> ok   (sends "seq N" COUNT times)
 * udp.count ID QUIETMS MAXMS                -> ok N (datagrams until QUIETMS of silence)
 * udp.punch ID IP PORT DURATIONMS           -> ok N SRC (sends "punch" every 100 ms, counts "punch" received)
 * tcp.listen                                -> ok ID PORT   (each connection gets "seen IP PORT\n")
 * tcp.accepted ID                           -> ok N
 * tcp.connect IP PORT TIMEOUTMS [LOCALPORT] -> ok LOCALPORT LINE | fail REASON
 * tcp.punch LOCALPORT IP PORT DURATIONMS    -> ok LINE | fail REASON   (simultaneous open)
 * </pre>
 */
public final class NetAgent {

    private final Map<Integer, DatagramSocket> udp = new ConcurrentHashMap<>();
    private final Map<Integer, ServerSocket> tcp = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final PrintStream out;

    private NetAgent(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = AgentLoop.answers();
        NetAgent agent = new NetAgent(out);
        AgentLoop.serve(out, agent::handle);
        System.exit(0);
    }

    private String handle(String[] a) throws Exception {
        switch (a[0]) {
            case "udp.open": {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0));
                int id = ids.incrementAndGet();
                udp.put(id, socket);
                return "ok " + id + " " + socket.getLocalPort();
            }
            case "udp.send":
                send(udp(a[1]), a[2], Integer.parseInt(a[3]), a[4]);
                return "ok";
            case "udp.recv": {
                DatagramPacket p = receive(udp(a[1]), Integer.parseInt(a[2]));
                return p == null ? "timeout" : "ok " + p.getAddress().getHostAddress() + " " + p.getPort() + " " + text(p);
            }
            case "udp.expect": {
                DatagramSocket socket = udp(a[1]);
                long deadline = System.currentTimeMillis() + Long.parseLong(a[3]);
                while (true) {
                    long left = deadline - System.currentTimeMillis();
                    DatagramPacket p = left <= 0 ? null : receive(socket, (int) left);
                    if (p == null) {
                        return "timeout";
                    }
                    if (text(p).equals(a[2])) {
                        return "ok " + p.getAddress().getHostAddress() + " " + p.getPort();
                    }
                }
            }
            case "udp.reflect": {
                DatagramSocket socket = udp(a[1]);
                daemon("reflect-" + a[1], () -> {
                    byte[] buffer = new byte[2048];
                    while (!socket.isClosed()) {
                        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                        try {
                            socket.receive(p);
                            byte[] seen = ("seen " + p.getAddress().getHostAddress() + " " + p.getPort())
                                    .getBytes(StandardCharsets.UTF_8);
                            socket.send(new DatagramPacket(seen, seen.length, p.getSocketAddress()));
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                return "ok";
            }
            case "udp.mapped": {
                DatagramSocket socket = udp(a[1]);
                for (int attempt = 0; attempt < 5; attempt++) {
                    send(socket, a[2], Integer.parseInt(a[3]), "probe");
                    DatagramPacket p = receive(socket, 1000);
                    if (p != null && text(p).startsWith("seen ")) {
                        return "ok " + text(p).substring(5);
                    }
                }
                return "timeout";
            }
            case "udp.stream": {
                DatagramSocket socket = udp(a[1]);
                int count = Integer.parseInt(a[4]);
                long interval = Long.parseLong(a[5]);
                for (int i = 0; i < count; i++) {
                    send(socket, a[2], Integer.parseInt(a[3]), "seq" + i);
                    Thread.sleep(interval);
                }
                return "ok";
            }
            case "udp.count": {
                DatagramSocket socket = udp(a[1]);
                int quiet = Integer.parseInt(a[2]);
                long deadline = System.currentTimeMillis() + Long.parseLong(a[3]);
                int n = 0;
                while (System.currentTimeMillis() < deadline && receive(socket, quiet) != null) {
                    n++;
                }
                return "ok " + n;
            }
            case "udp.punch":
                return punchUdp(udp(a[1]), a[2], Integer.parseInt(a[3]), Long.parseLong(a[4]));
            case "tcp.listen": {
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(0));
                int id = ids.incrementAndGet();
                tcp.put(id, server);
                AtomicInteger count = new AtomicInteger();
                accepted.put(id, count);
                daemon("accept-" + id, () -> {
                    while (!server.isClosed()) {
                        try (Socket s = server.accept()) {
                            count.incrementAndGet();
                            OutputStream o = s.getOutputStream();
                            o.write(("seen " + s.getInetAddress().getHostAddress() + " " + s.getPort() + "\n")
                                    .getBytes(StandardCharsets.UTF_8));
                            o.flush();
                        } catch (IOException e) {
                            if (server.isClosed()) {
                                return;
                            }
                        }
                    }
                });
                return "ok " + id + " " + server.getLocalPort();
            }
            case "tcp.accepted":
                return "ok " + accepted.get(Integer.parseInt(a[1])).get();
            case "tcp.connect": {
                int timeout = Integer.parseInt(a[3]);
                try (Socket s = new Socket()) {
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(a.length > 4 ? Integer.parseInt(a[4]) : 0));
                    int local = s.getLocalPort();
                    s.connect(new InetSocketAddress(InetAddress.getByName(a[1]), Integer.parseInt(a[2])), timeout);
                    s.setSoTimeout(timeout);
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    return "ok " + local + " " + line;
                } catch (IOException e) {
                    return "fail " + e;
                }
            }
            case "tcp.punch":
                return punchTcp(Integer.parseInt(a[1]), a[2], Integer.parseInt(a[3]), Long.parseLong(a[4]));
            default:
                return "err unknown command " + a[0];
        }
    }

    private String punchUdp(DatagramSocket socket, String ip, int port, long durationMs) throws Exception {
        long deadline = System.currentTimeMillis() + durationMs;
        AtomicInteger received = new AtomicInteger();
        String[] from = {"-"};
        Thread receiver = daemon("punch-recv", () -> {
            while (System.currentTimeMillis() < deadline) {
                try {
                    DatagramPacket p = receive(socket, (int) Math.max(1, deadline - System.currentTimeMillis()));
                    if (p != null && text(p).equals("punch")) {
                        received.incrementAndGet();
                        from[0] = p.getAddress().getHostAddress() + ":" + p.getPort();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        while (System.currentTimeMillis() < deadline) {
            send(socket, ip, port, "punch");
            Thread.sleep(100);
        }
        receiver.join(5000);
        return "ok " + received.get() + " " + from[0];
    }

    private static String punchTcp(int localPort, String ip, int port, long durationMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + durationMs;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(localPort));
                int left = (int) Math.max(200, Math.min(3000, deadline - System.currentTimeMillis()));
                s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), left);
                s.setSoTimeout(5000);
                s.getOutputStream().write(("hello-from-" + localPort + "\n").getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                return "ok " + line;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        return "fail " + last;
    }

    private DatagramSocket udp(String id) {
        DatagramSocket socket = udp.get(Integer.parseInt(id));
        if (socket == null) {
            throw new IllegalArgumentException("no UDP socket " + id);
        }
        return socket;
    }

    private static void send(DatagramSocket socket, String ip, int port, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(data, data.length, InetAddress.getByName(ip), port));
    }

    /** The next datagram, or null after {@code timeoutMs}. Not for sockets with a reflector. */
    private static DatagramPacket receive(DatagramSocket socket, int timeoutMs) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        synchronized (socket) {
            socket.setSoTimeout(Math.max(1, timeoutMs));
            try {
                socket.receive(p);
                return p;
            } catch (SocketTimeoutException e) {
                return null;
            }
        }
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
