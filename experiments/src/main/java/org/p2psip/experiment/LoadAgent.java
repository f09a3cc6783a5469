package org.p2psip.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of a {@link Lab}: a process inside one site's namespace ({@code ip netns exec
 * NS java ... LoadAgent --allow IP,IP,...}) that fills links on demand and measures round trips,
 * driven one command per line on standard input, one answer line per command on standard output
 * ({@code ok ...} or {@code err ...}). It sends only to the addresses given with {@code --allow}
 * (the lab's own sites) and exits when its input closes. Commands:
 *
 * <pre>
 * udp.sink                                  -> ok ID PORT   (counts every datagram)
 * udp.flood IP PORT KBIT SIZE               -> ok ID        (SIZE-byte datagrams paced to KBIT kbit/s)
 * tcp.sink                                  -> ok ID PORT   (accepts, reads and counts everything)
 * tcp.bulk IP PORT                          -> ok ID | err  (one connection, written to as fast as it goes)
 * udp.echo                                  -> ok ID PORT   (sends every datagram back)
 * probe IP PORT COUNT INTERVALMS WAITMS     -> ok SENT RECEIVED MINMS AVGMS MAXMS   (round trips to an echo;
 *                                              waits up to WAITMS after the last for answers)
 * stats ID                                  -> ok BYTES PACKETS MILLIS   (MILLIS: first to last packet)
 * stop ID                                   -> ok BYTES PACKETS MILLIS   (and ends the flow)
 * </pre>
 *
 * Bytes are payload bytes (UDP datagram or TCP stream contents), without IP and UDP/TCP headers.
 */
public final class LoadAgent {

    /** At most this many flows at once (sinks, sources, echoes). */
    static final int MAX_FLOWS = 64;
    /** The largest datagram a flood sends. */
    static final int MAX_DATAGRAM = 1472;

    private final Set<InetAddress> allowed;
    private final Map<Integer, Flow> flows = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    LoadAgent(Set<InetAddress> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = AgentLoop.answers();
        LoadAgent agent;
        try {
            agent = new LoadAgent(parseAllowed(args));
        } catch (IllegalArgumentException e) {
            out.println("err " + e.getMessage());
            System.exit(2);
            return;
        }
        AgentLoop.serve(out, agent::handle);
        agent.flows.values().forEach(Flow::close);
        System.exit(0);
    }

    /** The addresses of {@code --allow IP,IP,...}; at least one, each an IPv4 literal. */
    static Set<InetAddress> parseAllowed(String[] args) {
        if (args.length != 2 || !args[0].equals("--allow") || args[1].isBlank()) {
            throw new IllegalArgumentException("usage: LoadAgent --allow IP[,IP...] (the lab's site addresses)");
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String text : args[1].split(",")) {
            if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("not an IPv4 address in --allow: '" + text + "'");
            }
            try {
                addresses.add(InetAddress.getByName(text));
            } catch (IOException e) {
                throw new IllegalArgumentException("not an IPv4 address in --allow: '" + text + "'");
            }
        }
        return Set.copyOf(addresses);
    }

    /** {@code ip} as a destination, if it is one of the lab's sites; else an exception saying so. */
    InetAddress destination(String ip) throws IOException {
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("destination must be an IPv4 address, not '" + ip + "'");
        }
        InetAddress address = InetAddress.getByName(ip);
        if (!allowed.contains(address)) {
            throw new IllegalArgumentException("refused: " + ip + " is not a site of this lab " + allowed);
        }
        return address;
    }

    String handle(String[] a) throws Exception {
        switch (a[0]) {
            case "udp.sink": {
                UdpSink sink = new UdpSink(new DatagramSocket(new InetSocketAddress(0)), false);
                return "ok " + add(sink) + " " + sink.socket.getLocalPort();
            }
            case "udp.echo": {
                UdpSink echo = new UdpSink(new DatagramSocket(new InetSocketAddress(0)), true);
                return "ok " + add(echo) + " " + echo.socket.getLocalPort();
            }
            case "udp.flood": {
                args(a, 5);
                InetSocketAddress to = new InetSocketAddress(destination(a[1]), port(a[2]));
                int kbit = positive(a[3], "rate in kbit/s", 10_000_000);
                int size = positive(a[4], "datagram size", MAX_DATAGRAM);
                return "ok " + add(new UdpFlood(to, kbit, size));
            }
            case "tcp.sink": {
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(0));
                TcpSink sink = new TcpSink(server);
                return "ok " + add(sink) + " " + server.getLocalPort();
            }
            case "tcp.bulk": {
                args(a, 3);
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(destination(a[1]), port(a[2])), 5000);
                } catch (IOException | IllegalArgumentException e) {
                    socket.close();
                    throw e;
                }
                return "ok " + add(new TcpBulk(socket));
            }
            case "probe":
                args(a, 6);
                return probe(new InetSocketAddress(destination(a[1]), port(a[2])), positive(a[3], "count", 100_000),
                        positive(a[4], "interval", 60_000), positive(a[5], "wait", 60_000));
            case "stats":
                args(a, 2);
                return "ok " + flow(a[1]).counters();
            case "stop": {
                args(a, 2);
                Flow flow = flow(a[1]);
                flow.end();
                flows.remove(Integer.parseInt(a[1]));
                return "ok " + flow.counters();
            }
            default:
                return "err unknown command " + a[0];
        }
    }

    private int add(Flow flow) {
        if (flows.size() >= MAX_FLOWS) {
            flow.close();
            throw new IllegalStateException("at most " + MAX_FLOWS + " flows at once");
        }
        int id = ids.incrementAndGet();
        flows.put(id, flow);
        flow.start("load-" + id);
        return id;
    }

    private Flow flow(String id) {
        Flow flow = flows.get(Integer.parseInt(id));
        if (flow == null) {
            throw new IllegalArgumentException("no flow " + id);
        }
        return flow;
    }

    /** COUNT numbered datagrams every INTERVALMS to an echo, then WAITMS for late answers; round trips in ms. */
    private static String probe(InetSocketAddress to, int count, int intervalMs, int waitMs) throws Exception {
        long[] sentAt = new long[count];
        double[] rtt = new double[count];
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0))) {
            long deadline = Long.MAX_VALUE;
            int next = 0;
            int answered = 0;
            long nextSend = System.nanoTime();
            byte[] buffer = new byte[64];
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (next < count && now >= nextSend) {
                    sentAt[next] = now;
                    byte[] data = ByteBuffer.allocate(64).putInt(0x70726f62).putInt(next).array();
                    socket.send(new DatagramPacket(data, data.length, to));
                    next++;
                    nextSend += intervalMs * 1_000_000L;
                    if (next == count) {
                        deadline = System.nanoTime() + waitMs * 1_000_000L;
                    }
                }
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    long untilNext = next < count ? (nextSend - System.nanoTime()) / 1_000_000 : 50;
                    socket.setSoTimeout((int) Math.max(1, Math.min(50, untilNext)));
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                ByteBuffer answer = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                if (p.getLength() >= 8 && answer.getInt() == 0x70726f62) {
                    int seq = answer.getInt();
                    if (seq >= 0 && seq < next && rtt[seq] == 0) {
                        rtt[seq] = Math.max(0.001, (System.nanoTime() - sentAt[seq]) / 1e6);
                        answered++;
                    }
                    if (answered == count) {
                        break;
                    }
                }
            }
        }
        int received = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        for (double r : rtt) {
            if (r > 0) {
                received++;
                min = Math.min(min, r);
                max = Math.max(max, r);
                sum += r;
            }
        }
        if (received == 0) {
            return "ok " + count + " 0 -1 -1 -1";
        }
        return String.format(java.util.Locale.ROOT, "ok %d %d %.3f %.3f %.3f", count, received, min, sum / received, max);
    }

    private static void args(String[] a, int n) {
        if (a.length != n) {
            throw new IllegalArgumentException(a[0] + " takes " + (n - 1) + " argument(s), not " + (a.length - 1));
        }
    }

    private static int port(String text) {
        return positive(text, "port", 65535);
    }

    private static int positive(String text, String what, int max) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, not '" + text + "'");
        }
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + ", not " + value);
        }
        return value;
    }

    /** One flow of the agent: its counters, its thread, and how it ends. */
    private abstract static class Flow {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong packets = new AtomicLong();
        volatile long first;
        volatile long last;
        volatile boolean stopped;
        private Thread thread;

        void count(int n) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            last = now;
            bytes.addAndGet(n);
            packets.incrementAndGet();
        }

        String counters() {
            long millis = first == 0 ? 0 : (last - first) / 1_000_000;
            return bytes.get() + " " + packets.get() + " " + millis;
        }

        void start(String name) {
            Thread t = new Thread(() -> {
                try {
                    run();
                } catch (IOException e) {
                    if (!stopped) {
                        System.err.println(name + ": " + e);
                    }
                }
            }, name);
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        /** Ends the flow and waits (briefly) for its thread, so that its counters are final. */
        void end() {
            close();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        abstract void run() throws IOException;

        abstract void close();
    }

    private static final class UdpSink extends Flow {
        final DatagramSocket socket;
        final boolean echo;

        UdpSink(DatagramSocket socket, boolean echo) throws SocketException {
            this.socket = socket;
            this.echo = echo;
            socket.setReceiveBufferSize(1 << 20);
        }

        @Override
        void run() throws IOException {
            byte[] buffer = new byte[65536];
            while (!stopped) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                count(p.getLength());
                if (echo) {
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
            }
        }

        @Override
        void close() {
            stopped = true;
            socket.close();
        }
    }

    private static final class UdpFlood extends Flow {
        final DatagramSocket socket;
        final InetSocketAddress to;
        final long nanosPerPacket;
        final int size;

        UdpFlood(InetSocketAddress to, int kbit, int size) throws SocketException {
            this.socket = new DatagramSocket(new InetSocketAddress(0));
            this.to = to;
            this.size = size;
            this.nanosPerPacket = size * 8L * 1_000_000L / kbit;
        }

        @Override
        void run() throws IOException {
            byte[] data = new byte[size];
            long start = System.nanoTime();
            long sent = 0;
            while (!stopped) {
                long due = (System.nanoTime() - start) / nanosPerPacket + 1;
                while (sent < due && !stopped) {
                    socket.send(new DatagramPacket(data, data.length, to));
                    count(size);
                    sent++;
                }
                LockSupport.parkNanos(Math.min(nanosPerPacket, 1_000_000));
            }
        }

        @Override
        void close() {
            stopped = true;
            socket.close();
        }
    }

    private static final class TcpSink extends Flow {
        final ServerSocket server;
        final List<Socket> connections = new java.util.concurrent.CopyOnWriteArrayList<>();

        TcpSink(ServerSocket server) {
            this.server = server;
        }

        @Override
        void run() throws IOException {
            while (!stopped) {
                Socket s = server.accept();
                if (connections.size() >= MAX_FLOWS) {
                    s.close();
                    continue;
                }
                connections.add(s);
                Thread reader = new Thread(() -> {
                    byte[] buffer = new byte[65536];
                    try (InputStream in = s.getInputStream()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            count(n);
                        }
                    } catch (IOException e) {
                        // closed
                    } finally {
                        connections.remove(s);
                    }
                }, "tcp-sink-reader");
                reader.setDaemon(true);
                reader.start();
            }
        }

        @Override
        void close() {
            stopped = true;
            try {
                server.close();
            } catch (IOException e) {
                // closing
            }
            for (Socket s : connections) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }

    private static final class TcpBulk extends Flow {
        final Socket socket;

        TcpBulk(Socket socket) {
            this.socket = socket;
        }

        @Override
        void run() throws IOException {
            byte[] data = new byte[16384];
            OutputStream out = socket.getOutputStream();
            while (!stopped) {
                out.write(data);
                count(data.length);
            }
        }

        @Override
        void close() {
            stopped = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
