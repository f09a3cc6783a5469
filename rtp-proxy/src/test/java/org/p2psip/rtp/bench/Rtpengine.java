package org.p2psip.rtp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * rtpengine (Sipwise; Debian package {@code rtpengine-daemon}) as a child process of the
 * benchmark, driven over its ng control protocol.
 *
 * <p>It runs in userspace only ({@code --table=-1}: no kernel forwarding table), in the
 * foreground, with no config file ({@code --config-file=none}), every setting on the command
 * line: media interface and ng listener on 127.0.0.1, the ng port a free one, its own media port
 * range. {@link #close()} stops it (SIGTERM, then SIGKILL); a shutdown hook does the same if the
 * benchmark JVM is interrupted.
 *
 * <p>ng protocol: one UDP datagram per request, {@code COOKIE SP bencoded-dictionary}; the reply
 * is {@code COOKIE SP bencoded-dictionary} with {@code result} = {@code ok}/{@code pong} or
 * {@code error} (and {@code error-reason}).
 */
final class Rtpengine implements AutoCloseable {
    static final List<String> BINARIES = List.of("/usr/bin/rtpengine", "/usr/sbin/rtpengine");

    private final Process process;
    private final Path log;
    private final List<String> command;
    private final DatagramChannel ng;
    private final InetSocketAddress ngAddress;
    private final Thread hook;
    private final String cookiePrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private long cookies;

    private Rtpengine(Process process, Path log, List<String> command, InetSocketAddress ngAddress) throws IOException {
        this.process = process;
        this.log = log;
        this.command = command;
        this.ngAddress = ngAddress;
        this.hook = new Thread(process::destroyForcibly, "rtpengine-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        this.ng = DatagramChannel.open();
        ng.bind(new InetSocketAddress("127.0.0.1", 0));
        ng.socket().setSoTimeout(1000);
    }

    /** The rtpengine binary, or null when it is not installed. */
    static Path binary() {
        for (String b : BINARIES) {
            if (Files.isExecutable(Path.of(b))) {
                return Path.of(b);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "rtpengine");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Starts rtpengine with {@code threads} worker threads on ports {@code portMin..portMax}; waits until it answers ping. */
    static Rtpengine start(Path dir, int portMin, int portMax, int threads) throws IOException, InterruptedException {
        Path bin = binary();
        if (bin == null) {
            throw new IOException("rtpengine is not installed (Debian package rtpengine-daemon; looked in " + BINARIES + " and PATH)");
        }
        int ngPort = freeUdpPort();
        List<String> cmd = List.of(bin.toString(),
                "--config-file=none",               // no /etc/rtpengine/rtpengine.conf
                "--table=-1",                       // userspace only: no kernel forwarding
                "--foreground", "--log-stderr", "--log-level=5",
                "--interface=127.0.0.1",
                "--listen-ng=127.0.0.1:" + ngPort,
                "--port-min=" + portMin, "--port-max=" + portMax,
                "--num-threads=" + threads,
                "--media-num-threads=0",            // no media playback threads: not used
                "--timeout=3600", "--silent-timeout=3600", "--offer-timeout=3600", "--final-timeout=0",
                "--delete-delay=0",
                "--pidfile=" + dir.resolve("rtpengine.pid"));
        Path log = dir.resolve("rtpengine.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Rtpengine r = new Rtpengine(p, log, cmd, new InetSocketAddress("127.0.0.1", ngPort));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                if (!p.isAlive()) {
                    throw new IOException("rtpengine exited with status " + p.exitValue() + " at start: " + r.logTail());
                }
                try {
                    Map<String, Object> pong = r.request(Map.of("command", "ping"), 1);
                    if ("pong".equals(pong.get("result"))) {
                        return r;
                    }
                } catch (SocketTimeoutException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("rtpengine did not answer ping on " + r.ngAddress + " within 15 s: " + r.logTail());
                }
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** What {@code rtpengine --version} prints, e.g. "rtpengine 10.5.3.5-1+deb12u1". */
    String version() {
        try {
            Process v = new ProcessBuilder(command.get(0), "--version").redirectErrorStream(true).start();
            String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            v.waitFor(5, TimeUnit.SECONDS);
            return "rtpengine " + out.replaceFirst("(?s)^Version:\\s*", "").lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "rtpengine (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "rtpengine";
        }
    }

    long pid() {
        return process.pid();
    }

    List<String> command() {
        return command;
    }

    InetSocketAddress ngAddress() {
        return ngAddress;
    }

    /**
     * One call, as a SIP proxy would set it up: offer with the caller's SDP (media at
     * {@code caller}), answer with the callee's SDP (media at {@code callee}). Returns where the
     * caller must send (the port in the SDP rtpengine gives the caller, from the answer) and
     * where the callee must send (the port in the SDP rtpengine gives the callee, from the offer).
     */
    InetSocketAddress[] call(String callId, InetSocketAddress caller, InetSocketAddress callee) throws IOException {
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("command", "offer");
        offer.put("call-id", callId);
        offer.put("from-tag", "caller");
        offer.put("sdp", sdp(caller, 1));
        offer.put("ICE", "remove");
        offer.put("flags", List.of("trust-address"));
        offer.put("replace", List.of("origin", "session-connection"));
        String toCallee = (String) ok(request(offer, 3)).get("sdp");

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("command", "answer");
        answer.put("call-id", callId);
        answer.put("from-tag", "caller");
        answer.put("to-tag", "callee");
        answer.put("sdp", sdp(callee, 2));
        answer.put("ICE", "remove");
        answer.put("flags", List.of("trust-address"));
        answer.put("replace", List.of("origin", "session-connection"));
        String toCaller = (String) ok(request(answer, 3)).get("sdp");
        return new InetSocketAddress[] {media(toCaller), media(toCallee)};
    }

    /** RTP packets rtpengine received for the call, from both sides (the query command's totals.RTP.packets). */
    long receivedPackets(String callId) throws IOException {
        Map<String, Object> q = ok(request(Map.of("command", "query", "call-id", callId), 3));
        Object totals = q.get("totals");
        if (totals instanceof Map<?, ?> t && t.get("RTP") instanceof Map<?, ?> rtp && rtp.get("packets") instanceof Long n) {
            return n;
        }
        throw new IOException("rtpengine query for " + callId + " has no totals.RTP.packets: " + q);
    }

    void delete(String callId) throws IOException {
        ok(request(Map.of("command", "delete", "call-id", callId, "from-tag", "caller"), 3));
    }

    static String sdp(InetSocketAddress media, int version) {
        String host = media.getAddress().getHostAddress();
        return "v=0\r\n"
                + "o=- " + version + " 1 IN IP4 " + host + "\r\n"
                + "s=p2psip-bench\r\n"
                + "c=IN IP4 " + host + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + media.getPort() + " RTP/AVP 8\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
    }

    /** The first audio stream's address in an SDP (session- or media-level c= line). */
    static InetSocketAddress media(String sdp) throws IOException {
        String host = null;
        int port = -1;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ")) {
                host = line.substring(9).trim(); // session level, or the audio stream's own
            } else if (line.startsWith("m=audio ") && port < 0) {
                port = Integer.parseInt(line.split(" ")[1]);
            } else if (line.startsWith("m=") && port >= 0) {
                break;
            }
        }
        if (host == null || port <= 0) {
            throw new IOException("no audio address in rtpengine's SDP:\n" + sdp);
        }
        return new InetSocketAddress(host, port);
    }

    private static Map<String, Object> ok(Map<String, Object> reply) throws IOException {
        if (!"ok".equals(reply.get("result"))) {
            throw new IOException("rtpengine: " + reply.get("result") + ": " + reply.getOrDefault("error-reason", reply));
        }
        return reply;
    }

    /** Sends one ng request and waits for the reply with its cookie; {@code tries} sends, 1 s apart. */
    @SuppressWarnings("unchecked")
    synchronized Map<String, Object> request(Map<String, Object> dict, int tries) throws IOException {
        String cookie = cookiePrefix + "_" + (++cookies);
        byte[] body = Bencode.encode(dict);
        ByteBuffer out = ByteBuffer.allocate(cookie.length() + 1 + body.length);
        out.put(cookie.getBytes(StandardCharsets.US_ASCII)).put((byte) ' ').put(body).flip();
        byte[] in = new byte[65536];
        java.net.DatagramPacket pkt = new java.net.DatagramPacket(in, in.length);
        for (int t = 0; t < tries; t++) {
            ng.send(out.duplicate(), ngAddress);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                try {
                    ng.socket().receive(pkt);
                } catch (SocketTimeoutException e) {
                    break;
                }
                String head = new String(in, 0, Math.min(pkt.getLength(), cookie.length() + 1), StandardCharsets.US_ASCII);
                if (head.equals(cookie + " ")) {
                    Object v = Bencode.decode(in, cookie.length() + 1, pkt.getLength() - cookie.length() - 1);
                    if (!(v instanceof Map)) {
                        throw new IOException("rtpengine: the reply is not a dictionary: " + v);
                    }
                    return (Map<String, Object>) v;
                }
                // a late reply to an earlier (retried) request: skip it
            }
        }
        throw new SocketTimeoutException("rtpengine: no reply to " + dict.get("command") + " on " + ngAddress + " after " + tries + " tries");
    }

    String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops rtpengine: SIGTERM, 5 s grace, then SIGKILL. */
    @Override
    public void close() {
        try {
            ng.close();
        } catch (IOException e) {
            // stopping anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    @Override
    public String toString() {
        return "rtpengine pid " + process.pid() + " (" + String.join(" ", command) + ")";
    }
}
