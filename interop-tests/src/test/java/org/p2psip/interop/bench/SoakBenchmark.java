package org.p2psip.interop.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.p2psip.interop.peer.PeerProcess;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.PortInfo;
import org.p2psip.om.omif.v1.PortType;
import org.p2psip.om.types.Address;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.p2psip.phone.PhoneException;

/**
 * The soak ({@code scripts/bench soak [--calls N] [--pairs P] [--hold-ms MS]}): three {@code ./p2psip peer}
 * processes on loopback, unsecured ({@code --security off}: its users are many and not enrolled; the cost of
 * security is {@code scripts/bench security}) (peer3 the relay; peer1 and peer2 with {@code --relay-policy always}, so every
 * call's media runs RTP1 -> RTP3 -> RTP2), P phone pairs (caller@peer1, callee@peer2) each placing
 * calls one after the other: answered, media both ways, held, hung up; N calls in all, at the steady
 * rate the pairs sustain. Before (idle, after one warm-up call) and after (idle again, 75 s after the
 * last call, so that pooled threads idle past their keep-alive have ended) it prints, per
 * peer: SATOs, RTP-Port sessions, threads, open file descriptors and heap used after a full GC
 * ({@code jcmd GC.run}). Exit status 0 when every call succeeded, no SATO and no RTP session is left
 * and threads, descriptors and heap are back near their idle values (threads +10, descriptors +20,
 * heap +16 MiB), 1 otherwise.
 */
public final class SoakBenchmark {
    /** How long the peers idle before the second snapshot. */
    static final long SETTLE_MILLIS = 75_000;

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = 10_000;
        int pairs = 4;
        long holdMs = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--hold-ms" -> holdMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: scripts/bench soak [--calls N] [--pairs P] [--hold-ms MS]");
                    System.exit(2);
                }
            }
        }
        System.exit(run(calls, pairs, holdMs) ? 0 : 1);
    }

    static boolean run(int calls, int pairs, long holdMs) throws Exception {
        Path root = Files.createTempDirectory("p2psip-soak-");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "org.p2psip.peer.cli.P2psip");
        Path logs = Path.of("target", "soak");
        List<PeerProcess> peers = new ArrayList<>();
        List<Phone> phones = new ArrayList<>();
        try {
            PeerProcess p3 = PeerProcess.start("peer3", root, java, Map.of(), logs, "--security", "off", "--rtp-ports", "26200-26599",
                    "--relay-policy", "never");
            peers.add(p3);
            PeerProcess p1 = PeerProcess.start("peer1", root, java, Map.of(), logs, "--security", "off", "--bootstrap", p3.lookup(),
                    "--rtp-ports", "24600-24999", "--relay-policy", "always");
            peers.add(p1);
            PeerProcess p2 = PeerProcess.start("peer2", root, java, Map.of(), logs, "--security", "off", "--bootstrap", p3.lookup(),
                    "--rtp-ports", "25600-25999", "--relay-policy", "always");
            peers.add(p2);
            List<Phone[]> pairList = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                Phone caller = phone("caller" + i, p1.sip());
                Phone callee = phone("callee" + i, p2.sip());
                phones.add(caller);
                phones.add(callee);
                caller.register();
                callee.register();
                pairList.add(new Phone[] {caller, callee});
            }
            Thread.sleep(3000); // the ring settles
            for (Phone[] pair : pairList) {
                callOnce(pair[0], pair[1], "callee" + pairList.indexOf(pair), holdMs, 30); // warm-up, retrying 404s
            }
            List<Snapshot> before = snapshots(peers);
            print("idle before", before);

            AtomicInteger left = new AtomicInteger(calls);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong setupNanos = new AtomicLong();
            CountDownLatch done = new CountDownLatch(pairs);
            long t0 = System.nanoTime();
            final long hold = holdMs;
            for (int i = 0; i < pairs; i++) {
                Phone[] pair = pairList.get(i);
                String callee = "callee" + i;
                Thread t = new Thread(() -> {
                    try {
                        while (left.getAndDecrement() > 0) {
                            long s = System.nanoTime();
                            try {
                                callOnce(pair[0], pair[1], callee, hold, 0);
                                ok.incrementAndGet();
                                setupNanos.addAndGet(System.nanoTime() - s);
                            } catch (Exception | AssertionError e) {
                                if (failed.incrementAndGet() <= 10) {
                                    System.out.println("soak: call to " + callee + " failed: " + e.getMessage());
                                }
                            }
                            int n = ok.get() + failed.get();
                            if (n % 500 == 0) {
                                System.out.printf("soak: %d calls (%d failed), %.1f calls/s%n", n, failed.get(),
                                        n / ((System.nanoTime() - t0) / 1e9));
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                }, "soak-pair-" + i);
                t.setDaemon(true);
                t.start();
            }
            done.await();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("soak: %d calls in %.0f s (%.2f calls/s), %d failed; mean call (set-up, media both ways, %d ms held, "
                    + "hang-up) %.0f ms%n", ok.get() + failed.get(), secs, (ok.get() + failed.get()) / secs, failed.get(), holdMs,
                    ok.get() == 0 ? 0.0 : setupNanos.get() / 1e6 / ok.get());
            // media sessions and SATOs released, and idle pool threads ended (worker pools end theirs after
            // 30 s idle, Jetty after 60 s): what is left is what the calls leaked
            Thread.sleep(SETTLE_MILLIS);
            List<Snapshot> after = snapshots(peers);
            print("idle after", after);
            boolean good = failed.get() == 0;
            for (int i = 0; i < peers.size(); i++) {
                Snapshot b = before.get(i);
                Snapshot a = after.get(i);
                if (a.satos != 0 || a.rtpSessions != 0 || a.threads > b.threads + 10 || a.fds > b.fds + 20
                        || a.heapKib > b.heapKib + 16 * 1024) {
                    System.out.println("soak: " + a.name + " is not back at idle: " + b + " -> " + a);
                    good = false;
                }
            }
            System.out.println("soak: " + (good ? "PASS" : "FAIL"));
            return good;
        } finally {
            for (Phone p : phones) {
                p.close();
            }
            for (PeerProcess p : peers) {
                p.close();
            }
        }
    }

    /** One call: answered, media both ways, held, hung up; retries 404/408 for {@code retrySeconds}. */
    private static void callOnce(Phone caller, Phone callee, String user, long holdMs, int retrySeconds) throws Exception {
        Thread answerer = new Thread(() -> {
            try {
                callee.answer(Duration.ofSeconds(30));
            } catch (PhoneException e) {
                // the caller sees the failure
            }
        });
        answerer.setDaemon(true);
        answerer.start();
        long deadline = System.currentTimeMillis() + retrySeconds * 1000L;
        while (true) {
            try {
                caller.call(user, Duration.ofSeconds(20));
                break;
            } catch (PhoneException e) {
                if ((e.statusCode() != 404 && e.statusCode() != 408) || System.currentTimeMillis() > deadline) {
                    answerer.interrupt();
                    throw e;
                }
                Thread.sleep(500);
            }
        }
        answerer.join(30_000);
        if (!caller.awaitMedia(Duration.ofSeconds(10)) || !callee.awaitMedia(Duration.ofSeconds(10))) {
            caller.hangup();
            callee.awaitHangup(Duration.ofSeconds(10));
            throw new AssertionError("no media both ways");
        }
        Thread.sleep(holdMs);
        caller.hangup();
        if (callee.awaitHangup(Duration.ofSeconds(10)) == null) {
            throw new AssertionError("the callee did not see the BYE");
        }
    }

    private static Phone phone(String user, String sip) throws PhoneException {
        String[] hp = sip.split(":");
        return Phone.start(PhoneConfig.builder(user, new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))
                .listen("127.0.0.1", 0).build());
    }

    /** One peer at one moment. */
    record Snapshot(String name, int satos, int rtpSessions, int threads, int fds, long heapKib) {
        @Override
        public String toString() {
            return String.format("%s: SATOs %d, RTP sessions %d, threads %d, fds %d, heap after GC %d KiB", name, satos,
                    rtpSessions, threads, fds, heapKib);
        }
    }

    private static List<Snapshot> snapshots(List<PeerProcess> peers) throws Exception {
        List<Snapshot> out = new ArrayList<>();
        for (PeerProcess p : peers) {
            // each peer asked as its operator would: with its own certificate when it runs secured
            try (SoapOmIfClient client = p.omIfClient()) {
                GetNodeStatusResponse st = new RemoteOverlayManager(client, () -> null, () -> null).status(p.omAddress());
                int sessions = 0;
                for (PortInfo port : st.getPort()) {
                    if (port.getType() == PortType.RTP_PORT) {
                        sessions += port.getSessions();
                    }
                }
                long pid = p.process().pid();
                out.add(new Snapshot(p.name, st.getSato().size(), sessions, threads(pid), fds(pid), heapAfterGc(pid)));
            }
        }
        return out;
    }

    private static void print(String when, List<Snapshot> s) {
        System.out.println("soak: " + when + ":");
        for (Snapshot x : s) {
            System.out.println("  " + x);
        }
    }

    private static int threads(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("Threads:")) {
                return Integer.parseInt(l.substring(8).trim());
            }
        }
        return -1;
    }

    private static int fds(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.count();
        }
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** Heap in use after a full GC of {@code pid}, from {@code jcmd GC.run} and {@code GC.heap_info} (KiB). */
    private static long heapAfterGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        long used = 0;
        for (String l : jcmd(pid, "GC.heap_info").split("\n")) {
            if (l.contains("Metaspace") || l.contains("class space")) {
                continue;
            }
            if (l.contains("generation") || l.contains("heap")) {
                Matcher m = USED.matcher(l);
                if (m.find()) {
                    used += Long.parseLong(m.group(1));
                }
            }
        }
        return used;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
