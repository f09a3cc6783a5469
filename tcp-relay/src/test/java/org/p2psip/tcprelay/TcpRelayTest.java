package org.p2psip.tcprelay;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Data path: clients reach a local echo server through a {@link TcpRelay} and a {@link RelayedListener}. */
public class TcpRelayTest {

    private EchoServer echo;
    private TcpRelay relay;
    private RelayedListener listener;

    @Before
    public void setUp() throws IOException {
        echo = new EchoServer();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null);
        listener = RelayedListener.open(relay.address(), "echo", echo::address, Duration.ofSeconds(1));
    }

    @After
    public void tearDown() throws IOException {
        listener.close();
        relay.close();
        echo.close();
    }

    @Test
    public void publicAddressIsOnTheRelayHost() {
        InetSocketAddress address = listener.publicAddress();
        assertNotNull(address);
        assertEquals("127.0.0.1", address.getHostString());
        assertTrue(address.getPort() > 0 && address.getPort() != relay.address().getPort());
        assertEquals(1, relay.stats().size());
        assertEquals(address.getPort(), relay.stats().get(0).publicAddress().getPort());
        assertEquals("echo", relay.stats().get(0).name());
        assertTrue(relay.stats().get(0).open());
    }

    @Test
    public void bytesAreEchoed() throws Exception {
        try (Socket client = Net.connect(listener.publicAddress())) {
            Net.writeLine(client, "hello through the relay");
            assertEquals("hello through the relay", Net.readLine(client));
            Net.writeLine(client, "and again");
            assertEquals("and again", Net.readLine(client));
        }
    }

    @Test
    public void concurrentConnections() throws Exception {
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] data = Net.randomBytes(64 * 1024 + i, i);
                results.add(pool.submit(() -> {
                    Net.echo(listener.publicAddress(), data);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Net.await("all connections counted", () -> listener.stats().connectionsRelayed() == clients);
    }

    @Test
    public void largeTransferIsIntactBothWays() throws Exception {
        Net.echo(listener.publicAddress(), Net.randomBytes(5 * 1024 * 1024, 42));
    }

    @Test
    public void halfCloseDeliversTheRestOfTheEchoThenEof() throws Exception {
        byte[] data = "last words before half-close\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket client = Net.connect(listener.publicAddress())) {
            client.getOutputStream().write(data);
            client.shutdownOutput();
            assertArrayEquals(data, Net.readAll(client));
        }
    }

    @Test
    public void statsCountConnectionsAndBytes() throws Exception {
        byte[] data = Net.randomBytes(100_000, 7);
        Net.echo(listener.publicAddress(), data);
        Net.echo(listener.publicAddress(), data);
        int total = 2 * data.length;
        Net.await("relay counts", () -> {
            AllocationStats s = relay.stats().get(0);
            return s.connectionsAccepted() == 2 && s.connectionsActive() == 0
                    && s.bytesClientToPeer() == total && s.bytesPeerToClient() == total;
        });
        Net.await("listener counts", () -> {
            RelayedListener.Stats s = listener.stats();
            return s.connectionsRelayed() == 2 && s.connectionsActive() == 0
                    && s.bytesToLocal() == total && s.bytesFromLocal() == total;
        });
        assertEquals(1, listener.stats().allocations());
        assertTrue(listener.stats().connected());
    }

    @Test
    public void connectionsAreActiveWhileOpen() throws Exception {
        try (Socket client = Net.connect(listener.publicAddress())) {
            Net.writeLine(client, "x");
            assertEquals("x", Net.readLine(client));
            assertEquals(1, relay.stats().get(0).connectionsActive());
            assertEquals(1, listener.stats().connectionsActive());
        }
        Net.await("connection closed", () -> relay.stats().get(0).connectionsActive() == 0
                && listener.stats().connectionsActive() == 0);
    }

    @Test
    public void refusedLocalTargetClosesTheClient() throws Exception {
        InetSocketAddress nothing;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        InetSocketAddress target = nothing;
        try (RelayedListener dead = RelayedListener.open(relay.address(), "dead", () -> target, null);
                Socket client = Net.connect(dead.publicAddress())) {
            assertTrue("client closed", Net.closedByPeer(client));
            assertEquals(0, dead.stats().connectionsRelayed());
        }
        assertTrue("others still served", Net.echoWorks(listener.publicAddress()));
    }

    @Test
    public void closeStopsAllThreadsAndConnections() throws Exception {
        String relayThreads = "tcp-relay-" + relay.address().getPort() + "-";
        Socket client = Net.connect(listener.publicAddress());
        Net.writeLine(client, "open");
        assertEquals("open", Net.readLine(client));
        listener.close();
        relay.close();
        Net.awaitNoThreads(relayThreads);
        Net.awaitNoThreads("relayed-listener-echo-");
        assertTrue("client connection closed", Net.closedByPeer(client));
        client.close();
        assertTrue(relay.stats().stream().noneMatch(AllocationStats::open));
    }
}
