package org.p2psip.om.ws;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.Socket;
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
 * a byte every 200 ms) at once: a SOAP Ping is still answered during the flood, the JVM's thread count
 * stays within {@link HttpBounds#MAX_THREADS} of what it was, and once the flood ends it serves as before.
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
            flood.add(new Socket(addr.host(), addr.port()));
        }
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket(addr.host(), addr.port());
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
}
