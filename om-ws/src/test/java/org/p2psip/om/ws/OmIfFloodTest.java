package org.p2psip.om.ws;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.types.Address;

/**
 * A real OM IF endpoint under 2,000 idle TCP connections and 200 slowloris clients (request headers
 * a byte every 200 ms) at once, from 127.0.0.2: a SOAP Ping from 127.0.0.1 is still answered during the
 * flood, connections beyond the per-source cap (256) are answered 503 with Retry-After, the JVM's
 * thread count stays within {@link HttpBounds#MAX_THREADS} of what it was, and once the flood ends it
 * serves as before. The per-source cap on its own, configured to 5: the 6th connection gets 503, and
 * once the others close that address is served again.
 */
public class OmIfFloodTest {
    private static final String CALLER = "0123456789abcdef0123456789abcdef01234567";
    private OverlayManager om;
    private Address addr;
    private final List<Socket> flood = new ArrayList<>();

    @Before
    public void setUp() throws Exception {
        om = OverlayManager.builder().nodeId("fedcba9876543210fedcba9876543210fedcba98")
                .ports(new NoPorts()).maxBodyBytes(64 * 1024).build().start();
        addr = om.address();
    }

    @After
    public void tearDown() {
        for (Socket s : flood) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        om.close();
    }

    private Socket from(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(addr.host(), addr.port()), 5000);
        return s;
    }

    /** What the endpoint sent within {@code millis} before any request, or "" if nothing. */
    private static String unasked(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return "";
        }
    }

    private long ping() {
        try (SoapOmIfClient c = new SoapOmIfClient()) {
            RemoteOverlayManager r = new RemoteOverlayManager(c, () -> CALLER, () -> null);
            long t0 = System.nanoTime();
            assertEquals(om.nodeId(), r.ping(addr, 7, 0).nodeId());
            return (System.nanoTime() - t0) / 1_000_000;
        } catch (Exception e) {
            throw new AssertionError("OM IF did not answer a Ping: " + e, e);
        }
    }

    @Test(timeout = 120_000)
    public void idleAndSlowlorisClientsLeaveTheOmIfServingWithBoundedThreads() throws Exception {
        ping();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 2000; i++) {
            flood.add(from("127.0.0.2"));
        }
        String refusal = unasked(flood.get(flood.size() - 1), 2000);
        assertTrue("a connection beyond the per-source cap gets 503: " + refusal, refusal.startsWith("HTTP/1.1 503 "));
        assertTrue("... with Retry-After: " + refusal, refusal.contains("\r\nRetry-After: 5\r\n"));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = from("127.0.0.3");
            s.getOutputStream().write(("POST " + SoapOmIfClient.PATH + " HTTP/1.1\r\nHost: " + addr + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
            flood.add(s);
        }
        byte[] header = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
        int maxThreads = threadsBefore;
        long slowestPing = 0;
        for (int b = 0; b < 15; b++) {
            for (Socket s : slow) {
                try {
                    s.getOutputStream().write(header[b]);
                } catch (IOException closedByServer) {
                    // fine: the server may cut slow clients
                }
            }
            Thread.sleep(200);
            maxThreads = Math.max(maxThreads, Thread.activeCount());
            if (b % 5 == 4) {
                slowestPing = Math.max(slowestPing, ping());
            }
        }
        System.out.println("[om-if flood] 2,000 idle + 200 slowloris connections: threads " + threadsBefore + " -> at most "
                + maxThreads + ", slowest Ping " + slowestPing + " ms");
        assertTrue("threads " + threadsBefore + " -> " + maxThreads, maxThreads <= threadsBefore + HttpBounds.MAX_THREADS);
        for (Socket s : flood) {
            s.close();
        }
        flood.clear();
        ping();
    }

    @Test(timeout = 60_000)
    public void connectionsBeyondThePerSourceCapGet503UntilOthersClose() throws Exception {
        om.close();
        om = OverlayManager.builder().nodeId("fedcba9876543210fedcba9876543210fedcba98").ports(new NoPorts())
                .omIfBounds(HttpBounds.DEFAULT.withMaxConnections(100, 5)).build().start();
        addr = om.address();
        List<Socket> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(from("127.0.0.4"));
        }
        flood.addAll(five);
        for (Socket s : five) {
            // admitted (and, by the time this is over, opened on the server's side)
            assertEquals("a connection within the cap is not refused", "", unasked(s, 200));
        }
        Socket sixth = from("127.0.0.4");
        flood.add(sixth);
        String answer = unasked(sixth, 3000);
        assertTrue("the 6th connection from one address is answered 503: " + answer, answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
        assertTrue("with Retry-After and Connection: close: " + answer,
                answer.contains("\r\nRetry-After: 5\r\n") && answer.contains("\r\nConnection: close\r\n"));
        ping(); // another address is served
        for (Socket s : five) {
            s.close();
        }
        // Jetty sees the closes when its selector gets to them: admitted again within 10 s
        long t0 = System.nanoTime();
        String again = null;
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            Socket s = from("127.0.0.4");
            flood.add(s);
            again = unasked(s, 500);
            if (again.isEmpty()) {
                break;
            }
            s.close();
        }
        assertEquals("that address is admitted again once its connections closed", "", again);
        System.out.println("[om-if per source] admitted again " + (System.nanoTime() - t0) / 1_000_000 + " ms after its connections closed");
    }
}
