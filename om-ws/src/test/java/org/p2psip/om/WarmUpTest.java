package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.om.types.OmException;

/**
 * The OM IF warm-up at start: an OM Pings itself over its own OM IF (real HTTP, CXF client and server)
 * so that the SOAP path is compiled before the first calls. Its Pings name the node itself and carry the
 * OM's warm-up token as their sequence number: answered (they were refused as "caller claims this node's
 * own id", which ended the warm-up at its first Ping); a Ping naming the node without the token is refused.
 */
public class WarmUpTest {

    @Test(timeout = 60_000)
    public void theOmAnswersItsOwnWarmUpPings() throws Exception {
        ChordNode ring = new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).build()).start();
        try (PortStandIns ports = new PortStandIns("127.0.0.1:5061");
             OverlayManager om = OverlayManager.builder().lookup(ring).nodeId(ring.id().toHex())
                     .ports(org.p2psip.om.ports.ControlSatoPorts.builder().rtpPort(ports.rtp.path()).connect())
                     .warmUpPings(20)
                     .build().start()) {
            assertTrue("warm-up Pings answered: " + om.warmUpPingsAnswered(), om.warmUpPingsAnswered() >= 3);
            // a Ping naming this node without the warm-up's token is an impostor's, refused as before
            try {
                om.remote().ping(om.address(), 1, 0);
                fail("a Ping claiming this node's own id without the warm-up token was answered");
            } catch (OmException e) {
                assertEquals(OmException.Kind.INVALID_REQUEST, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("own id"));
            }
        }
    }
}
