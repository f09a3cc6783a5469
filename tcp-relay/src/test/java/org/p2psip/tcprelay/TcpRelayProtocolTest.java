package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.After;
import org.junit.Test;

/** The relay's line protocol spoken by raw sockets: errors, limits, timeouts. */
public class TcpRelayProtocolTest {

    private TcpRelay relay;

    @After
    public void tearDown() {
        if (relay != null) {
            relay.close();
        }
    }

    private void start(TcpRelay.Limits limits) throws IOException {
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", limits);
    }

    /** Sends {@code first} as the first line and returns the answer; the connection is left open. */
    private Socket send(String first) throws IOException {
        Socket socket = Net.connect(relay.address());
        Net.writeLine(socket, first);
        return socket;
    }

    private void assertErrAndClosed(Socket socket, String expected) throws IOException {
        assertEquals(expected, Net.readLine(socket));
        assertNull("connection closed after ERR", Net.readLine(socket));
        socket.close();
    }

    /** A raw control connection: LISTEN name, returns the public address from OK. */
    private InetSocketAddress listen(Socket control, String name) throws IOException {
        Net.writeLine(control, "LISTEN " + name);
        String answer = Net.readLine(control);
        assertNotNull(answer);
        assertTrue(answer, answer.startsWith("OK 127.0.0.1:"));
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(answer.substring("OK 127.0.0.1:".length())));
    }

    private void assertStillServing() throws IOException {
        try (Socket control = Net.connect(relay.address())) {
            listen(control, "still-serving");
            Net.writeLine(control, "PING");
            assertEquals("PONG", Net.readLine(control));
        }
    }

    @Test
    public void listenPingPong() throws IOException {
        start(null);
        try (Socket control = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(control, "raw-1");
            assertTrue(pub.getPort() > 0);
            for (int i = 0; i < 3; i++) {
                Net.writeLine(control, "PING");
                assertEquals("PONG", Net.readLine(control));
            }
        }
    }

    @Test
    public void garbageFirstLine() throws IOException {
        start(null);
        assertErrAndClosed(send("HELLO relay"), "ERR unknown command");
        assertErrAndClosed(send(""), "ERR unknown command");
        assertStillServing();
    }

    @Test
    public void binaryFirstLine() throws IOException {
        start(null);
        Socket socket = Net.connect(relay.address());
        socket.getOutputStream().write(new byte[] {0, 1, 2, (byte) 0xff, '\n'});
        assertErrAndClosed(socket, "ERR not a printable US-ASCII line");
        assertStillServing();
    }

    @Test
    public void oversizedLine() throws IOException {
        start(null);
        Socket socket = Net.connect(relay.address());
        byte[] line = new byte[1000];
        Arrays.fill(line, (byte) 'A');
        socket.getOutputStream().write(line);
        assertErrAndClosed(socket, "ERR line too long");
        assertStillServing();
    }

    @Test
    public void lineOfExactlyTheMaximumLengthIsAccepted() throws IOException {
        start(null);
        // 255 characters + \n = 256 bytes: a legal (if unknown) line
        assertErrAndClosed(send("X".repeat(LineReader.MAX_LINE - 1)), "ERR unknown command");
        assertErrAndClosed(send("X".repeat(LineReader.MAX_LINE)), "ERR line too long");
    }

    @Test
    public void bindWithUnknownId() throws IOException {
        start(null);
        assertErrAndClosed(send("BIND 0123456789abcdef"), "ERR unknown connection");
        assertErrAndClosed(send("BIND"), "ERR unknown connection");
        assertStillServing();
    }

    @Test
    public void listenWithBadName() throws IOException {
        start(null);
        assertErrAndClosed(send("LISTEN bad/name"), "ERR bad name");
        assertErrAndClosed(send("LISTEN"), "ERR bad name");
        assertErrAndClosed(send("LISTEN " + "n".repeat(65)), "ERR bad name");
        assertErrAndClosed(send("LISTEN a b c"), "ERR bad name");
        assertErrAndClosed(send("LISTEN good 70000"), "ERR bad port");
        assertStillServing();
    }

    @Test
    public void unknownLineOnControlClosesTheAllocation() throws Exception {
        start(null);
        Socket control = Net.connect(relay.address());
        InetSocketAddress pub = listen(control, "raw-2");
        Net.writeLine(control, "HELLO");
        assertErrAndClosed(control, "ERR unknown command");
        Net.await("allocation closed", () -> relay.stats().stream().noneMatch(AllocationStats::open));
        assertRefused(pub);
    }

    @Test
    public void allocationLimit() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withMaxAllocations(2));
        Socket a = Net.connect(relay.address());
        try (Socket b = Net.connect(relay.address())) {
            listen(a, "a");
            listen(b, "b");
            assertErrAndClosed(send("LISTEN c"), "ERR allocation limit reached");
            a.close();
            Net.await("allocation a closed", () -> relay.stats().stream().filter(AllocationStats::open).count() == 1);
            try (Socket c = Net.connect(relay.address())) {
                listen(c, "c");
            }
        }
    }

    @Test
    public void sameNameReplacesTheAllocationAndItsPort() throws Exception {
        start(null);
        try (Socket first = Net.connect(relay.address()); Socket second = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(first, "same");
            Net.writeLine(second, "LISTEN same " + pub.getPort());
            assertEquals("OK 127.0.0.1:" + pub.getPort(), Net.readLine(second));
            assertNull("first control closed", Net.readLine(first));
        }
    }

    @Test
    public void unboundConnectionIsClosedAfterTheBindTimeout() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withBindTimeout(Duration.ofMillis(500)));
        try (Socket control = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(control, "ignores-connect");
            try (Socket client = Net.connect(pub)) {
                String connect = Net.readLine(control);
                assertNotNull(connect);
                String[] words = connect.split(" ");
                assertEquals("CONNECT", words[0]);
                assertTrue(connect, words[1].matches("[0-9a-f]{16}"));
                assertEquals("127.0.0.1:" + client.getLocalPort(), words[2]);
                assertTrue("inbound client closed", Net.closedByPeer(client));
                // the id has expired
                assertErrAndClosed(send("BIND " + words[1]), "ERR unknown connection");
            }
            Net.writeLine(control, "PING");
            assertEquals("control still alive", "PONG", Net.readLine(control));
        }
    }

    @Test
    public void rawBindSplices() throws Exception {
        start(null);
        try (Socket control = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(control, "raw-bind");
            try (Socket client = Net.connect(pub)) {
                Net.writeLine(client, "early bytes");
                String id = Net.readLine(control).split(" ")[1];
                try (Socket data = send("BIND " + id)) {
                    assertEquals("OK", Net.readLine(data));
                    assertEquals("early bytes", Net.readLine(data));
                    Net.writeLine(data, "answer");
                    assertEquals("answer", Net.readLine(client));
                }
                assertNull("data closed -> client EOF", Net.readLine(client));
            }
        }
    }

    @Test
    public void connectionLimit() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withMaxConnections(1));
        try (Socket control = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(control, "limited");
            try (Socket first = Net.connect(pub)) {
                assertTrue(Net.readLine(control).startsWith("CONNECT "));
                assertTrue("first is pending, not refused", first.isConnected());
                try (Socket second = Net.connect(pub)) {
                    assertTrue("second refused", Net.closedByPeer(second));
                }
                Net.await("both counted", () -> relay.stats().get(0).connectionsAccepted() == 2);
            }
        }
    }

    @Test
    public void idleControlIsClosedWithItsPort() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(500)));
        try (Socket control = Net.connect(relay.address())) {
            InetSocketAddress pub = listen(control, "silent");
            assertNull("relay closed the idle control", Net.readLine(control));
            Net.await("allocation closed", () -> !relay.stats().get(0).open());
            assertRefused(pub);
        }
    }

    @Test
    public void silentFirstLineTimesOut() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withBindTimeout(Duration.ofMillis(500)));
        try (Socket silent = Net.connect(relay.address())) {
            assertTrue("closed", Net.closedByPeer(silent));
        }
        assertStillServing();
    }

    /**
     * 130 clients send their first line a byte every 300 ms (each read within the 1 s timeout): the
     * whole line is due within 1 s, so they are cut and a new client is served (before, the 128
     * handshake slots stayed taken and every new connection got ERR busy).
     */
    @Test(timeout = 60_000)
    public void slowFirstLinesAreCutAtTheWholeLineDeadline() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withBindTimeout(Duration.ofSeconds(1)));
        java.util.List<Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < RelayPort.MAX_HANDSHAKES + 2; i++) {
                slow.add(Net.connect(relay.address()));
            }
            byte[] line = "LISTEN slow-client-with-a-long-name\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int cut = 0;
            for (int b = 0; b < 8; b++) {
                for (Socket s : slow) {
                    try {
                        s.getOutputStream().write(line[b]);
                    } catch (IOException closed) {
                        // cut by the relay
                    }
                }
                Thread.sleep(300);
            }
            for (Socket s : slow) {
                try {
                    while (s.getInputStream().read() >= 0) {
                        // ERR busy for the two beyond the handshake slots, then the end
                    }
                    cut++;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // not cut
                } catch (IOException reset) {
                    cut++;
                }
            }
            assertEquals("every slow client cut", slow.size(), cut);
            assertStillServing();
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static void assertRefused(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 10_000);
            throw new AssertionError("still accepting on " + address);
        } catch (ConnectException expected) {
            // refused
        } catch (IOException e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }
}
