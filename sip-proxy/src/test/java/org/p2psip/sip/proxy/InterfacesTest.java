package org.p2psip.sip.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import javax.sip.address.SipURI;
import org.junit.Test;
import org.p2psip.sip.stack.SipStacks;

/** The port's own addresses, with and without a relayed overlay address (a peer behind a NAT), over TCP or TLS. */
public class InterfacesTest {

    private static Interfaces interfaces(String relayed) {
        return new Interfaces("10.1.0.2", 5060, 5070, null, null, SipStacks.factories().header(),
                SipStacks.factories().address()).withOverlayAdvertised(relayed);
    }

    @Test
    public void withoutARelayTheOverlayRecordRouteIsTheBoundListener() {
        Interfaces i = interfaces(null);
        SipURI rr = (SipURI) i.recordRoute(Side.OVERLAY, "tcp").getAddress().getURI();
        assertEquals("10.1.0.2", rr.getHost());
        assertEquals(5070, rr.getPort());
        assertEquals("10.1.0.2:5070", i.overlayAdvertised());
    }

    @Test
    public void aUdpUriWithTheOverlaysPortNumberIsAUaOnTheSameHostNotThisPort() throws Exception {
        Interfaces i = interfaces(null);
        SipURI ua = SipStacks.factories().address().createSipURI("bob", "10.1.0.2");
        ua.setPort(5070); // a phone's UDP port equal to the overlay's TCP port
        assertFalse(i.isOwn(ua));
        ua.setTransportParam("tcp");
        assertTrue(i.isOwn(ua));
        SipURI uaSide = SipStacks.factories().address().createSipURI(null, "10.1.0.2");
        uaSide.setPort(5060);
        assertTrue(i.isOwn(uaSide));
    }

    @Test
    public void behindANatTheOverlayRecordRouteIsTheRelayAllocationAndIsRecognisedAsOwn() throws Exception {
        Interfaces i = interfaces("203.0.113.10:40001");
        SipURI rr = (SipURI) i.recordRoute(Side.OVERLAY, "tcp").getAddress().getURI();
        assertEquals("203.0.113.10", rr.getHost());
        assertEquals(40001, rr.getPort());
        assertEquals("tcp", rr.getTransportParam());
        assertTrue(rr.hasLrParam());
        // a Route naming the allocation (an in-dialog request from the far peer) is this port's own, overlay side
        assertTrue(i.isOwn(rr));
        assertEquals(Side.OVERLAY, i.sideOf(rr));
        // the UA side keeps the private address; the relay's other ports are not ours
        SipURI ua = (SipURI) i.recordRoute(Side.UA, "udp").getAddress().getURI();
        assertEquals("10.1.0.2", ua.getHost());
        assertEquals(5060, ua.getPort());
        assertFalse(i.isOwn("203.0.113.10", 40002));
        assertFalse(i.isOwn("203.0.113.10", 5060));
        assertEquals("203.0.113.10:40001", i.overlayAdvertised());
    }

    @Test
    public void inASecuredOverlayTheOverlaySideIsTlsInRecordRouteViaAndOwnUris() throws Exception {
        Interfaces i = interfaces("203.0.113.10:40001").withOverlayTransport("tls");
        assertEquals("tls", i.overlayTransport());
        SipURI rr = (SipURI) i.recordRoute(Side.OVERLAY, "tls").getAddress().getURI();
        assertEquals("tls", rr.getTransportParam());
        assertTrue("the far port's in-dialog Route naming it", i.isOwn(rr));
        assertEquals(Side.OVERLAY, i.sideOf(rr));
        assertEquals("TLS", i.via(Side.OVERLAY, "tls", "z9hG4bK-1").getTransport().toUpperCase());
        // a URI naming the overlay port over tcp is not this port: its overlay side speaks TLS only
        SipURI tcp = SipStacks.factories().address().createSipURI(null, "10.1.0.2");
        tcp.setPort(5070);
        tcp.setTransportParam("tcp");
        assertFalse(i.isOwn(tcp));
        tcp.setTransportParam("tls");
        assertTrue(i.isOwn(tcp));
        // the UA side is unchanged: phones keep UDP and TCP
        SipURI ua = (SipURI) i.recordRoute(Side.UA, "udp").getAddress().getURI();
        assertEquals(null, ua.getTransportParam());
    }

    @Test
    public void eachRecordRouteIsACopyAndFollowsAChangedAddress() throws Exception {
        Interfaces i = interfaces(null);
        javax.sip.header.RecordRouteHeader first = i.recordRoute(Side.UA, "tcp");
        ((SipURI) first.getAddress().getURI()).setHost("192.0.2.99"); // a later hop's change to the message's copy
        first.setParameter("x", "1");
        SipURI again = (SipURI) i.recordRoute(Side.UA, "tcp").getAddress().getURI();
        assertEquals("10.1.0.2", again.getHost());
        assertEquals("tcp", again.getTransportParam());
        assertEquals(null, i.recordRoute(Side.UA, "tcp").getParameter("x"));
        assertEquals("the UA side over UDP has no transport parameter", null,
                ((SipURI) i.recordRoute(Side.UA, "UDP").getAddress().getURI()).getTransportParam());
        assertEquals(5070, ((SipURI) i.recordRoute(Side.OVERLAY, "tcp").getAddress().getURI()).getPort());
        // the overlay address advertised later (a TCP relay allocation) and TLS are what the next Record-Route says
        i.withOverlayAdvertised("203.0.113.10:40001").withOverlayTransport("tls");
        SipURI relayed = (SipURI) i.recordRoute(Side.OVERLAY, "tcp").getAddress().getURI();
        assertEquals("203.0.113.10", relayed.getHost());
        assertEquals(40001, relayed.getPort());
        assertEquals("tls", relayed.getTransportParam());
    }
}
