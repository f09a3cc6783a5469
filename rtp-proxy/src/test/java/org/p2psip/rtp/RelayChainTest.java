package org.p2psip.rtp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.Fields;
import org.p2psip.control.message.RtpAllocateAnswer;
import org.p2psip.control.message.RtpConnect;
import org.p2psip.control.message.RtpPortStatus;
import org.p2psip.control.message.RtpStats;
import org.p2psip.control.message.RtpStatsAnswer;
import org.p2psip.control.message.RtpStatsPage;

/**
 * Figure 3 of the paper on loopback: UA1 -> RTP1 -> RTP3 (relay) -> RTP2 -> UA2 and back, three
 * RTP-Ports each driven over its own control socket, with a UDP overlay and with a TCP overlay.
 */
public class RelayChainTest {
    private static final int PACKETS = 600;
    private static final int BATCH = 20;
    private static final int RTCP_EVERY = 100;
    private static final int PAYLOAD = 160;

    private Path dir;
    private PortFixture rtp1;
    private PortFixture rtp2;
    private PortFixture rtp3;
    private UdpPeer ua1;
    private UdpPeer ua1Rtcp;
    private UdpPeer ua2;
    private UdpPeer ua2Rtcp;

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rtp-chain");
        rtp1 = PortFixture.start(dir, "rtp1");
        rtp3 = PortFixture.start(dir, "rtp3");
        rtp2 = PortFixture.start(dir, "rtp2");
        ua1 = new UdpPeer();
        ua1Rtcp = new UdpPeer();
        ua2 = new UdpPeer();
        ua2Rtcp = new UdpPeer();
    }

    @After
    public void tearDown() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {ua1, ua1Rtcp, ua2, ua2Rtcp, rtp1, rtp2, rtp3}) {
            if (c != null) {
                c.close();
            }
        }
        Files.deleteIfExists(dir);
    }

    @Test
    public void twoWayRtpThroughARelayOverUdp() throws Exception {
        runChain("udp");
        assertTrue("RTP3 leg a latched on RTP1's keepalive", rtp3.stat("call-1", "a", Fields.KEEPALIVES_IN) >= 1);
        assertTrue("RTP2's overlay leg latched on RTP3's keepalive", rtp2.stat("call-1", "overlay", Fields.KEEPALIVES_IN) >= 1);
        releaseAll();
    }

    @Test
    public void twoWayRtpThroughARelayOverTcp() throws Exception {
        runChain("tcp");
        assertEquals("connected", rtp3.leg("call-1", "a").state());
        assertEquals("tcp", rtp3.leg("call-1", "b").transport());
        releaseAll();
    }

    private void runChain(String transport) throws Exception {
        ControlMessage e1 = rtp1.om.allocateEndpoint("call-1", transport);
        ControlMessage r3 = rtp3.om.allocateRelay("call-1", transport, transport);
        ControlMessage e2 = rtp2.om.allocateEndpoint("call-1", transport);
        RtpAllocateAnswer a1 = RtpAllocateAnswer.from(e1);
        assertEquals("127.0.0.1", a1.address());
        int u1 = a1.leg("ua").rtp();
        int u2 = RtpAllocateAnswer.from(e2).leg("ua").rtp();
        assertEquals("even RTP port", 0, u1 % 2);
        assertEquals(u1 + 1, a1.leg("ua").rtcp());
        assertEquals(a1.leg("ua").get(Fields.RTP), e1.get(Fields.RTP));
        assertEquals(transport, a1.leg("overlay").transport());
        int a3 = RtpAllocateAnswer.from(r3).leg("a").port();
        int o2 = RtpAllocateAnswer.from(e2).leg("overlay").port();

        connectUa(rtp1, ua1, ua1Rtcp);
        connectUa(rtp2, ua2, ua2Rtcp);
        // Set up in the paper's order: RTP1 -> RTP3 -> RTP2; each far end waits passively for its caller.
        rtp3.om.connectLeg("call-1", "a", "passive", "127.0.0.1");
        rtp2.om.connectLeg("call-1", "overlay", "passive", "127.0.0.1");
        rtp1.om.connectLeg("call-1", "overlay", "active", "127.0.0.1:" + a3);
        rtp3.om.connectLeg("call-1", "b", "active", "127.0.0.1:" + o2);
        String ready = transport.equals("tcp") ? "connected" : "latched";
        TestSupport.await("RTP3 leg a " + ready, Duration.ofSeconds(20), () -> state(rtp3, "a").equals(ready));
        TestSupport.await("RTP2 overlay leg " + ready, Duration.ofSeconds(20), () -> state(rtp2, "overlay").equals(ready));

        int rtcpSent = 0;
        for (int start = 0; start < PACKETS; start += BATCH) {
            for (int i = start; i < start + BATCH; i++) {
                ua1.send(TestSupport.rtp(0, i, 160L * i, 0x1111, PAYLOAD), u1);
                ua2.send(TestSupport.rtp(8, 40000 + i, 160L * i, 0x2222, PAYLOAD), u2);
            }
            for (int i = start; i < start + BATCH; i++) {
                UdpPeer.Received at2 = ua2.receive(5000);
                assertNotNull("packet " + i + " UA1 -> UA2 lost", at2);
                assertArrayEquals("packet " + i + " UA1 -> UA2", TestSupport.rtp(0, i, 160L * i, 0x1111, PAYLOAD), at2.data());
                assertEquals("symmetric RTP: comes from the port UA2 sends to", u2, at2.from().getPort());
                UdpPeer.Received at1 = ua1.receive(5000);
                assertNotNull("packet " + i + " UA2 -> UA1 lost", at1);
                assertArrayEquals("packet " + i + " UA2 -> UA1", TestSupport.rtp(8, 40000 + i, 160L * i, 0x2222, PAYLOAD), at1.data());
                assertEquals(u1, at1.from().getPort());
            }
            if (start % RTCP_EVERY == 0) {
                ua1Rtcp.send(TestSupport.rtcp(0x1111), u1 + 1);
                ua2Rtcp.send(TestSupport.rtcp(0x2222), u2 + 1);
                UdpPeer.Received r2 = ua2Rtcp.receive(5000);
                assertNotNull("RTCP UA1 -> UA2", r2);
                assertArrayEquals(TestSupport.rtcp(0x1111), r2.data());
                assertEquals(u2 + 1, r2.from().getPort());
                UdpPeer.Received r1 = ua1Rtcp.receive(5000);
                assertNotNull("RTCP UA2 -> UA1", r1);
                assertArrayEquals(TestSupport.rtcp(0x2222), r1.data());
                rtcpSent++;
            }
        }
        assertNull("no duplicate at UA2", ua2.receive(300));
        assertNull("no duplicate at UA1", ua1.receive(300));

        long packets = PACKETS + rtcpSent;
        long bytes = PACKETS * (12L + PAYLOAD) + rtcpSent * 8L;
        // Counters are updated before the packet leaves, so they are final once every packet arrived.
        RtpStatsAnswer s1 = rtp1.stats("call-1");
        RtpStatsAnswer s3 = rtp3.stats("call-1");
        RtpStatsAnswer s2 = rtp2.stats("call-1");
        for (RtpStatsAnswer s : new RtpStatsAnswer[] {s1, s2}) {
            assertEquals(s.toString(), packets, s.leg("ua").count(Fields.PACKETS_IN));
            assertEquals(bytes, s.leg("ua").count(Fields.BYTES_IN));
            assertEquals(rtcpSent, s.leg("ua").count(Fields.RTCP_IN));
            assertEquals(packets, s.leg("ua").count(Fields.PACKETS_OUT));
            assertEquals(bytes, s.leg("ua").count(Fields.BYTES_OUT));
            assertEquals(packets, s.leg("overlay").count(Fields.PACKETS_IN));
            assertEquals(packets, s.leg("overlay").count(Fields.PACKETS_OUT));
            assertEquals(bytes, s.leg("overlay").count(Fields.BYTES_OUT));
            assertEquals(PACKETS, s.leg("ua").count(Fields.RTP_RECEIVED));
            assertEquals(PACKETS, s.leg("ua").count(Fields.RTP_EXPECTED));
            assertEquals(0, s.leg("ua").count(Fields.RTP_LOST));
            assertEquals(PACKETS, s.leg("overlay").count(Fields.RTP_RECEIVED));
            assertEquals(0, s.leg("overlay").count(Fields.RTP_LOST));
            assertEquals(0, s.leg("ua").count(Fields.DROPS));
            assertEquals(0, s.leg("overlay").count(Fields.DROPS));
            assertEquals("8000", s.leg("ua").get(Fields.CLOCK_RATE));
            assertTrue(s.leg("ua").count(Fields.JITTER) >= 0);
        }
        assertEquals("4369", s1.leg("ua").get(Fields.RTP_SSRC));
        assertEquals("8738", s1.leg("overlay").get(Fields.RTP_SSRC));
        for (String leg : new String[] {"a", "b"}) {
            assertEquals(s3.toString(), packets, s3.leg(leg).count(Fields.PACKETS_IN));
            assertEquals(packets, s3.leg(leg).count(Fields.PACKETS_OUT));
            assertEquals(bytes, s3.leg(leg).count(Fields.BYTES_IN));
            assertEquals(bytes, s3.leg(leg).count(Fields.BYTES_OUT));
            assertEquals(rtcpSent, s3.leg(leg).count(Fields.RTCP_IN));
            assertEquals(PACKETS, s3.leg(leg).count(Fields.RTP_RECEIVED));
            assertEquals(0, s3.leg(leg).count(Fields.RTP_LOST));
            assertEquals(0, s3.leg(leg).count(Fields.DROPS));
        }
        assertEquals("relay", s3.stats().role());

        // All-sessions form: prefixed with the session id.
        ControlMessage all = rtp3.om.call(RtpStats.all().toMessage());
        assertEquals("1", all.get(Fields.SESSIONS));
        assertEquals(Long.toString(packets), RtpStatsPage.from(all).session("call-1").leg("a").get(Fields.PACKETS_IN));

        // Only some counters of each leg (what the OM's media watch reads 40 times a second): the same figures, nothing else.
        ControlMessage few = rtp1.om.call(RtpStats.all().onlyCounters(List.of(Fields.PACKETS_IN, Fields.RTP_LOST)).toMessage());
        org.p2psip.control.message.RtpSessionStats call = RtpStatsPage.from(few).session("call-1");
        assertEquals("endpoint", call.role());
        for (String leg : new String[] {"ua", "overlay"}) {
            assertEquals(java.util.Set.of(Fields.PACKETS_IN, Fields.RTP_LOST), call.leg(leg).fields().keySet());
            assertEquals(s1.leg(leg).get(Fields.PACKETS_IN), call.leg(leg).get(Fields.PACKETS_IN));
        }
        assertEquals(Long.toString(packets), call.leg("overlay").get(Fields.PACKETS_IN));
    }

    private void releaseAll() throws Exception {
        for (PortFixture p : new PortFixture[] {rtp1, rtp2, rtp3}) {
            p.om.release("call-1");
            assertEquals(0, RtpPortStatus.from(p.om.status()).sessions());
        }
    }

    private static void connectUa(PortFixture p, UdpPeer ua, UdpPeer uaRtcp) throws Exception {
        p.om.call(RtpConnect.of("call-1", "ua", RtpConnect.PASSIVE, ua.address()).withRemoteRtcp(uaRtcp.address()).toMessage());
    }

    private static String state(PortFixture p, String leg) {
        try {
            return p.leg("call-1", leg).state();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long num(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) {
            throw new AssertionError("no " + key + " in " + s);
        }
        return Long.parseLong(v);
    }
}
