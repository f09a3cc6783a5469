package org.p2psip.interop.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.fixtures.Owned;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * Floods against a real peer ({@code ./p2psip peer} in its own JVM, -Xmx256m, exit on
 * OutOfMemoryError) while a call through it has media both ways, from 127.0.0.2 and up (the peers
 * talk from 127.0.0.1: the per-source bounds keep the flood from crowding them out). First: 2,000 idle
 * TCP connections to its lookup-service port and to its OM IF, 200 slowloris clients on the OM IF,
 * 100,000 pipelined lookup requests whose answers are never read, 20 frames announcing 1 GiB, then
 * the peer's process out of file descriptors for 3 s while connections arrive at each of its TCP
 * listeners (lookup, OM IF, SIP, TCP relay), which must accept again afterwards; at most {@value #THREAD_CEILING} threads more
 * than before. Then, those closed: 2,000 idle TCP connections to its SIP TCP listener and to its TCP
 * relay, and 200 slowloris clients on SIP TCP (from 10 addresses, a byte every 300 ms; cut by the 10 s
 * message deadline); at most {@value #SIP_THREAD_CEILING} threads more than once the first floods' have gone.
 * Afterwards the call's media still flows both ways, the peer is alive, its heap after a full GC is
 * within {@value #HEAP_CEILING_MIB} MiB of what it was before the floods (and never beyond -Xmx256m:
 * it would have exited), an OPTIONS over TCP gets 200, the TCP relay answers a first line, and a new
 * call succeeds.
 */
public class PeerFloodTest {
    /**
     * Threads the flood may add to the peer: 256 lookup-service readers (the per-source bound of one
     * flooding address), 64 OM IF threads, lookup workers and timers (one run: 104 -> 471).
     */
    static final int THREAD_CEILING = 450;
    /**
     * Threads the SIP TCP and TCP relay floods may add to the peer (counted from when the first floods'
     * threads have gone): the RI's two threads (reader and parser) per admitted SIP TCP connection, 200
     * slowloris + 32 idle from one address (the per-source cap); one per relay connection in its first
     * line, at most 128; 100 for workers and timers (one run: +695 counted from before the first floods).
     */
    static final int SIP_THREAD_CEILING = 2 * (200 + 32) + 128 + 100;
    /** Heap growth allowed, after a full GC, between before and after the floods (MiB). */
    static final int HEAP_CEILING_MIB = 64;

    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 300_000)
    public void aPeerUnderFloodsKeepsItsCallAndTakesANewOne() throws Exception {
        Path root = Files.createTempDirectory("p2psip-flood-");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "org.p2psip.peer.cli.P2psip");
        Path logs = Path.of("target", "peer-processes");
        // unsecured (--security off): the floods must reach the lookup service's frame parser, which on a secured
        // wire sits behind the TLS handshake (that refuses them first)
        int relayPort = org.p2psip.interop.fixtures.FreePorts.tcpAndUdp();
        PeerProcess pa = owned.track(PeerProcess.start("floodA", root, java, Map.of("P2PSIP_FLOW_LEVEL", "INFO"), logs, "--security", "off",
                "--rtp-ports", "24500-24599", "--relay-policy", "never", "--tcp-relay-port", Integer.toString(relayPort)));
        PeerProcess pb = owned.track(PeerProcess.start("floodB", root, java, Map.of("P2PSIP_FLOW_LEVEL", "INFO"), logs, "--security", "off",
                "--bootstrap", pa.lookup(), "--rtp-ports", "25500-25599", "--relay-policy", "never"));
        Phone alice = owned.track(PeersAsProcessesTest.phone("alice", pa.sip()));
        Phone bob = owned.track(PeersAsProcessesTest.phone("bob", pb.sip()));
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = answer(bob);
        PeersAsProcessesTest.callRetrying404(alice, "bob");
        answered.get(40, TimeUnit.SECONDS);
        assertTrue("media at alice", alice.awaitMedia(Duration.ofSeconds(20)));
        assertTrue("media at bob", bob.awaitMedia(Duration.ofSeconds(20)));

        long pid = pa.process().pid();
        int threadsBefore = threads(pid);
        long heapBefore = heapAfterGc(pid);
        InetSocketAddress lookup = address(pa.lookup());
        InetSocketAddress omIf = address(pa.om().replaceFirst("^https?://", "").replaceFirst("/.*$", ""));
        List<Socket> flood = new ArrayList<>();
        int maxThreads = threadsBefore;
        try {
            int refused = 0;
            for (InetSocketAddress target : List.of(lookup, omIf)) {
                for (int i = 0; i < 2000; i++) {
                    Socket s = tryConnect(target);
                    if (s == null) {
                        refused++;
                    } else {
                        flood.add(s);
                    }
                }
            }
            System.out.println("[flood] 2 x 2,000 idle connections: " + refused + " refused or reset at connect");
            maxThreads = Math.max(maxThreads, threads(pid));
            byte[] slowHead = ("POST /om/v1 HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII);
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Socket s = connect(omIf);
                s.getOutputStream().write(slowHead);
                slow.add(s);
                flood.add(s);
            }
            pipeline(lookup, 100_000);
            for (int i = 0; i < 20; i++) {
                Socket s = tryConnect(lookup);
                if (s == null) {
                    continue;
                }
                flood.add(s);
                ByteBuffer h = ByteBuffer.allocate(12).putShort((short) 0x4344).put((byte) 1).put((byte) 17).putInt(i).putInt(1 << 30);
                try {
                    s.getOutputStream().write(h.array());
                } catch (IOException refusedByThePeer) {
                    // shed: fine
                }
            }
            for (int b = 0; b < 10; b++) {
                for (Socket s : slow) {
                    try {
                        s.getOutputStream().write('X');
                    } catch (IOException cut) {
                        // cut by the peer: fine
                    }
                }
                Thread.sleep(300);
                maxThreads = Math.max(maxThreads, threads(pid));
            }
            // the peer's process out of file descriptors for 3 s, new connections arriving meanwhile
            String limits = FdLimits.get(pid);
            FdLimits.set(pid, FdLimits.open(pid) + ":" + limits.split(":")[1]);
            try {
                for (int i = 0; i < 50; i++) {
                    // every TCP listener's accept loop meets "Too many open files"; each must go on accepting
                    for (InetSocketAddress target : List.of(lookup, omIf, address(pa.sip()), new InetSocketAddress("127.0.0.1", relayPort))) {
                        Socket s = tryConnect(target);
                        if (s != null) {
                            flood.add(s);
                        }
                    }
                }
                Thread.sleep(3000);
            } finally {
                FdLimits.set(pid, limits);
            }
            maxThreads = Math.max(maxThreads, threads(pid));
            System.out.println("[flood] lookup, OM IF, fd exhaustion: peer threads " + threadsBefore + " before, at most "
                    + maxThreads + " during");
            assertTrue("threads " + threadsBefore + " -> " + maxThreads, maxThreads <= threadsBefore + THREAD_CEILING);
            for (Socket s : flood) {
                s.close();
            }
            flood.clear();

            // SIP TCP and the TCP relay: 2,000 idle connections each, 200 slowloris clients on SIP TCP
            InetSocketAddress sipTcp = address(pa.sip());
            InetSocketAddress relay = new InetSocketAddress("127.0.0.1", relayPort);
            long settle = System.currentTimeMillis() + 15_000;
            while (threads(pid) > threadsBefore + 60 && System.currentTimeMillis() < settle) {
                Thread.sleep(200); // the first floods' readers end as their connections close
            }
            int sipBase = threads(pid);
            int sipMax = sipBase;
            List<Socket> sipSlow = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Socket s = tryConnect(sipTcp, "127.0.0." + (10 + i % 10));
                if (s != null) {
                    flood.add(s);
                    sipSlow.add(s);
                    try {
                        s.getOutputStream().write("OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException cut) {
                        // shed
                    }
                }
            }
            int refusedSip = 0;
            for (InetSocketAddress target : List.of(sipTcp, relay)) {
                for (int i = 0; i < 2000; i++) {
                    Socket s = tryConnect(target);
                    if (s == null) {
                        refusedSip++;
                    } else {
                        flood.add(s);
                    }
                }
            }
            System.out.println("[flood] SIP TCP and TCP relay, 2 x 2,000 idle connections: " + refusedSip + " refused or reset at connect");
            for (int b = 0; b < 12; b++) {
                for (Socket s : sipSlow) {
                    try {
                        s.getOutputStream().write('X');
                    } catch (IOException cut) {
                        // cut by the peer: fine
                    }
                }
                Thread.sleep(300);
                sipMax = Math.max(sipMax, threads(pid));
            }
            System.out.println("[flood] SIP TCP and TCP relay: peer threads " + sipBase + " before (" + threadsBefore
                    + " before the first floods), at most " + sipMax + " during");
            assertTrue("threads " + sipBase + " -> " + sipMax, sipMax <= sipBase + SIP_THREAD_CEILING);
            maxThreads = Math.max(maxThreads, sipMax);
            MediaStats a0 = alice.stats();
            MediaStats b0 = bob.stats();
            Thread.sleep(2000);
            MediaStats a1 = alice.stats();
            MediaStats b1 = bob.stats();
            assertTrue("alice still hears bob: " + a0.summary() + " -> " + a1.summary(), a1.packetsReceived() > a0.packetsReceived() + 20);
            assertTrue("bob still hears alice: " + b0.summary() + " -> " + b1.summary(), b1.packetsReceived() > b0.packetsReceived() + 20);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        assertTrue("the peer is alive (no OutOfMemoryError exit)\n" + pa.logTail(), pa.process().isAlive());
        long heapAfter = heapAfterGc(pid);
        System.out.println("[flood] peer threads " + threadsBefore + " before, at most " + maxThreads + " during the floods; heap after"
                + " a full GC " + heapBefore / 1024 + " KiB before, " + heapAfter / 1024 + " KiB after");
        assertTrue("heap after GC " + heapBefore + " -> " + heapAfter + " bytes",
                heapAfter <= heapBefore + HEAP_CEILING_MIB * 1024L * 1024);
        assertTrue("a SIP request over TCP is answered after the floods", optionsOverTcp(address(pa.sip())).startsWith("SIP/2.0 200 "));
        assertEquals("the TCP relay answers a first line after the floods", "ERR unknown command",
                relayAnswer(new InetSocketAddress("127.0.0.1", relayPort)));
        alice.hangup();
        assertTrue("bob sees the BYE", bob.awaitHangup(Duration.ofSeconds(15)) != null);

        CompletableFuture<Void> again = answer(bob);
        long t0 = System.nanoTime();
        PeersAsProcessesTest.callRetrying404(alice, "bob");
        again.get(40, TimeUnit.SECONDS);
        assertTrue("media after the floods", alice.awaitMedia(Duration.ofSeconds(20)) && bob.awaitMedia(Duration.ofSeconds(20)));
        System.out.println("[flood] a new call answered " + (System.nanoTime() - t0) / 1_000_000 + " ms after the floods");
        alice.hangup();
        bob.awaitHangup(Duration.ofSeconds(15));
    }

    private static CompletableFuture<Void> answer(Phone callee) {
        return CompletableFuture.runAsync(() -> {
            try {
                callee.answer(Duration.ofSeconds(60));
            } catch (PhoneException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** A connection from 127.0.0.2 (a flood source other than the peers' 127.0.0.1). */
    private static Socket connect(InetSocketAddress to) throws IOException {
        return connect(to, "127.0.0.2");
    }

    private static Socket connect(InetSocketAddress to, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        try {
            s.connect(to, 5000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static Socket tryConnect(InetSocketAddress to, String from) {
        try {
            return connect(to, from);
        } catch (IOException e) {
            return null;
        }
    }

    /** The status line of the answer to an OPTIONS sent over a new TCP connection from 127.0.0.3. */
    private static String optionsOverTcp(InetSocketAddress sip) throws IOException {
        try (Socket s = connect(sip, "127.0.0.3")) {
            String id = "after-flood-" + System.nanoTime();
            String req = "OPTIONS sip:" + sip.getHostString() + ":" + sip.getPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.3:" + s.getLocalPort() + ";branch=z9hG4bK" + id + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.3>;tag=1\r\nTo: <sip:" + sip.getHostString() + ">\r\n"
                    + "Call-ID: " + id + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            byte[] b = new byte[12];
            int n = s.getInputStream().readNBytes(b, 0, 12);
            return new String(b, 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** The TCP relay's answer line to an unknown command sent over a new connection from 127.0.0.3. */
    private static String relayAnswer(InetSocketAddress relay) throws IOException {
        try (Socket s = connect(relay, "127.0.0.3")) {
            s.getOutputStream().write("HELLO\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** The peer's heap in use after a full GC (jcmd GC.run, then GC.heap_info), in bytes. */
    private static long heapAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        FdLimits.run(jcmd, Long.toString(pid), "GC.run");
        String info = FdLimits.run(jcmd, Long.toString(pid), "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IOException("no heap figure in jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /**
     * 100,000 12-byte CLIENT_GET-less pings written back to back on one connection; the answers are never
     * read. From 127.0.0.4, an address the idle flood (127.0.0.2) has not used up, so the connection is
     * admitted; connecting is tried a few times (the accept queue may still be full of the idle flood).
     */
    private static void pipeline(InetSocketAddress lookup, int n) throws Exception {
        Socket connected = null;
        for (int i = 0; i < 10 && connected == null; i++) {
            connected = tryConnect(lookup, "127.0.0.4");
            if (connected == null) {
                Thread.sleep(300);
            }
        }
        try (Socket s = connected) {
            if (s == null) {
                throw new AssertionError("the pipelining client could not connect to " + lookup);
            }
            s.setTcpNoDelay(true);
            ByteBuffer one = ByteBuffer.allocate(12).putShort((short) 0x4344).put((byte) 1).put((byte) 1).putInt(1).putInt(0);
            byte[] batch = new byte[12 * 500];
            for (int i = 0; i < 500; i++) {
                System.arraycopy(one.array(), 0, batch, i * 12, 12);
            }
            OutputStream out = s.getOutputStream();
            try {
                for (int sent = 0; sent < n; sent += 500) {
                    out.write(batch);
                }
            } catch (IOException cut) {
                // the peer cut the connection (write timeout): fine
            }
        }
    }

    /** {@link #connect}, or null when the connection is refused or reset (shedding, a full backlog). */
    private static Socket tryConnect(InetSocketAddress to) {
        try {
            return connect(to);
        } catch (IOException e) {
            return null;
        }
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static int threads(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("Threads:")) {
                return Integer.parseInt(l.substring(8).trim());
            }
        }
        throw new IOException("no thread count for " + pid);
    }

    /** The open-files limit of a process, with prlimit (util-linux). */
    static final class FdLimits {
        static String get(long pid) throws Exception {
            return run("prlimit", "--pid", Long.toString(pid), "--nofile", "--output", "SOFT,HARD", "--noheadings").trim()
                    .replaceAll("\\s+", ":");
        }

        static void set(long pid, String softHard) throws Exception {
            run("prlimit", "--pid", Long.toString(pid), "--nofile=" + softHard);
        }

        static int open(long pid) throws IOException {
            try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                return (int) s.count();
            }
        }

        static String run(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        }
    }
}
