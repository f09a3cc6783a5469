package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The listener survives a relay restart or a killed control connection and gets its port back. */
public class RelayedListenerReconnectTest {

    private final InetSocketAddress loopback0 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private EchoServer echo;
    private TcpRelay relay;
    private RelayedListener listener;

    @Before
    public void setUp() throws IOException {
        echo = new EchoServer();
        relay = TcpRelay.start(loopback0, "127.0.0.1", null);
    }

    @After
    public void tearDown() throws IOException {
        if (listener != null) {
            listener.close();
        }
        relay.close();
        echo.close();
    }

    private TcpRelay restartRelay() throws IOException {
        int port = relay.address().getPort();
        relay.close();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "127.0.0.1", null);
        return relay;
    }

    @Test
    public void reconnectsAfterRelayRestartWithTheSamePort() throws Exception {
        listener = RelayedListener.open(relay.address(), "restart", echo::address, Duration.ofMillis(500));
        InetSocketAddress before = listener.publicAddress();
        assertTrue(Net.echoWorks(before));

        restartRelay();

        Net.await("re-allocated", () -> listener.stats().allocations() >= 2 && listener.stats().connected());
        assertEquals("port hint honoured", before.getPort(), listener.publicAddress().getPort());
        Net.await("echo works again", () -> Net.echoWorks(listener.publicAddress()));
        Net.echo(listener.publicAddress(), Net.randomBytes(200_000, 3));
    }

    @Test
    public void reconnectsAfterTheControlConnectionIsKilled() throws Exception {
        try (ToyNat nat = new ToyNat(relay.address())) {
            listener = RelayedListener.open(nat.address(), "killed", echo::address, Duration.ofMillis(500));
            InetSocketAddress before = listener.publicAddress();
            assertTrue(Net.echoWorks(before));

            nat.dropAll();

            Net.await("re-allocated", () -> listener.stats().allocations() >= 2 && listener.stats().connected());
            assertEquals("port hint honoured", before.getPort(), listener.publicAddress().getPort());
            Net.await("echo works again", () -> Net.echoWorks(listener.publicAddress()));
            Net.await("relay has one open allocation",
                    () -> relay.stats().stream().filter(AllocationStats::open).count() == 1);
            listener.close();
        }
    }

    @Test
    public void takenPortGivesANewAddressAndACallback() throws Exception {
        listener = RelayedListener.open(relay.address(), "moved", echo::address, Duration.ofMillis(500));
        List<InetSocketAddress> changes = new CopyOnWriteArrayList<>();
        listener.onAddressChange(changes::add);
        InetSocketAddress before = listener.publicAddress();
        int port = relay.address().getPort();
        relay.close();
        try (ServerSocket squatter = new ServerSocket(before.getPort(), 1, InetAddress.getLoopbackAddress())) {
            assertTrue("old public port taken", squatter.isBound());
            relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "127.0.0.1", null);
            Net.await("address change reported", () -> !changes.isEmpty());
            assertNotEquals(before.getPort(), changes.get(0).getPort());
            assertEquals(changes.get(0), listener.publicAddress());
            assertTrue(Net.echoWorks(listener.publicAddress()));
        }
    }

    @Test
    public void keepalivesKeepAnIdleAllocationOpen() throws Exception {
        relay.close();
        relay = TcpRelay.start(loopback0, "127.0.0.1", TcpRelay.Limits.DEFAULT.withIdleTimeout(Duration.ofSeconds(5)));
        listener = RelayedListener.open(relay.address(), "kept", echo::address, Duration.ofMillis(200));
        Thread.sleep(6_000);
        assertTrue(Net.echoWorks(listener.publicAddress()));
        assertEquals("no re-allocation needed", 1, listener.stats().allocations());
    }

    @Test
    public void openFailsWhenTheRelayRefuses() throws Exception {
        relay.close();
        relay = TcpRelay.start(loopback0, "127.0.0.1", TcpRelay.Limits.DEFAULT.withMaxAllocations(1));
        try (RelayedListener first = RelayedListener.open(relay.address(), "first", echo::address, null)) {
            assertTrue(first.stats().connected());
            try {
                RelayedListener.open(relay.address(), "second", echo::address, null).close();
                throw new AssertionError("second allocation accepted");
            } catch (IOException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("allocation limit reached"));
            }
        }
        Net.awaitNoThreads("relayed-listener-second-");
        Net.awaitNoThreads("relayed-listener-first-");
    }
}
