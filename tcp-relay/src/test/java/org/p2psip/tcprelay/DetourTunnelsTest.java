package org.p2psip.tcprelay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** {@link DetourTunnels}: one tunnel per (relay, target), opened on demand, closed when idle, bounded. */
public class DetourTunnelsTest {

    private EchoServer echo1;
    private EchoServer echo2;
    private TcpRelay relay;
    private DetourTunnels tunnels;

    @Before
    public void setUp() throws IOException {
        echo1 = new EchoServer();
        echo2 = new EchoServer();
        relay = TcpRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "127.0.0.1", null,
                target -> target.getAddress() != null && target.getAddress().isLoopbackAddress());
    }

    @After
    public void tearDown() throws IOException {
        if (tunnels != null) {
            tunnels.close();
        }
        relay.close();
        echo1.close();
        echo2.close();
    }

    private static InetSocketAddress literal(InetSocketAddress a) {
        return new InetSocketAddress("127.0.0.1", a.getPort());
    }

    @Test
    public void oneTunnelPerPairReused() throws Exception {
        tunnels = new DetourTunnels(8, Duration.ofMinutes(5));
        InetSocketAddress a = tunnels.via(relay.address(), literal(echo1.address()));
        InetSocketAddress again = tunnels.via(relay.address(), literal(echo1.address()));
        InetSocketAddress b = tunnels.via(relay.address(), literal(echo2.address()));
        assertEquals("same pair, same tunnel", a, again);
        assertNotEquals("another target, another tunnel", a, b);
        assertEquals(2, tunnels.size());
        assertTrue(Net.echoWorks(a));
        assertTrue(Net.echoWorks(again));
        assertTrue(Net.echoWorks(b));
        Net.await("three dials spliced", () -> relay.dialStats().spliced() == 3);
    }

    @Test
    public void idleTunnelsAreClosedAndReopenedOnDemand() throws Exception {
        tunnels = new DetourTunnels(8, Duration.ofMillis(300));
        InetSocketAddress a = tunnels.via(relay.address(), literal(echo1.address()));
        assertTrue(Net.echoWorks(a));
        Net.await("idle tunnel closed", () -> tunnels.size() == 0);
        Net.awaitNoThreads("detour-" + a.getPort() + "-");
        InetSocketAddress reopened = tunnels.via(relay.address(), literal(echo1.address()));
        assertTrue("a new tunnel works", Net.echoWorks(reopened));
    }

    @Test
    public void aTunnelWithAnOpenConnectionIsNotIdle() throws Exception {
        tunnels = new DetourTunnels(8, Duration.ofMillis(200));
        InetSocketAddress a = tunnels.via(relay.address(), literal(echo1.address()));
        try (Socket open = Net.connect(a)) {
            Net.writeLine(open, "before");
            assertEquals("before", Net.readLine(open));
            Thread.sleep(1000); // several idle timeouts
            assertEquals("kept while a connection is open", 1, tunnels.size());
            Net.writeLine(open, "after");
            assertEquals("after", Net.readLine(open));
        }
        Net.await("closed once idle", () -> tunnels.size() == 0);
    }

    @Test
    public void atTheLimitAFreeTunnelMakesRoomAndBusyOnesDoNot() throws Exception {
        tunnels = new DetourTunnels(1, Duration.ofMinutes(5));
        InetSocketAddress a = tunnels.via(relay.address(), literal(echo1.address()));
        try (Socket open = Net.connect(a)) {
            Net.writeLine(open, "busy");
            assertEquals("busy", Net.readLine(open));
            try {
                tunnels.via(relay.address(), literal(echo2.address()));
                fail("a second tunnel beyond the limit while the first is in use");
            } catch (IOException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("limit"));
            }
        }
        Net.await("first tunnel free", () -> tunnels.stats().get(0).active() == 0);
        InetSocketAddress b = tunnels.via(relay.address(), literal(echo2.address()));
        assertEquals(1, tunnels.size());
        assertTrue(Net.echoWorks(b));
        Net.awaitNoThreads("detour-" + a.getPort() + "-");
    }

    @Test
    public void closeClosesEveryTunnel() throws Exception {
        tunnels = new DetourTunnels(8, Duration.ofMinutes(5));
        InetSocketAddress a = tunnels.via(relay.address(), literal(echo1.address()));
        InetSocketAddress b = tunnels.via(relay.address(), literal(echo2.address()));
        Socket open = Net.connect(a);
        Net.writeLine(open, "x");
        assertEquals("x", Net.readLine(open));
        tunnels.close();
        tunnels.close();
        Net.awaitNoThreads("detour-" + a.getPort() + "-");
        Net.awaitNoThreads("detour-" + b.getPort() + "-");
        Net.awaitNoThreads("detour-tunnels-reaper");
        assertTrue(Net.closedByPeer(open));
        open.close();
        Net.await("relay side ended", () -> relay.dialStats().active() == 0);
        try {
            tunnels.via(relay.address(), literal(echo1.address()));
            fail("via after close");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("closed"));
        }
    }
}
