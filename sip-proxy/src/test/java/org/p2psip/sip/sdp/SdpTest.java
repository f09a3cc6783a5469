package org.p2psip.sip.sdp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.p2psip.common.HostPort;

public class SdpTest {
    static final String OFFER = String.join("\r\n",
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 192.0.2.10",
            "s=-",
            "c=IN IP4 192.0.2.10",
            "t=0 0",
            "m=audio 49170 RTP/AVP 0 8",
            "a=rtpmap:0 PCMU/8000",
            "m=video 0 RTP/AVP 31",
            "m=video 51372 RTP/AVP 31",
            "c=IN IP4 192.0.2.11",
            "a=rtcp:53020",
            "") + "\r\n";

    @Test
    public void readsStreamsWithSessionAndMediaLevelAddressesAndRtcp() throws Exception {
        List<SdpStream> s = Sdp.parse(OFFER).streams();
        assertEquals(3, s.size());
        assertEquals(new HostPort("192.0.2.10", 49170), s.get(0).rtp());
        assertEquals(new HostPort("192.0.2.10", 49171), s.get(0).rtcp());
        assertFalse("port 0: disabled", s.get(1).isActive());
        assertEquals(new HostPort("192.0.2.11", 51372), s.get(2).rtp());
        assertEquals(new HostPort("192.0.2.11", 53020), s.get(2).rtcp());
    }

    @Test
    public void rewritesAddressesPortsAndRtcpKeepingEverythingElse() throws Exception {
        String out = Sdp.parse(OFFER).rewrite(Map.of(
                0, new HostPort[] {new HostPort("10.1.1.1", 40000), new HostPort("10.1.1.1", 40001)},
                2, new HostPort[] {new HostPort("10.1.1.1", 40002), new HostPort("10.1.1.1", 40009)}));
        List<SdpStream> s = Sdp.parse(out).streams();
        assertEquals(new HostPort("10.1.1.1", 40000), s.get(0).rtp());
        assertEquals(new HostPort("10.1.1.1", 40001), s.get(0).rtcp());
        assertFalse(s.get(1).isActive());
        assertEquals(new HostPort("10.1.1.1", 40002), s.get(2).rtp());
        assertEquals(new HostPort("10.1.1.1", 40009), s.get(2).rtcp());
        assertTrue("session c= follows", out.contains("\r\nc=IN IP4 10.1.1.1\r\n"));
        assertFalse("no trace of the UA's address outside o=", out.replace("o=alice 2890844526 2890844526 IN IP4 192.0.2.10", "")
                .contains("192.0.2."));
        assertTrue("other lines kept", out.contains("a=rtpmap:0 PCMU/8000\r\n") && out.contains("m=video 0 RTP/AVP 31\r\n"));
        assertTrue(out.endsWith("\r\n"));
    }

    @Test
    public void addsRtcpAttributeWhenRtcpIsNotNextToRtp() throws Exception {
        String out = Sdp.parse("v=0\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP 0\n").rewrite(Map.of(
                0, new HostPort[] {new HostPort("127.0.0.1", 6000), new HostPort("127.0.0.1", 7000)}));
        assertTrue(out, out.contains("a=rtcp:7000\n"));
        assertEquals(new HostPort("127.0.0.1", 7000), Sdp.parse(out).streams().get(0).rtcp());
    }

    @Test
    public void holdAddressIsKept() throws Exception {
        String out = Sdp.parse("v=0\nc=IN IP4 0.0.0.0\nm=audio 5000 RTP/AVP 0\n").rewrite(Map.of(
                0, new HostPort[] {new HostPort("127.0.0.1", 6000), new HostPort("127.0.0.1", 6001)}));
        assertTrue(out, out.contains("c=IN IP4 0.0.0.0"));
        assertFalse(out.contains("c=IN IP4 127.0.0.1"));
    }

    @Test
    public void ipv6Addresses() throws Exception {
        String out = Sdp.parse("v=0\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP 0\n").rewrite(Map.of(
                0, new HostPort[] {new HostPort("::1", 6000), new HostPort("::1", 6001)}));
        assertTrue(out, out.contains("c=IN IP6 ::1"));
    }

    @Test(expected = SdpException.class)
    public void streamWithoutConnectionAddressIsAnError() throws Exception {
        Sdp.parse("v=0\nm=audio 5000 RTP/AVP 0\n").streams();
    }

    @Test(expected = SdpException.class)
    public void notSdp() throws Exception {
        Sdp.parse("hello");
    }

    @Test(expected = SdpException.class)
    public void badPort() throws Exception {
        Sdp.parse("v=0\nc=IN IP4 1.2.3.4\nm=audio 99999 RTP/AVP 0\n").streams();
    }
}
