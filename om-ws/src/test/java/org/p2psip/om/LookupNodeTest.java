package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.p2psip.lookup.chord.ChordConfig;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.om.omif.Wire;
import org.p2psip.om.types.NodeIds;

/** The OM owns the node's lookup (Chord) node: the node id is the ring node's id, and the OM closes it. */
public class LookupNodeTest {

    @Test
    public void nodeIdIsTheRingNodesIdAndTheOmClosesIt() throws Exception {
        ChordNode ring = new ChordNode(ChordConfig.builder().listen("127.0.0.1", 0).build()).start();
        int ringPort = org.p2psip.lookup.ring.Address.parse(ring.address()).port();
        try (PortStandIns ports = new PortStandIns("127.0.0.1:5061");
             OverlayManager om = OverlayManager.builder().lookup(ring).nodeId(ring.id().toHex())
                     .ports(org.p2psip.om.ports.ControlSatoPorts.builder().rtpPort(ports.rtp.path()).connect())
                     .build().start()) {
            assertEquals(ring.id().toHex(), om.nodeId());
            assertTrue(NodeIds.isValid(om.nodeId()));
            om.lookup().put("relay:rtp-port", om.address().toString(), 60).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(om.address().toString()), om.lookup().get("relay:rtp-port").get(10, TimeUnit.SECONDS));
            assertEquals(Wire.endpoint(om.address()).getPort(), om.address().port());
        }
        try (Socket s = new Socket("127.0.0.1", ringPort)) {
            fail("the ring node still listens after the OM closed");
        } catch (IOException expected) {
            // closed with the OM
        }
    }
}
