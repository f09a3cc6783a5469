package org.p2psip.rtp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpPortStatus;
import org.p2psip.rtp.RtpPort;
import org.p2psip.rtp.config.RtpPortConfig;
import org.p2psip.rtp.RtpPortMain;
import org.p2psip.rtp.control.RtpPortClient;

/**
 * One relay hop under load: {@code scripts/bench rtp [options]}.
 *
 * <p>The RTP-Port runs as its own process (default; {@code --in-process} runs it in this JVM
 * instead) with N relay sessions (legs a and b over UDP). The load generator in this JVM sends
 * 172-byte RTP packets (12-byte header + 160 bytes of G.711 payload, 20 ms) round-robin to the
 * sessions' leg a; every leg b sends to the generator's receive socket. It measures:
 * <ol>
 *   <li>throughput: for rising offered rates, the packets per second delivered through the hop,
 *       the share delivered, and the relay's CPU (the RTP-Port process's utime+stime from
 *       /proc/PID/stat, as % of one core; in-process: the relay worker threads' CPU time);</li>
 *   <li>latency at half the highest rate delivered without loss: one-way time from just before
 *       the generator's send to just after its receive (both in this JVM, one clock), through the
 *       relay and, as the baseline, directly; "added" is the difference.</li>
 * </ol>
 * The load generator never shares the relay's process in the default mode; it does share the
 * machine's cores (its sender and receiver threads each keep a core partly busy).
 */
public final class RelayBenchmark {
    private static final int PAYLOAD = 160;
    private static final int PACKET = 12 + PAYLOAD;

    private int sessions = 100;
    private double stepSeconds = 3;
    private int[] rates = {25_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000};
    private boolean inProcess;
    private int workers = 1;
    private double latencySeconds = 5;
    private double lossThreshold = 0.001;

    private Process child;
    private RtpPort port;
    private RtpPortClient om;
    private DatagramChannel tx;
    private DatagramChannel rx;
    private InetSocketAddress[] targets;
    private Receiver receiver;

    public static void main(String[] args) throws Exception {
        RelayBenchmark b = new RelayBenchmark();
        if (!b.parse(args)) {
            return;
        }
        try {
            b.run();
        } finally {
            b.close();
        }
    }

    private boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sessions":
                    sessions = Integer.parseInt(args[++i]);
                    break;
                case "--seconds":
                    stepSeconds = Double.parseDouble(args[++i]);
                    break;
                case "--latency-seconds":
                    latencySeconds = Double.parseDouble(args[++i]);
                    break;
                case "--rates":
                    rates = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    break;
                case "--workers":
                    workers = Integer.parseInt(args[++i]);
                    break;
                case "--in-process":
                    inProcess = true;
                    break;
                case "--help":
                    System.out.println("usage: scripts/bench rtp [--sessions N] [--seconds S] [--rates R1,R2,...] "
                            + "[--latency-seconds S] [--workers N] [--in-process]");
                    return false;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return true;
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("rtp-bench");
        Path socket = dir.resolve("rtp.sock");
        String range = "31000-" + (31000 + 2 * sessions + 100);
        if (inProcess) {
            port = new RtpPort(RtpPortConfig.defaults(socket).withName("bench").withPorts(31000, 31000 + 2 * sessions + 100)
                    .withWorkers(workers).withIdleTimeout(Duration.ofHours(1))).start();
        } else {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), RtpPortMain.class.getName(), "--control", socket.toString(),
                    "--name", "bench", "--ports", range, "--workers", Integer.toString(workers), "--idle-timeout", "3600"));
            child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("relay.log").toFile()).start();
        }
        om = RtpPortClient.connect(socket, "om", "bench", RtpPortClient.ignoreEvents(), Duration.ofSeconds(60));

        rx = DatagramChannel.open(StandardProtocolFamily.INET);
        rx.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        rx.bind(new InetSocketAddress("127.0.0.1", 0));
        tx = DatagramChannel.open(StandardProtocolFamily.INET);
        tx.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        tx.bind(new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress rxAddr = (InetSocketAddress) rx.getLocalAddress();
        targets = new InetSocketAddress[sessions];
        for (int i = 0; i < sessions; i++) {
            String id = "bench-" + i;
            ControlMessage a = om.allocateRelay(id, "udp", "udp");
            om.connectLeg(id, "a", "passive", "127.0.0.1");
            om.call(RtpConnect.of(id, "b", RtpConnect.ACTIVE, "127.0.0.1:" + rxAddr.getPort()).withKeepalive(Duration.ZERO)
                    .toMessage());
            targets[i] = new InetSocketAddress("127.0.0.1", RtpAllocateAnswer.from(a).leg("a").port());
        }
        receiver = new Receiver(rx);
        receiver.start();

        System.out.printf(Locale.ROOT, "RTP-Port relay benchmark: one hop, %d relay sessions (UDP legs), %d-byte packets, %s, %d worker thread(s), %d cores%n",
                sessions, PACKET, inProcess ? "relay IN the load generator's JVM" : "relay in its own process (pid " + child.pid() + ")",
                workers, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());

        step(-1, 20_000, 3, false); // warm-up (JIT) and latch every leg a
        System.out.println();
        System.out.println("offered pps | sent pps | delivered pps | delivered % | relay CPU % of a core | us CPU/pkt | pkts/wakeup | lost before relay | dropped by relay | kernel rcvbuf drops | generator CPU % | relay alloc B/pkt");
        int best = 0;
        for (int i = 0; i < rates.length; i++) {
            Result r = step(i, rates[i], stepSeconds, false);
            System.out.printf(Locale.ROOT, "%11d | %8.0f | %13.0f | %10.2f%% | %21.1f | %10.2f | %11.1f | %17d | %16d | %19d | %15.1f | %s%n",
                    rates[i], r.sentPps, r.deliveredPps, 100.0 * r.delivered / Math.max(1, r.sent), r.relayCpu,
                    r.relayCpuNanos / 1e3 / Math.max(1, r.relayForwarded), (double) r.relayForwarded / Math.max(1, r.wakeups),
                    r.sent - r.relayForwarded, r.relayDrops, r.kernelDrops, r.generatorCpu,
                    r.allocPerPacket < 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.allocPerPacket));
            if (r.delivered >= (1 - lossThreshold) * r.sent && r.sentPps >= 0.95 * rates[i]) {
                best = Math.max(best, (int) r.deliveredPps);
            }
        }
        System.out.printf(Locale.ROOT, "%nhighest rate forwarded with < %.1f%% loss: %d packets/s%n", 100 * lossThreshold, best);
        if (best == 0) {
            return;
        }
        int half = best / 2;
        System.out.printf(Locale.ROOT, "%nlatency at %d packets/s (half of that), %.0f s each:%n", half, latencySeconds);
        Result direct = step(100, half, latencySeconds, true);
        Result relayed = step(101, half, latencySeconds, false);
        System.out.printf(Locale.ROOT, "  direct (no relay):  median %6.1f us, p99 %7.1f us, p99.9 %7.1f us (%d samples)%n",
                direct.median / 1e3, direct.p99 / 1e3, direct.p999 / 1e3, direct.samples);
        System.out.printf(Locale.ROOT, "  through one hop:    median %6.1f us, p99 %7.1f us, p99.9 %7.1f us (%d samples, %.2f%% delivered, relay CPU %.1f%%)%n",
                relayed.median / 1e3, relayed.p99 / 1e3, relayed.p999 / 1e3, relayed.samples,
                100.0 * relayed.delivered / Math.max(1, relayed.sent), relayed.relayCpu);
        System.out.printf(Locale.ROOT, "  added by the relay: median %6.1f us, p99 %7.1f us%n",
                (relayed.median - direct.median) / 1e3, (relayed.p99 - direct.p99) / 1e3);
        System.out.printf(Locale.ROOT, "load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Offers {@code rate} packets/s for {@code seconds}, tagged {@code stepId}; {@code direct} bypasses the relay. */
    private Result step(int stepId, int rate, double seconds, boolean direct) throws Exception {
        long total = (long) (rate * seconds);
        receiver.begin(stepId, (int) Math.min(total, 20_000_000));
        long[] relay0 = relayTotals();
        long kernel0 = kernelUdpBufferDrops();
        long cpu0 = relayCpuNanos();
        long alloc0 = relayAllocatedBytes();
        long gen0 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
        ByteBuffer b = ByteBuffer.allocateDirect(PACKET);
        byte[] fill = new byte[PAYLOAD - 12];
        Arrays.fill(fill, (byte) 0xD5); // G.711 A-law silence
        int[] seq = new int[sessions];
        InetSocketAddress rxAddr = (InetSocketAddress) rx.getLocalAddress();
        long start = System.nanoTime();
        long sent = 0;
        long tick = 100_000L; // pace in 100 us slots
        while (sent < total) {
            long now = System.nanoTime();
            long due = Math.min(total, (long) ((now - start) / 1e9 * rate) + 1);
            while (sent < due) {
                int s = (int) (sent % sessions);
                b.clear();
                b.put((byte) 0x80).put((byte) 8).putShort((short) seq[s]++).putInt((int) (sent * 160)).putInt(s);
                b.putLong(System.nanoTime()).putInt(stepId).put(fill);
                b.flip();
                tx.send(b, direct ? rxAddr : targets[s]);
                sent++;
            }
            long next = start + (long) ((sent) * 1e9 / rate);
            long wait = next - System.nanoTime();
            if (wait > tick) {
                LockSupport.parkNanos(wait - tick / 2);
            } else if (wait > 0) {
                Thread.onSpinWait();
            }
        }
        long end = System.nanoTime();
        // Let the stragglers arrive.
        long quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long last = -1;
        while (System.nanoTime() < quiet) {
            long c = receiver.count();
            if (c == total) {
                break;
            }
            if (c != last) {
                last = c;
                quiet = Math.max(quiet, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
            }
            Thread.sleep(20);
        }
        long cpu1 = relayCpuNanos();
        long[] relay1 = relayTotals();
        long kernel1 = kernelUdpBufferDrops();
        long alloc1 = relayAllocatedBytes();
        long gen1 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
        double wall = (end - start) / 1e9;
        Result r = new Result();
        r.sent = sent;
        r.sentPps = sent / wall;
        r.delivered = receiver.end();
        r.deliveredPps = r.delivered / wall;
        double measuredWall = (System.nanoTime() - start) / 1e9;
        r.relayCpu = 100.0 * (cpu1 - cpu0) / 1e9 / measuredWall;
        r.relayCpuNanos = cpu1 - cpu0;
        r.generatorCpu = 100.0 * (gen1 - gen0 - (inProcess ? cpu1 - cpu0 : 0)) / 1e9 / measuredWall;
        r.relayForwarded = relay1[0] - relay0[0];
        r.relayDrops = relay1[1] - relay0[1];
        r.wakeups = relay1[2] - relay0[2];
        r.kernelDrops = kernel1 - kernel0;
        r.allocPerPacket = alloc0 < 0 ? -1 : (double) (alloc1 - alloc0) / Math.max(1, r.delivered);
        long[] lat = receiver.latencies();
        r.samples = lat.length;
        if (lat.length > 0) {
            Arrays.sort(lat);
            r.median = lat[lat.length / 2];
            r.p99 = lat[(int) Math.min(lat.length - 1, Math.floor(lat.length * 0.99))];
            r.p999 = lat[(int) Math.min(lat.length - 1, Math.floor(lat.length * 0.999))];
        }
        return r;
    }

    /** The relay's packets_forwarded, drops and wakeups from port.status. */
    private long[] relayTotals() throws Exception {
        RtpPortStatus st = RtpPortStatus.from(om.status());
        return new long[] {st.packetsForwarded(), st.drops(), st.wakeups()};
    }

    /** Udp RcvbufErrors from /proc/net/snmp: datagrams the kernel dropped because a socket buffer was full (machine-wide). */
    private static long kernelUdpBufferDrops() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
                String[] values = lines.get(i + 1).split("\\s+");
                int k = names.indexOf("RcvbufErrors");
                return k < 0 ? 0 : Long.parseLong(values[k]);
            }
        }
        return 0;
    }

    /** CPU time of the relay: the child's utime+stime, or the in-process relay worker threads. */
    private long relayCpuNanos() throws IOException {
        if (!inProcess) {
            String stat = Files.readString(Path.of("/proc", Long.toString(child.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L; // USER_HZ = 100
        }
        long sum = 0;
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("rtp-relay-")) {
                sum += mx.getThreadCpuTime(t.getThreadId());
            }
        }
        return sum;
    }

    /** Bytes the in-process relay worker threads allocated (-1 when the relay is a separate process). */
    private long relayAllocatedBytes() {
        if (!inProcess) {
            return -1;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("rtp-relay-")) {
                sum += mx.getThreadAllocatedBytes(t.getThreadId());
            }
        }
        return sum;
    }

    private void close() {
        if (receiver != null) {
            receiver.interrupt();
        }
        for (java.io.Closeable c : new java.io.Closeable[] {tx, rx}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (om != null) {
            if (!inProcess) {
                try {
                    om.shutdown();
                } catch (Exception e) {
                    // the child is destroyed below anyway
                }
            }
            om.close();
        }
        if (port != null) {
            port.close();
        }
        if (child != null) {
            try {
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }
    }

    private static final class Result {
        long sent;
        double sentPps;
        long delivered;
        double deliveredPps;
        double relayCpu;
        long relayCpuNanos;
        double generatorCpu;
        double allocPerPacket;
        long relayForwarded;
        long relayDrops;
        long wakeups;
        long kernelDrops;
        int samples;
        long median;
        long p99;
        long p999;
    }

    /** Counts packets of the current step and records their one-way latency. */
    private static final class Receiver extends Thread {
        private final DatagramChannel ch;
        private volatile int step = Integer.MIN_VALUE;
        private volatile long count;
        private long[] latencies = new long[0];
        private int n;

        Receiver(DatagramChannel ch) {
            super("bench-receiver");
            setDaemon(true);
            this.ch = ch;
        }

        synchronized void begin(int stepId, int capacity) {
            latencies = new long[capacity];
            n = 0;
            count = 0;
            step = stepId;
        }

        long count() {
            return count;
        }

        synchronized long end() {
            step = Integer.MIN_VALUE;
            return count;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(latencies, n);
        }

        @Override
        public void run() {
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            try {
                while (!isInterrupted()) {
                    b.clear();
                    ch.receive(b);
                    long now = System.nanoTime();
                    if (b.position() != PACKET) {
                        continue;
                    }
                    long sentAt = b.getLong(12);
                    int s = b.getInt(20);
                    if (s != step) {
                        continue;
                    }
                    synchronized (this) {
                        if (s == step) {
                            count++;
                            if (n < latencies.length) {
                                latencies[n++] = now - sentAt;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // closed: the benchmark is over
            }
        }
    }
}
