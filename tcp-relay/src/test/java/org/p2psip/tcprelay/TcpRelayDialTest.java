package org.p2psip.tcprelay;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** {@code DIAL}: outbound connections through the relay, only to allowed targets. Raw loopback sockets. */
public class TcpRelayDialTest {

    private EchoServer echo;
    private TcpRelay relay;
    private final List<InetSocketAddress> asked = new CopyOnWriteArrayList<>();

    @Before
    public void setUp() throws IOException {
        echo = new EchoServer();
    }

    @After
    public void tearDown() throws IOException {
        if (relay != null) {
            relay.close();
        }
        echo.close();
    }

    /** A relay that allows only the echo server's port and records what it was asked. */
    private void startAllowingEcho(TcpRelay.Limits limits) throws IOException {
        int port = echo.address().getPort();
        start(limits, target -> {
            asked.add(target);
            return target.getPort() == port;
        });
    }

    private void start(TcpRelay.Limits limits, Predicate<InetSocketAddress> dialable) throws IOException {
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", limits, dialable);
    }

    /** Connects to the relay and sends {@code DIAL <target>}; the answer is not read. */
    private Socket dial(String target) throws IOException {
        Socket socket = Net.connect(relay.address());
        Net.writeLine(socket, "DIAL " + target);
        return socket;
    }

    private static String hostPort(InetSocketAddress a) {
        return "127.0.0.1:" + a.getPort();
    }

    private void assertErrAndClosed(Socket socket, String expected) throws IOException {
        assertEquals(expected, Net.readLine(socket));
        assertNull("connection closed after ERR", Net.readLine(socket));
        socket.close();
    }

    @Test
    public void dialToAnAllowedTargetSplicesBothWays() throws Exception {
        startAllowingEcho(null);
        try (Socket client = dial(hostPort(echo.address()))) {
            assertEquals("OK " + hostPort(echo.address()), Net.readLine(client));
            Net.writeLine(client, "hello via the relay");
            assertEquals("hello via the relay", Net.readLine(client));
            Net.writeLine(client, "again");
            assertEquals("again", Net.readLine(client));
            assertEquals(1, relay.dialStats().active());
        }
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), echo.address().getPort())), asked);
        Net.await("dial closed", () -> relay.dialStats().active() == 0);
        DialStats s = relay.dialStats();
        assertEquals(1, s.requested());
        assertEquals(1, s.spliced());
        assertEquals("hello via the relay\nagain\n".length(), s.bytesClientToTarget());
        assertEquals(s.bytesClientToTarget(), s.bytesTargetToClient());
    }

    @Test
    public void bytesSentRightAfterTheDialLineReachTheTarget() throws Exception {
        startAllowingEcho(null);
        try (Socket client = Net.connect(relay.address())) {
            client.getOutputStream().write(("DIAL " + hostPort(echo.address()) + "\nearly bytes\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("OK " + hostPort(echo.address()), Net.readLine(client));
            assertEquals("early bytes", Net.readLine(client));
        }
    }

    @Test
    public void largeTransferIsIntactBothWaysAndHalfCloseIsPassedOn() throws Exception {
        startAllowingEcho(null);
        byte[] data = Net.randomBytes(5 * 1024 * 1024, 13);
        try (Socket client = dial(hostPort(echo.address()))) {
            assertEquals("OK " + hostPort(echo.address()), Net.readLine(client));
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.shutdownOutput();
                } catch (IOException e) {
                    // the reader fails below
                }
            }, "test-dial-writer");
            writer.setDaemon(true);
            writer.start();
            // the echo server sees EOF only if the half-close was passed on, and then half-closes back
            assertArrayEquals(data, Net.readAll(client));
            writer.join(Net.READ_TIMEOUT_MILLIS);
        }
        Net.await("counted", () -> relay.dialStats().bytesTargetToClient() == data.length
                && relay.dialStats().bytesClientToTarget() == data.length && relay.dialStats().active() == 0);
    }

    @Test
    public void disallowedTargetIsRefusedWithoutConnectingToIt() throws Exception {
        startAllowingEcho(null);
        try (ServerSocket forbidden = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), forbidden.getLocalPort());
            assertErrAndClosed(dial(hostPort(target)), "ERR target not allowed: " + hostPort(target));
            assertEquals("the predicate was asked", 1, asked.size());
            assertEquals(forbidden.getLocalPort(), asked.get(0).getPort());
            // had the relay connected before answering, the connection would be queued by now
            forbidden.setSoTimeout(200);
            try (Socket unexpected = forbidden.accept()) {
                fail("the relay connected to a disallowed target from " + unexpected.getRemoteSocketAddress());
            } catch (SocketTimeoutException expected) {
                // nothing connected
            }
        }
        DialStats s = relay.dialStats();
        assertEquals(1, s.notAllowed());
        assertEquals(0, s.spliced());
        assertEquals(0, s.active());
    }

    @Test
    public void relayWithoutPredicateDialsNothing() throws Exception {
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null);
        assertErrAndClosed(dial(hostPort(echo.address())), "ERR target not allowed: " + hostPort(echo.address()));
    }

    @Test
    public void theRelayPortItselfIsNeverDialled() throws Exception {
        start(null, target -> true);
        int port = relay.address().getPort();
        assertErrAndClosed(dial("127.0.0.1:" + port), "ERR target not allowed: 127.0.0.1:" + port);
        assertErrAndClosed(dial("localhost:" + port), "ERR target not allowed: localhost:" + port);
    }

    @Test
    public void closedPortIsAnsweredAtOnceNotAfterTheTimeout() throws Exception {
        // a dial timeout far longer than the test: the answer must come from the refusal
        start(TcpRelay.Limits.DEFAULT.withDialTimeout(Duration.ofMinutes(5)), target -> true);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertErrAndClosed(dial("127.0.0.1:" + closed), "ERR cannot reach 127.0.0.1:" + closed + ": connection refused");
        assertEquals(1, relay.dialStats().failed());
        assertEquals(0, relay.dialStats().active());
    }

    @Test
    public void targetThatDoesNotAnswerTimesOut() throws Exception {
        start(TcpRelay.Limits.DEFAULT.withDialTimeout(Duration.ofMillis(500)), target -> true);
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // never accepts: once its accept queue is full the kernel drops further SYNs
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            boolean filled = false;
            for (int i = 0; i < 16 && !filled; i++) {
                Socket s = new Socket();
                queued.add(s);
                try {
                    s.connect(address, 500);
                } catch (SocketTimeoutException e) {
                    filled = true;
                }
            }
            assertTrue("the accept queue of a listener that never accepts fills up", filled);
            assertErrAndClosed(dial(hostPort(address)), "ERR cannot reach " + hostPort(address) + ": timeout");
            assertEquals(1, relay.dialStats().failed());
        } finally {
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    public void unknownHostNameIsAnError() throws Exception {
        start(null, target -> true);
        assertErrAndClosed(dial("no-such-host.invalid:5060"), "ERR cannot reach no-such-host.invalid:5060: unknown host");
    }

    @Test
    public void malformedDialLines() throws Exception {
        startAllowingEcho(null);
        for (String bad : new String[] {"DIAL", "DIAL ", "DIAL a b", "DIAL 127.0.0.1", "DIAL 127.0.0.1:0",
                "DIAL 127.0.0.1:70000", "DIAL :5060", "DIAL 127.0.0.1:port"}) {
            Socket socket = Net.connect(relay.address());
            Net.writeLine(socket, bad);
            assertEquals(bad, "ERR bad target", Net.readLine(socket));
            assertNull(bad, Net.readLine(socket));
            socket.close();
        }
        assertTrue("no target was asked about", asked.isEmpty());
        assertEquals(0, relay.dialStats().requested());
        try (Socket client = dial(hostPort(echo.address()))) {
            assertEquals("still serving", "OK " + hostPort(echo.address()), Net.readLine(client));
        }
    }

    @Test
    public void dialLimitIsEnforced() throws Exception {
        startAllowingEcho(TcpRelay.Limits.DEFAULT.withMaxDials(1));
        Socket first = dial(hostPort(echo.address()));
        assertEquals("OK " + hostPort(echo.address()), Net.readLine(first));
        assertErrAndClosed(dial(hostPort(echo.address())), "ERR dial limit reached");
        assertEquals(1, relay.dialStats().limitReached());
        Net.writeLine(first, "first still works");
        assertEquals("first still works", Net.readLine(first));
        first.close();
        Net.await("first dial closed", () -> relay.dialStats().active() == 0);
        try (Socket third = dial(hostPort(echo.address()))) {
            assertEquals("OK " + hostPort(echo.address()), Net.readLine(third));
        }
    }

    @Test
    public void closingTheRelayEndsDialledConnectionsAndThreads() throws Exception {
        startAllowingEcho(null);
        String threads = "tcp-relay-" + relay.address().getPort() + "-";
        try (Socket client = dial(hostPort(echo.address()))) {
            assertEquals("OK " + hostPort(echo.address()), Net.readLine(client));
            relay.close();
            Net.awaitNoThreads(threads);
            assertTrue("client connection closed", Net.closedByPeer(client));
        }
    }
}
