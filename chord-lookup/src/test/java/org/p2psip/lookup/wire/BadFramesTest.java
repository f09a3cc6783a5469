package org.p2psip.lookup.wire;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.TestRing;
import org.p2psip.lookup.chord.WireMessages;
import org.p2psip.lookup.client.RemoteLookupClient;
import org.slf4j.LoggerFactory;

/**
 * Malformed, truncated and oversized frames close that connection with a logged warning and the
 * node keeps serving; a node that accepts a request but never answers makes callers time out cleanly.
 */
public class BadFramesTest {
    private final TestRing ring = new TestRing();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private ChordNode node;
    private RemoteLookupClient client;
    private ServerSocket silent;

    @Before
    public void setUp() throws Exception {
        ((Logger) LoggerFactory.getLogger(TcpTransport.class)).addAppender(logged);
        logged.start();
        node = ring.start(TestRing.fastConfig().frameReadTimeout(Duration.ofMillis(700)).build());
        ring.grow(2);
        ring.awaitStable(Duration.ofSeconds(30));
        client = new RemoteLookupClient(List.of(node.ref().toAddress()), Duration.ofSeconds(5));
        client.put("k", "v", 600).get(10, TimeUnit.SECONDS);
    }

    @After
    public void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(TcpTransport.class)).detachAppender(logged);
        if (client != null) {
            client.close();
        }
        if (silent != null) {
            silent.close();
        }
        ring.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(node.ref().host(), node.ref().port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends {@code bytes}, then expects the node to close the connection and log a warning containing {@code why}. */
    private void expectClosed(byte[] bytes, boolean halfClose, String why) throws Exception {
        int before = logged.list.size();
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                while (in.read(buf) >= 0) {
                    // drain until the node closes
                }
            } catch (SocketTimeoutException e) {
                fail("node did not close the connection after: " + why);
            } catch (IOException reset) {
                // closed with a reset: fine
            }
        }
        TestRing.await("warning about " + why, Duration.ofSeconds(10), () -> {
            synchronized (logged.list) {
                return logged.list.stream().skip(before).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                        && e.getFormattedMessage().contains(why));
            }
        });
        // the node keeps serving
        assertEquals(List.of("v"), client.get("k").get(10, TimeUnit.SECONDS));
    }

    private static byte[] header(int magic, int version, int kind, int id, long length) {
        ByteBuffer b = ByteBuffer.allocate(FrameCodec.HEADER_BYTES);
        b.putShort((short) magic).put((byte) version).put((byte) kind).putInt(id).putInt((int) length);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test(timeout = 60_000)
    public void garbageIsRejected() throws Exception {
        expectClosed("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false, "bad magic");
    }

    @Test(timeout = 60_000)
    public void oversizedFrameIsRejected() throws Exception {
        expectClosed(header(FrameCodec.MAGIC, 1, WireMessages.PING, 1, 0x40000000L), false, "oversized frame");
    }

    @Test(timeout = 60_000)
    public void truncatedFrameIsRejected() throws Exception {
        byte[] h = header(FrameCodec.MAGIC, 1, WireMessages.STORE_GET, 1, 100);
        expectClosed(concat(h, new byte[10]), true, "truncated frame");
    }

    @Test(timeout = 60_000)
    public void peerStallingMidFrameIsCutOff() throws Exception {
        byte[] h = header(FrameCodec.MAGIC, 1, WireMessages.STORE_GET, 1, 100);
        expectClosed(java.util.Arrays.copyOf(h, 5), false, "stalled");
    }

    @Test(timeout = 60_000)
    public void malformedPayloadIsRejected() throws Exception {
        // a FIND_STEP whose payload is 3 bytes instead of a 20-byte id and a list
        byte[] h = header(FrameCodec.MAGIC, 1, WireMessages.FIND_STEP, 7, 3);
        expectClosed(concat(h, new byte[] {1, 2, 3}), false, "truncated payload");
        // a put whose string length runs past the payload
        byte[] p = new byte[] {0x10, 0x00, 'a'};
        expectClosed(concat(header(FrameCodec.MAGIC, 1, WireMessages.CLIENT_PUT, 8, p.length), p), false,
                "truncated payload");
    }

    @Test(timeout = 60_000)
    public void otherVersionGetsAnErrorAndIsClosed() throws Exception {
        int before = logged.list.size();
        try (Socket s = connect()) {
            s.getOutputStream().write(header(FrameCodec.MAGIC, 2, WireMessages.PING, 5, 0));
            Frame f = FrameCodec.read(s.getInputStream());
            assertTrue(f.response());
            assertEquals(ErrorCodes.VERSION_MISMATCH, f.payload()[0]);
            assertEquals(-1, s.getInputStream().read());
        }
        assertTrue(logged.list.stream().skip(before).anyMatch(e -> e.getFormattedMessage().contains("unsupported protocol version 2")));
    }

    @Test(timeout = 60_000)
    public void unknownTypeIsAnsweredAndConnectionKept() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(FrameCodec.encode(new Frame(99, false, 41, new byte[0])));
            Frame f = FrameCodec.read(s.getInputStream());
            assertEquals(41, f.requestId());
            assertEquals(ErrorCodes.UNKNOWN_TYPE, f.payload()[0]);
            out.write(FrameCodec.encode(new Frame(WireMessages.PING, false, 42, new byte[0])));
            Frame ping = FrameCodec.read(s.getInputStream());
            assertEquals(42, ping.requestId());
            assertEquals(ErrorCodes.OK, ping.payload()[0]);
        }
    }

    @Test(timeout = 60_000)
    public void nodeThatNeverAnswersTimesOutCleanly() throws Exception {
        silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = silent.accept();
                    // read and ignore: the request arrives, the answer never does
                    Thread t = new Thread(() -> {
                        try (DataInputStream in = new DataInputStream(s.getInputStream())) {
                            while (in.read() >= 0) {
                                // swallow
                            }
                        } catch (IOException ignored) {
                            // closed by the test
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                // test over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        Address dead = new Address("127.0.0.1", silent.getLocalPort());

        try (RemoteLookupClient c = new RemoteLookupClient(List.of(dead), Duration.ofMillis(800))) {
            long t0 = System.nanoTime();
            try {
                c.get("k").get(20, TimeUnit.SECONDS);
                fail("a silent node answered");
            } catch (java.util.concurrent.ExecutionException e) {
                assertEquals(Reason.TIMEOUT, LookupException.unwrap(e).reason());
            }
            assertTrue("timed out too late", System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
            // with a live node as the second via, the same client works
        }
        try (RemoteLookupClient c = new RemoteLookupClient(List.of(dead, node.ref().toAddress()), Duration.ofMillis(800))) {
            assertEquals(List.of("v"), c.get("k").get(20, TimeUnit.SECONDS));
        }
        // joining through it fails with a clear error, and the joining node releases its port
        ChordNode joiner = new ChordNode(TestRing.fastConfig().rpcTimeout(Duration.ofMillis(800)).build());
        try {
            joiner.join(dead);
            fail("joined through a silent node");
        } catch (LookupException e) {
            assertEquals(Reason.TIMEOUT, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("cannot join"));
        } finally {
            joiner.close();
        }
        // unreachable (nothing listening) is a different, equally clear error
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        try (RemoteLookupClient c = new RemoteLookupClient(new Address("127.0.0.1", freePort))) {
            c.get("k").get(20, TimeUnit.SECONDS);
            fail("answer from nowhere");
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(Reason.UNREACHABLE, LookupException.unwrap(e).reason());
        }
    }
}
