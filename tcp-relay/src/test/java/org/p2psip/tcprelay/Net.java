package org.p2psip.tcprelay;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Socket helpers for the relay tests: generous timeouts, no timing assertions. */
final class Net {

    /** Read timeout of test sockets: long enough for a loaded machine. */
    static final int READ_TIMEOUT_MILLIS = 30_000;
    /** How long {@link #await} waits. */
    static final Duration AWAIT = Duration.ofSeconds(30);

    private Net() {
    }

    /** A connected socket (host string kept as is, resolved here) with a read timeout. */
    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 10_000);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    static void writeLine(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one line byte by byte (so nothing after it is consumed); null at EOF. */
    static String readLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Reads until EOF. */
    static byte[] readAll(Socket socket) throws IOException {
        return socket.getInputStream().readAllBytes();
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readExactly(Socket socket, int n) throws IOException {
        byte[] data = socket.getInputStream().readNBytes(n);
        assertEquals("bytes before EOF", n, data.length);
        return data;
    }

    /** True if the peer closed the connection (EOF or reset) before sending anything. */
    static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Sends {@code data} to an echo service at {@code address}, half-closes, and checks the echo. */
    static void echo(InetSocketAddress address, byte[] data) throws Exception {
        try (Socket socket = connect(address)) {
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(data);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the reader below fails
                }
            }, "test-echo-writer");
            writer.setDaemon(true);
            writer.start();
            byte[] echoed = readAll(socket);
            writer.join(READ_TIMEOUT_MILLIS);
            assertArrayEquals(data, echoed);
        }
    }

    /** Whether an echo through {@code address} works now (single attempt, errors mean no). */
    static boolean echoWorks(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            writeLine(socket, "ping");
            return "ping".equals(readLine(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code condition} holds, failing after {@link #AWAIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Waits until no live thread's name starts with {@code prefix}. */
    static void awaitNoThreads(String prefix) throws InterruptedException {
        await("no threads named " + prefix + "*", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix)));
    }
}
