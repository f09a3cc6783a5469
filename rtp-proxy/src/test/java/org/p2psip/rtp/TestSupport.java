package org.p2psip.rtp;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.p2psip.rtp.config.RtpPortConfig;

/** Helpers shared by the RTP-Port tests. */
public final class TestSupport {
    private TestSupport() {
    }

    public static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /**
     * A random even port range of {@code size} ports inside 20000-29999 (below the kernel's
     * ephemeral range, so other tests' port-0 sockets rarely land there; the pool skips any port
     * that is taken anyway).
     */
    public static int[] randomRange(int size) {
        int slots = (10000 - size) / 2;
        int low = 20000 + 2 * ThreadLocalRandom.current().nextInt(slots);
        return new int[] {low, low + size - 1};
    }

    /** A config for a test RTP-Port: loopback, a random range of 200 ports, one worker. */
    public static RtpPortConfig config(Path dir, String name) {
        int[] r = randomRange(200);
        return RtpPortConfig.defaults(dir.resolve(name + ".sock")).withName(name).withBindAddress(loopback())
                .withPorts(r[0], r[1]).withWorkers(1);
    }

    /** An RTP packet: version 2, payload type {@code pt}, the given header fields, {@code payload} bytes of a pattern. */
    public static byte[] rtp(int pt, int seq, long ts, int ssrc, int payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload);
        b.put((byte) 0x80).put((byte) pt).putShort((short) seq).putInt((int) ts).putInt(ssrc);
        for (int i = 0; i < payload; i++) {
            b.put((byte) (seq * 31 + i * 7 + ssrc));
        }
        return b.array();
    }

    /** An RTCP receiver report with no report blocks (8 bytes) from {@code ssrc}. */
    public static byte[] rtcp(int ssrc) {
        return ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(ssrc).array();
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
        assertTrue(condition.getAsBoolean());
    }

    /** Open sockets of this JVM (entries of /proc/self/fd that link to socket:[...]). */
    public static int openSockets() throws IOException {
        return countSockets(Path.of("/proc/self/fd"));
    }

    public static int countSockets(Path fdDir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fdDir)) {
            for (Path p : ds) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException e) {
                    // the descriptor closed while we looked
                }
            }
        }
        return n;
    }

    /** All open descriptors of this JVM. */
    public static int openDescriptors() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            int n = 0;
            for (Path ignored : ds) {
                n++;
            }
            return n;
        }
    }
}
