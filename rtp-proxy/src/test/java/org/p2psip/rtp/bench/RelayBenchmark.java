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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpPortStatus;
import org.p2psip.rtp.RtpPort;
import org.p2psip.rtp.config.RtpPortConfig;
import org.p2psip.rtp.RtpPortMain;
import org.p2psip.rtp.control.RtpPortClient;

/**
 * One relay hop under load, the RTP-Port and rtpengine side by side: {@code scripts/bench rtp [options]}.
 *
 * <p>The RTP-Port runs as its own process (default; {@code --in-process} runs it in this JVM
 * instead) with N relay sessions (legs a and b over UDP). rtpengine (unless {@code --no-rtpengine})
 * runs as a child process too, userspace only (see {@link Rtpengine}), with N calls set up over its
 * ng control protocol: offer from the generator's sending ("caller") socket, answer from its
 * receiving ("callee") socket, so rtpengine sends to the same receive socket and latches the caller
 * on the address its SDP gave. The load generator in this JVM sends 172-byte RTP packets (12-byte
 * header + 160 bytes of G.711 payload, 20 ms) round-robin to the sessions' leg a or to the ports
 * rtpengine gave the caller, from the same socket. It measures, for both systems alike:
 * <ol>
 *   <li>throughput: for rising offered rates (each rate offered to the RTP-Port, then to
 *       rtpengine), the packets per second delivered through the hop, the share delivered, and the
 *       relay's CPU (the relay process's utime+stime from /proc/PID/stat, as % of one core;
 *       in-process: the relay worker threads' CPU time);</li>
 *   <li>latency at one rate for both: half the highest rate delivered without loss (the lower of
 *       the two systems' when both run): one-way time from just before the generator's send to
 *       just after its receive (both in this JVM, one clock), through the RTP-Port and through
 *       rtpengine, each right after the same traffic sent directly (the baseline); "added" is the
 *       difference to that baseline.</li>
 * </ol>
 * rtpengine's calls are set up anew before every step (see {@link RtpengineRelay}).
 * It ends with both systems side by side and the ratio p2psip/rtpengine of every figure. The load
 * generator never shares a relay's process in the default mode; it does share the machine's cores
 * (its sender and receiver threads each keep a core partly busy).
 */
public final class RelayBenchmark {
    private static final int PAYLOAD = 160;
    private static final int PACKET = 12 + PAYLOAD;

    private int sessions = 100;
    private double stepSeconds = 3;
    private int[] rates = {25_000, 50_000, 75_000, 100_000, 125_000, 150_000, 200_000};
    private boolean inProcess;
    private int workers = 1;
    private int rtpengineThreads = -1;
    private boolean withRtpengine = true;
    private double latencySeconds = 5;
    private double lossThreshold = 0.001;
    /** JVM options of the RTP-Port's own process (e.g. the launcher's C1-only options, to compare JIT settings). */
    private List<String> relayJavaOpts = List.of();

    private Path dir;
    private DatagramChannel tx;
    private DatagramChannel rx;
    private Receiver receiver;
    private final List<Relay> relays = new ArrayList<>();

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
                case "--no-rtpengine":
                    withRtpengine = false;
                    break;
                case "--rtpengine-threads":
                    rtpengineThreads = Integer.parseInt(args[++i]);
                    break;
                case "--relay-java-opts":
                    relayJavaOpts = Arrays.stream(args[++i].trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
                    break;
                case "--help":
                    System.out.println("usage: scripts/bench rtp [--sessions N] [--seconds S] [--rates R1,R2,...] "
                            + "[--latency-seconds S] [--workers N] [--in-process] [--no-rtpengine] [--rtpengine-threads N] [--relay-java-opts \"OPTS\"]");
                    System.out.println("  --no-rtpengine          measure the RTP-Port only");
                    System.out.println("  --rtpengine-threads N   rtpengine's --num-threads (default: as --workers)");
                    System.out.println("  --relay-java-opts OPTS  JVM options of the RTP-Port's process, e.g. \"-XX:TieredStopAtLevel=1\"");
                    return false;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rtpengineThreads < 0) {
            rtpengineThreads = workers;
        }
        return true;
    }

    private void run() throws Exception {
        dir = Files.createTempDirectory("rtp-bench");
        rx = DatagramChannel.open(StandardProtocolFamily.INET);
        rx.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        rx.bind(new InetSocketAddress("127.0.0.1", 0));
        tx = DatagramChannel.open(StandardProtocolFamily.INET);
        tx.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        tx.bind(new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress txAddr = (InetSocketAddress) tx.getLocalAddress();
        InetSocketAddress rxAddr = (InetSocketAddress) rx.getLocalAddress();

        int p2psipLow = 31000;
        int p2psipHigh = p2psipLow + 2 * sessions + 100;
        P2psipRelay p2psip = new P2psipRelay();
        relays.add(p2psip);
        p2psip.start(p2psipLow, p2psipHigh, rxAddr);
        RtpengineRelay rtpengine = null;
        if (withRtpengine) {
            int low = (p2psipHigh + 100) & ~1;
            rtpengine = new RtpengineRelay();
            relays.add(rtpengine);
            rtpengine.start(low, low + 8 * sessions + 200, txAddr, rxAddr);
        }
        receiver = new Receiver(rx);
        receiver.start();

        System.out.printf(Locale.ROOT, "RTP relay benchmark: one hop, %d sessions, %d-byte packets, %d cores%n",
                sessions, PACKET, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  p2psip:    the RTP-Port, %s, %d relay sessions (UDP legs), %d worker thread(s)%n",
                inProcess ? "IN the load generator's JVM" : "its own process (pid " + p2psip.child.pid() + ", JVM options "
                        + (relayJavaOpts.isEmpty() ? "none" : String.join(" ", relayJavaOpts)) + ")", sessions, workers);
        if (rtpengine != null) {
            System.out.printf(Locale.ROOT, "  rtpengine: %s, userspace only, %d calls over the ng protocol (offer/answer), pid %d%n",
                    rtpengine.engine.version(), sessions, rtpengine.engine.pid());
            System.out.printf(Locale.ROOT, "             %s%n", String.join(" ", rtpengine.engine.command()));
        }
        System.out.printf(Locale.ROOT, "load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());

        for (Relay r : relays) {
            step(r, -1, 20_000, 3); // warm-up (JIT, caches) and latch every session
        }
        System.out.println();
        System.out.println("system    | offered pps | sent pps | delivered pps | delivered % | relay CPU % of a core | us CPU/pkt | pkts/wakeup | lost before relay | dropped by relay | kernel rcvbuf drops | sessions stalled | generator CPU % | relay alloc B/pkt");
        Map<Relay, Result[]> results = new LinkedHashMap<>();
        Map<Relay, Integer> best = new LinkedHashMap<>();
        for (Relay r : relays) {
            results.put(r, new Result[rates.length]);
            best.put(r, 0);
        }
        for (int i = 0; i < rates.length; i++) {
            for (Relay relay : relays) {
                Result r = step(relay, i, rates[i], stepSeconds);
                results.get(relay)[i] = r;
                System.out.printf(Locale.ROOT, "%-9s | %11d | %8.0f | %13.0f | %10.2f%% | %21.1f | %10.2f | %11s | %17s | %16s | %19d | %16s | %15.1f | %s%n",
                        relay.name, rates[i], r.sentPps, r.deliveredPps, 100.0 * r.delivered / Math.max(1, r.sent), r.relayCpu,
                        r.relayCpuNanos / 1e3 / Math.max(1, r.relayIn),
                        r.wakeups < 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) r.relayIn / Math.max(1, r.wakeups)),
                        r.relayIn < 0 ? "-" : Long.toString(r.sent - r.relayIn), r.relayDrops < 0 ? "-" : Long.toString(r.relayDrops),
                        r.kernelDrops, r.stalled < 0 ? "-" : Integer.toString(r.stalled), r.generatorCpu,
                        r.allocPerPacket < 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.allocPerPacket));
                if (lossFree(r, rates[i])) {
                    best.put(relay, Math.max(best.get(relay), (int) r.deliveredPps));
                }
            }
        }
        System.out.println();
        for (Relay r : relays) {
            System.out.printf(Locale.ROOT, "%-9s highest rate forwarded with < %.1f%% loss: %d packets/s%n", r.name, 100 * lossThreshold, best.get(r));
        }
        int basis = best.values().stream().filter(v -> v > 0).mapToInt(Integer::intValue).min().orElse(0);
        Map<Relay, Result> latency = new LinkedHashMap<>();
        Map<Relay, Result> baseline = new LinkedHashMap<>();
        int half = basis / 2;
        if (basis > 0) {
            System.out.printf(Locale.ROOT, "%nlatency at %d packets/s (half of %d%s), %.0f s each; the direct path (no relay) is measured just before each relay:%n",
                    half, basis, relays.size() > 1 ? ", the lower loss-free rate" : "", latencySeconds);
            int id = 100;
            for (Relay relay : relays) {
                Result d = step(null, id++, half, latencySeconds);
                Result r = step(relay, id++, half, latencySeconds);
                baseline.put(relay, d);
                latency.put(relay, r);
                System.out.printf(Locale.ROOT, "  %-24s median %6.1f us, p99 %7.1f us, p99.9 %7.1f us (%d samples)%n",
                        "direct (no relay):", d.median / 1e3, d.p99 / 1e3, d.p999 / 1e3, d.samples);
                System.out.printf(Locale.ROOT, "  %-24s median %6.1f us, p99 %7.1f us, p99.9 %7.1f us (%d samples, %.2f%% delivered, relay CPU %.1f%%)%n",
                        "through " + relay.name + ":", r.median / 1e3, r.p99 / 1e3, r.p999 / 1e3, r.samples, 100.0 * r.delivered / Math.max(1, r.sent), r.relayCpu);
            }
            for (Relay relay : relays) {
                Result r = latency.get(relay);
                Result d = baseline.get(relay);
                System.out.printf(Locale.ROOT, "  %-24s median %6.1f us, p99 %7.1f us%n",
                        "added by " + relay.name + ":", (r.median - d.median) / 1e3, (r.p99 - d.p99) / 1e3);
            }
        }
        if (rtpengine != null) {
            sideBySide(p2psip, rtpengine, results, best, baseline, latency, half);
        }
        System.out.printf(Locale.ROOT, "%nload average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private boolean lossFree(Result r, int rate) {
        return r.delivered >= (1 - lossThreshold) * r.sent && r.sentPps >= 0.95 * rate;
    }

    /** Both systems' figures in one table, with the ratio p2psip/rtpengine of each. */
    private void sideBySide(Relay a, Relay b, Map<Relay, Result[]> results, Map<Relay, Integer> best,
                            Map<Relay, Result> baseline, Map<Relay, Result> latency, int half) {
        System.out.printf(Locale.ROOT, "%nside by side (ratio = p2psip / rtpengine; throughput: higher is better, CPU and latency: lower is better)%n");
        System.out.println("figure                                      |     p2psip |  rtpengine |  ratio");
        row("highest loss-free rate (packets/s)", best.get(a), best.get(b), "%10.0f");
        for (int i = 0; i < rates.length; i++) {
            Result ra = results.get(a)[i];
            Result rb = results.get(b)[i];
            String at = String.format(Locale.ROOT, "%,d pps", rates[i]);
            row("delivered % at " + at, 100.0 * ra.delivered / Math.max(1, ra.sent), 100.0 * rb.delivered / Math.max(1, rb.sent), "%9.2f%%");
            row("relay CPU % of a core at " + at, ra.relayCpu, rb.relayCpu, "%9.1f%%");
            row("relay CPU per packet (us) at " + at, ra.relayCpuNanos / 1e3 / Math.max(1, ra.relayIn),
                    rb.relayCpuNanos / 1e3 / Math.max(1, rb.relayIn), "%10.2f");
        }
        if (!latency.isEmpty()) {
            Result la = latency.get(a);
            Result lb = latency.get(b);
            Result da = baseline.get(a);
            Result db = baseline.get(b);
            String at = String.format(Locale.ROOT, "%,d pps", half);
            row("added latency median (us) at " + at, (la.median - da.median) / 1e3, (lb.median - db.median) / 1e3, "%10.1f");
            row("added latency p99 (us) at " + at, (la.p99 - da.p99) / 1e3, (lb.p99 - db.p99) / 1e3, "%10.1f");
            row("relay CPU % of a core at " + at, la.relayCpu, lb.relayCpu, "%9.1f%%");
        }
    }

    private static void row(String figure, double a, double b, String format) {
        String ratio = b > 0 && a >= 0 ? String.format(Locale.ROOT, "%6.2f", a / b) : "   n/a";
        System.out.printf(Locale.ROOT, "%-43s | %s | %s | %s%n", figure, String.format(Locale.ROOT, format, a),
                String.format(Locale.ROOT, format, b), ratio);
    }

    /**
     * Offers {@code rate} packets/s for {@code seconds} to {@code relay} (null: directly to the
     * receive socket, the baseline), tagged {@code stepId}.
     */
    private Result step(Relay relay, int stepId, int rate, double seconds) throws Exception {
        long total = (long) (rate * seconds);
        if (relay != null) {
            relay.prepare();
        }
        receiver.begin(stepId, (int) Math.min(total, 20_000_000));
        long[] relay0 = relay == null ? new long[] {-1, -1, -1} : relay.totals();
        long kernel0 = kernelUdpBufferDrops();
        long cpu0 = relay == null ? 0 : relay.cpuNanos();
        long alloc0 = relay == null ? -1 : relay.allocatedBytes();
        long gen0 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
        ByteBuffer b = ByteBuffer.allocateDirect(PACKET);
        byte[] fill = new byte[PAYLOAD - 12];
        Arrays.fill(fill, (byte) 0xD5); // G.711 A-law silence
        int[] seq = new int[sessions];
        InetSocketAddress rxAddr = (InetSocketAddress) rx.getLocalAddress();
        InetSocketAddress[] targets = relay == null ? null : relay.targets;
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
                tx.send(b, targets == null ? rxAddr : targets[s]);
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
        long cpu1 = relay == null ? 0 : relay.cpuNanos();
        long kernel1 = kernelUdpBufferDrops();
        long alloc1 = relay == null ? -1 : relay.allocatedBytes();
        long gen1 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
        double wall = (end - start) / 1e9;
        double measuredWall = (System.nanoTime() - start) / 1e9;
        long[] relay1 = relay == null ? new long[] {-1, -1, -1} : relay.totals();
        Result r = new Result();
        r.sent = sent;
        r.sentPps = sent / wall;
        r.delivered = receiver.end();
        r.deliveredPps = r.delivered / wall;
        r.relayCpu = 100.0 * (cpu1 - cpu0) / 1e9 / measuredWall;
        r.relayCpuNanos = cpu1 - cpu0;
        boolean relayInHere = relay instanceof P2psipRelay && inProcess;
        r.generatorCpu = 100.0 * (gen1 - gen0 - (relayInHere ? cpu1 - cpu0 : 0)) / 1e9 / measuredWall;
        r.relayIn = relay0[0] < 0 ? -1 : relay1[0] - relay0[0];
        r.relayDrops = relay0[1] < 0 ? -1 : relay1[1] - relay0[1];
        r.wakeups = relay0[2] < 0 ? -1 : relay1[2] - relay0[2];
        r.kernelDrops = kernel1 - kernel0;
        r.stalled = relay == null ? -1 : relay.stalledSessions(sent / sessions);
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

    /** utime+stime of a process, all its threads, from /proc/PID/stat. */
    static long processCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10_000_000L; // USER_HZ = 100
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
        for (int i = relays.size() - 1; i >= 0; i--) {
            relays.get(i).close();
        }
    }

    /** A system under test: where the generator sends each session's packets, and what the relay costs. */
    private abstract static class Relay {
        final String name;
        InetSocketAddress[] targets;

        Relay(String name) {
            this.name = name;
        }

        abstract long cpuNanos() throws IOException;

        /** Packets the relay received (or forwarded), packets it dropped, its wakeups; -1 where it cannot tell. */
        abstract long[] totals() throws Exception;

        long allocatedBytes() {
            return -1;
        }

        /** Called before every step. */
        void prepare() throws Exception {
        }

        /** Sessions that received less than half their share of the last step; -1: not known. */
        int stalledSessions(long sentPerSession) {
            return -1;
        }

        abstract void close();
    }

    /** The RTP-Port, driven over its control socket like the OM drives it. */
    private final class P2psipRelay extends Relay {
        Process child;
        RtpPort port;
        RtpPortClient om;

        P2psipRelay() {
            super("p2psip");
        }

        void start(int low, int high, InetSocketAddress rxAddr) throws Exception {
            Path socket = dir.resolve("rtp.sock");
            if (inProcess) {
                port = new RtpPort(RtpPortConfig.defaults(socket).withName("bench").withPorts(low, high)
                        .withWorkers(workers).withIdleTimeout(Duration.ofHours(1))).start();
            } else {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                cmd.addAll(relayJavaOpts);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RtpPortMain.class.getName(), "--control", socket.toString(),
                        "--name", "bench", "--ports", low + "-" + high, "--workers", Integer.toString(workers), "--idle-timeout", "3600"));
                child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("relay.log").toFile()).start();
                Process c = child;
                Runtime.getRuntime().addShutdownHook(new Thread(c::destroyForcibly, "rtp-port-stop")); // also on Ctrl-C
            }
            om = RtpPortClient.connect(socket, "om", "bench", RtpPortClient.ignoreEvents(), Duration.ofSeconds(60));
            targets = new InetSocketAddress[sessions];
            for (int i = 0; i < sessions; i++) {
                String id = "bench-" + i;
                ControlMessage a = om.allocateRelay(id, "udp", "udp");
                om.connectLeg(id, "a", "passive", "127.0.0.1");
                om.call(RtpConnect.of(id, "b", RtpConnect.ACTIVE, "127.0.0.1:" + rxAddr.getPort()).withKeepalive(Duration.ZERO)
                        .toMessage());
                targets[i] = new InetSocketAddress("127.0.0.1", RtpAllocateAnswer.from(a).leg("a").port());
            }
        }

        /** The relay's packets_forwarded, drops and wakeups from port.status. */
        @Override
        long[] totals() throws Exception {
            RtpPortStatus st = RtpPortStatus.from(om.status());
            return new long[] {st.packetsForwarded(), st.drops(), st.wakeups()};
        }

        /** CPU time of the relay: the child's utime+stime, or the in-process relay worker threads. */
        @Override
        long cpuNanos() throws IOException {
            if (!inProcess) {
                return processCpuNanos(child.pid());
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
        @Override
        long allocatedBytes() {
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

        @Override
        void close() {
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
    }

    /**
     * rtpengine with one call per session, set up over its ng control protocol. Before every step
     * the calls are deleted and set up anew: rtpengine's userspace relay stops reading a socket
     * for good once it found more than 50 packets queued on it five times more often than not
     * (media_socket.c, MAX_RECV_ITERS and MAX_RECV_LOOP_STRIKES, not configurable in 10.5), so a
     * step that overloaded it would otherwise leave dead calls to all the steps after it. Each
     * step reports how many calls stalled (received less than half their share).
     */
    private final class RtpengineRelay extends Relay {
        Rtpengine engine;
        InetSocketAddress caller;
        InetSocketAddress callee;
        int generation;
        int calls;
        long[] counts = new long[0];
        long[] delta = new long[0];

        RtpengineRelay() {
            super("rtpengine");
        }

        void start(int low, int high, InetSocketAddress caller, InetSocketAddress callee) throws Exception {
            this.caller = caller;
            this.callee = callee;
            engine = Rtpengine.start(dir, low, high, rtpengineThreads);
            setUp();
        }

        /** N calls: the generator sends from 'caller' (the address in the offer's SDP), rtpengine sends to 'callee'. */
        private void setUp() throws IOException {
            generation++;
            targets = new InetSocketAddress[sessions];
            for (int i = 0; i < sessions; i++) {
                targets[i] = engine.call(callId(i), caller, callee)[0];
                calls = i + 1;
            }
        }

        private void deleteAll() throws IOException {
            for (int i = 0; i < calls; i++) {
                engine.delete(callId(i));
            }
            calls = 0;
        }

        @Override
        void prepare() throws Exception {
            deleteAll();
            setUp();
        }

        private String callId(int i) {
            return "bench-" + i + "." + generation + "@p2psip";
        }

        /** Packets rtpengine received (the sum of every call's totals.RTP.packets); drops and wakeups: unknown. */
        @Override
        long[] totals() throws Exception {
            long[] now = new long[sessions];
            long in = 0;
            for (int i = 0; i < sessions; i++) {
                now[i] = engine.receivedPackets(callId(i));
                in += now[i];
            }
            delta = new long[sessions];
            for (int i = 0; i < sessions && counts.length == sessions; i++) {
                delta[i] = now[i] - counts[i];
            }
            counts = now;
            return new long[] {in, -1, -1};
        }

        @Override
        int stalledSessions(long sentPerSession) {
            int n = 0;
            for (long d : delta) {
                if (d < sentPerSession / 2) {
                    n++;
                }
            }
            return n;
        }

        @Override
        long cpuNanos() throws IOException {
            return processCpuNanos(engine.pid());
        }

        @Override
        void close() {
            if (engine == null) {
                return;
            }
            try {
                deleteAll();
            } catch (IOException e) {
                System.err.println("rtpengine: delete failed (stopping it anyway): " + e.getMessage());
            } finally {
                engine.close();
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
        long relayIn;
        long relayDrops;
        long wakeups;
        long kernelDrops;
        int stalled;
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
