package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;

/**
 * The OM IF warm-up at start: an OM Pings itself over its own OM IF (real HTTP, CXF client and server)
 * so that the SOAP path is compiled before the first calls. A Ping from the node itself is answered
 * (it was refused as "caller claims this node's own id", which ended the warm-up at its first Ping).
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
            assertEquals(ring.id().toHex(), om.remote().ping(om.address(), 1, 0).nodeId());
        }
    }
}
