package org.p2psip.control;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The control protocol over real Unix-domain sockets. */
public class ControlProtocolTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<AutoCloseable> owned = new ArrayList<>();
    private Path socket;

    /** A SATO-Port-like handler: echo, add, a slow call, a typed error, and events back to the caller. */
    private final BlockingQueue<ControlMessage> serverEvents = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
    private final ControlHandler portHandler = new ControlHandler() {
        @Override
        public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
            switch (r.type()) {
                case "test.echo":
                    return ControlMessage.responseTo(r).withAll("v", r.getAll("v"));
                case "test.add":
                    return ControlMessage.responseTo(r).with("sum", r.requireLong("a") + r.requireLong("b"));
                case "test.slow":
                    sleep(r.requireLong("ms"));
                    return ControlMessage.responseTo(r).with("slept", r.get("ms"));
                case "test.notify":
                    // answer first, then tell the caller asynchronously, like "signalling SATO ready"
                    CompletableFuture.runAsync(() -> {
                        try {
                            from.sendEvent(ControlMessage.event("test.ready").with("sato", r.require("sato")));
                        } catch (ControlException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    return ControlMessage.responseTo(r).with("accepted", "true");
                case "test.count":
                    counted.incrementAndGet();
                    assertEquals("the sender's wait is not the handler's business", null, r.get(MessageTypes.F_WAIT_MS));
                    return ControlMessage.responseTo(r);
                case "test.notify-after":
                    // "signalling SATO ready" as the OM sends it: right after the answer, by the same worker
                    from.sendEventAfterAnswer(r, ControlMessage.event("test.ready").with("sato", r.require("sato")));
                    if (r.get("fail") != null) {
                        throw new ControlException(ErrorCode.UNAVAILABLE, "no SATO after all");
                    }
                    return ControlMessage.responseTo(r).with("accepted", "true");
                case "test.fail":
                    throw new ControlException(ErrorCode.RESOURCE_EXHAUSTED, "no free RTP ports in 40000-40009");
                default:
                    throw ControlHandler.unknownType(r);
            }
        }

        @Override
        public void onEvent(ControlConnection from, ControlMessage event) {
            serverEvents.add(event);
        }
    };

    @Before
    public void setUp() throws IOException {
        socket = tmp.getRoot().toPath().resolve("state").resolve("rtp-port.sock");
    }

    @After
    public void tearDown() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }

    private <T extends AutoCloseable> T own(T c) {
        owned.add(c);
        return c;
    }

    private ControlServer listen() throws IOException {
        return own(ControlServer.listen(socket, "rtp-port", "test-port", portHandler));
    }

    private ControlClient connect(ControlHandler h) throws ControlException {
        return own(ControlClient.connect(socket, "om", "test-om", h, T));
    }

    @Test
    public void requestAndResponseWithRepeatedFields() throws Exception {
        ControlServer server = listen();
        ControlClient om = connect(ControlHandler.NONE);
        ControlMessage answer = om.call(ControlMessage.request("test.echo").with("v", "a").with("v", "b=c").with("v", "ünï"));
        assertEquals(ControlMessage.Kind.RESPONSE, answer.kind());
        assertEquals(List.of("a", "b=c", "ünï"), answer.getAll("v"));
        assertEquals("5", om.call(ControlMessage.request("test.add").with("a", 2).with("b", 3)).get("sum"));
        assertEquals("rtp-port", om.connection().remoteRole());
        assertEquals(1, server.connections().size());
        assertEquals("om", server.connections().get(0).remoteRole());
    }

    @Test
    public void typedErrorsReachTheCaller() throws Exception {
        listen();
        ControlClient om = connect(ControlHandler.NONE);
        assertError(om, ControlMessage.request("test.fail"), ErrorCode.RESOURCE_EXHAUSTED, "no free RTP ports");
        assertError(om, ControlMessage.request("test.nosuch"), ErrorCode.UNKNOWN_TYPE, "test.nosuch");
        assertError(om, ControlMessage.request("test.add").with("a", 1), ErrorCode.BAD_REQUEST, "missing field 'b'");
        assertError(om, ControlMessage.request("test.add").with("a", 1).with("b", "x"), ErrorCode.BAD_REQUEST, "not a number");
    }

    @Test
    public void manyConcurrentRequestsOnOneConnectionAreMatchedToTheirAnswers() throws Exception {
        listen();
        ControlClient om = connect(ControlHandler.NONE);
        List<CompletableFuture<ControlMessage>> futures = new ArrayList<>();
        // slow requests first: later fast answers overtake them, so correlation must be by id
        for (int i = 0; i < 20; i++) {
            futures.add(om.request(ControlMessage.request("test.slow").with("ms", 200 - i * 10), T));
        }
        for (int i = 0; i < 500; i++) {
            futures.add(om.request(ControlMessage.request("test.add").with("a", i).with("b", 1000), T));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(String.valueOf(200 - i * 10), futures.get(i).get(30, TimeUnit.SECONDS).get("slept"));
        }
        for (int i = 0; i < 500; i++) {
            assertEquals(String.valueOf(i + 1000), futures.get(20 + i).get(30, TimeUnit.SECONDS).get("sum"));
        }
    }

    @Test
    public void eventsFlowBothWaysInOrder() throws Exception {
        ControlServer server = listen();
        BlockingQueue<ControlMessage> clientEvents = new LinkedBlockingQueue<>();
        ControlClient om = connect(new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
                throw ControlHandler.unknownType(r);
            }

            @Override
            public void onEvent(ControlConnection from, ControlMessage e) {
                clientEvents.add(e);
            }
        });
        // request answered at once, event later: the "signalling SATO ready" pattern
        assertEquals("true", om.call(ControlMessage.request("test.notify").with("sato", "s-17")).get("accepted"));
        ControlMessage ready = clientEvents.poll(10, TimeUnit.SECONDS);
        assertNotNull("the event arrives", ready);
        assertEquals("test.ready", ready.type());
        assertEquals("s-17", ready.get("sato"));

        // events from the port side, broadcast, keep their order
        for (int i = 0; i < 100; i++) {
            server.broadcast(ControlMessage.event("test.tick").with("n", i));
        }
        for (int i = 0; i < 100; i++) {
            ControlMessage e = clientEvents.poll(10, TimeUnit.SECONDS);
            assertNotNull(e);
            assertEquals(String.valueOf(i), e.get("n"));
        }
        // and from the OM side to the port
        om.sendEvent(ControlMessage.event("test.leg-failed").with("session", "x"));
        ControlMessage e = serverEvents.poll(10, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("x", e.get("session"));
    }

    @Test
    public void anEventAfterTheAnswerFollowsItAndIsDroppedWhenTheRequestFails() throws Exception {
        listen();
        BlockingQueue<ControlMessage> clientEvents = new LinkedBlockingQueue<>();
        List<CompletableFuture<ControlMessage>> answers = new ArrayList<>();
        List<Boolean> answeredFirst = new ArrayList<>();
        ControlClient om = connect(new ControlHandler() {
            @Override
            public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
                throw ControlHandler.unknownType(r);
            }

            @Override
            public void onEvent(ControlConnection from, ControlMessage event) {
                String sato = event.get("sato");
                if (sato.chars().allMatch(Character::isDigit)) {
                    synchronized (answers) {
                        answeredFirst.add(answers.get(Integer.parseInt(sato)).isDone());
                    }
                }
                clientEvents.add(event);
            }
        });
        for (int i = 0; i < 50; i++) {
            synchronized (answers) {
                answers.add(om.connection().request(ControlMessage.request("test.notify-after").with("sato", i), T));
            }
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("true", answers.get(i).get(10, TimeUnit.SECONDS).get("accepted"));
            ControlMessage ready = clientEvents.poll(10, TimeUnit.SECONDS);
            assertNotNull("the event arrives", ready);
            assertEquals("test.ready", ready.type());
        }
        synchronized (answers) {
            assertFalse("every event came after its answer: " + answeredFirst, answeredFirst.contains(false));
        }
        // the handler failed after asking for the event: an error answer, and no event
        assertError(om, ControlMessage.request("test.notify-after").with("sato", "x").with("fail", "1"),
                ErrorCode.UNAVAILABLE, "no SATO");
        om.call(ControlMessage.request("test.echo").with("v", "after"));
        assertEquals(null, clientEvents.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    public void requestsFromTheListeningSideReachTheConnectingSide() throws Exception {
        ControlServer server = listen();
        connect((from, r) -> {
            if (r.type().equals("user.lookup")) {
                return ControlMessage.responseTo(r).with("peer", "node-a").with("peer", "node-b");
            }
            throw ControlHandler.unknownType(r);
        });
        waitFor(() -> server.connections().size() == 1);
        ControlMessage answer = server.connections().get(0).call(ControlMessage.request("user.lookup").with("user", "bob"), T);
        assertEquals(List.of("node-a", "node-b"), answer.getAll("peer"));
    }

    @Test
    public void clientReconnectsWhenThePortRestarts() throws Exception {
        ControlServer first = ControlServer.listen(socket, "rtp-port", "first", portHandler);
        ControlClient om = connect(ControlHandler.NONE);
        assertEquals("first", om.connection().remoteName());

        CompletableFuture<ControlMessage> inFlight = om.request(ControlMessage.request("test.slow").with("ms", 3000), T);
        first.close();
        assertFalse("socket file removed on close", Files.exists(socket));
        try {
            inFlight.get(10, TimeUnit.SECONDS);
            fail("a request in flight fails when the other side goes away");
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals(ErrorCode.DISCONNECTED, ((ControlException) e.getCause()).code());
        }
        waitFor(() -> !om.isConnected());
        assertError(om, ControlMessage.request("test.echo"), ErrorCode.DISCONNECTED, "not connected");

        own(ControlServer.listen(socket, "rtp-port", "second", portHandler));
        waitFor(om::isConnected);
        assertEquals("second", om.connection().remoteName());
        assertEquals("9", om.call(ControlMessage.request("test.add").with("a", 4).with("b", 5)).get("sum"));
    }

    @Test
    public void malformedFrameClosesOnlyThatConnection() throws Exception {
        ControlServer server = listen();
        ControlClient good = connect(ControlHandler.NONE);

        byte[][] bad = {
            "GET / HTTP/1.0\r\n\r\n".getBytes(),                       // not our protocol at all (length field huge)
            frame(2, 1, 7, "x", 0),                                     // unknown protocol version
            frame(1, 9, 7, "x", 0),                                     // unknown kind
            frame(1, 1, 7, "", 0),                                      // empty type
            frame(1, 1, 7, "test.echo", 3),                             // says 3 fields, has none
            withTrailingBytes(frame(1, 1, 7, "test.echo", 0)),          // stray bytes after the last field
            invalidUtf8(),                                              // type is not UTF-8
        };
        for (byte[] b : bad) {
            try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                raw.write(ByteBuffer.wrap(b));
                assertTrue("server closes a connection that sent garbage", closedByPeer(raw));
            }
            // the good connection, and new ones, keep working
            assertEquals("3", good.call(ControlMessage.request("test.add").with("a", 1).with("b", 2)).get("sum"));
        }
        // truncated frame: the writer goes away in the middle of a frame
        try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] f = frame(1, 1, 7, "test.echo", 0);
            raw.write(ByteBuffer.wrap(f, 0, f.length - 3));
        }
        assertEquals("3", good.call(ControlMessage.request("test.add").with("a", 1).with("b", 2)).get("sum"));
        waitFor(() -> server.connections().size() == 1);
        ControlClient another = connect(ControlHandler.NONE);
        assertEquals("ok", another.call(ControlMessage.request("test.echo").with("v", "ok")).get("v"));
    }

    @Test
    public void oversizedFramesAreRefusedOnBothSides() throws Exception {
        ControlServer server = own(ControlServer.listen(socket, "rtp-port", "small", portHandler, 1024));
        ControlClient om = connect(ControlHandler.NONE);
        // the sender refuses to build a frame over its limit (64 KiB by default) without sending anything
        String big = "x".repeat(40_000);
        assertError(om, ControlMessage.request("test.echo").with("v", big).with("v", big), ErrorCode.BAD_REQUEST, "frame limit");
        assertTrue(om.isConnected());
        // the receiver closes a connection announcing a frame over its own limit (1 KiB here)
        try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer b = ByteBuffer.allocate(4).putInt(2000).flip();
            raw.write(b);
            assertTrue(closedByPeer(raw));
        }
        // a frame over the receiver's limit from a real client: connection closed, request fails, client reconnects
        assertError(om, ControlMessage.request("test.echo").with("v", "y".repeat(2000)), ErrorCode.DISCONNECTED, "");
        waitFor(om::isConnected);
        assertEquals("fine", om.call(ControlMessage.request("test.echo").with("v", "fine")).get("v"));
        assertEquals(1, server.connections().size());
    }

    @Test
    public void secondListenerOnAPathInUseIsRefused() throws Exception {
        listen();
        try {
            ControlServer.listen(socket, "rtp-port", "intruder", portHandler).close();
            fail("a second listener must be refused");
        } catch (SocketInUseException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(socket.toString()));
            assertTrue(e.getMessage(), e.getMessage().contains("in use"));
        }
        // the first one still serves
        assertEquals("1", connect(ControlHandler.NONE).call(ControlMessage.request("test.add").with("a", 0).with("b", 1)).get("sum"));
    }

    @Test
    public void staleSocketFromACrashedProcessIsReplaced() throws Exception {
        Files.createDirectories(socket.getParent());
        // a socket file whose owner is gone: bound, then the channel closed without removing the file
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        listen();
        assertEquals("2", connect(ControlHandler.NONE).call(ControlMessage.request("test.add").with("a", 1).with("b", 1)).get("sum"));
    }

    @Test
    public void aRegularFileIsNeverDeletedAsStale() throws Exception {
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "important");
        try {
            listen();
            fail("must refuse");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not a socket"));
        }
        assertEquals("important", Files.readString(socket));
    }

    @Test
    public void socketFileIsOwnerOnlyAndRemovedOnClose() throws Exception {
        ControlServer server = ControlServer.listen(socket, "rtp-port", "p", portHandler);
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        } finally {
            server.close();
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    public void connectingToNothingGivesAClearError() {
        try {
            ControlClient.connect(socket, "om", "x", ControlHandler.NONE, Duration.ofMillis(300)).close();
            fail();
        } catch (ControlException e) {
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(socket.toString()));
        }
    }

    @Test
    public void requestsWhoseSenderGaveUpBeforeAWorkerTookThemAreNotHandled() throws Exception {
        listen();
        ControlClient om = connect(ControlHandler.NONE);
        // every worker busy for a while
        List<CompletableFuture<ControlMessage>> busy = new ArrayList<>();
        for (int i = 0; i < ControlBounds.DEFAULT.workers(); i++) {
            busy.add(om.connection().request(ControlMessage.request("test.slow").with("ms", 1500), T));
        }
        // these wait behind them, and their sender gives up after 300 ms
        List<CompletableFuture<ControlMessage>> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            late.add(om.connection().request(ControlMessage.request("test.count"), Duration.ofMillis(300)));
        }
        for (CompletableFuture<ControlMessage> f : late) {
            try {
                f.get(10, TimeUnit.SECONDS);
                fail("answered although every worker was busy for 1.5 s");
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof java.util.concurrent.TimeoutException);
            }
        }
        for (CompletableFuture<ControlMessage> f : busy) {
            assertEquals("1500", f.get(10, TimeUnit.SECONDS).get("slept"));
        }
        // a request still awaited is handled; the five given up were not
        om.call(ControlMessage.request("test.count"));
        assertEquals(1, counted.get());
        assertTrue(ControlConnection.staleRequests() >= 5);
    }

    @Test
    public void slowHandlerTimesOutTheCallerButNotTheConnection() throws Exception {
        listen();
        ControlClient om = connect(ControlHandler.NONE);
        try {
            om.call(ControlMessage.request("test.slow").with("ms", 2000), Duration.ofMillis(200));
            fail();
        } catch (ControlException e) {
            assertEquals(ErrorCode.TIMEOUT, e.code());
        }
        assertEquals("7", om.call(ControlMessage.request("test.add").with("a", 3).with("b", 4)).get("sum"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void assertError(ControlClient c, ControlMessage r, ErrorCode code, String text) {
        try {
            c.call(r, T);
            fail("expected " + code);
        } catch (ControlException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(text));
        }
    }

    /** A hand-built frame; {@code count} may lie about the fields that follow. */
    private static byte[] frame(int version, int kind, int id, String type, int count) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int size = 1 + 1 + 4 + 2 + t.length + 2;
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size).put((byte) version).put((byte) kind).putInt(id).putShort((short) t.length).put(t).putShort((short) count);
        return b.array();
    }

    private static byte[] withTrailingBytes(byte[] f) {
        ByteBuffer b = ByteBuffer.allocate(f.length + 3);
        b.put(f).put(new byte[] {1, 2, 3});
        b.putInt(0, f.length - 4 + 3);
        return b.array();
    }

    private static byte[] invalidUtf8() {
        byte[] f = frame(1, 1, 7, "ab", 0);
        f[4 + 1 + 1 + 4 + 2] = (byte) 0xC3; // a lead byte followed by 'b': invalid sequence
        return f;
    }

    private static boolean closedByPeer(SocketChannel raw) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256);
        raw.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = raw.read(b);
            } catch (IOException e) {
                return true; // reset by peer
            }
            if (n < 0) {
                return true;
            }
            b.clear(); // an error frame may come first; keep reading until the close
            if (n == 0) {
                sleep(5);
            }
        }
        return false;
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
