package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.p2psip.om.ports.ControlSatoPorts;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.ports.SatoPorts;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PortKind;

/**
 * {@code sato.media.connect} with the phone's address and the far side's: both legs of the RTP-Port
 * session are connected with their {@code rtp.connect}s sent together (one wait on the RTP-Port, not
 * two), over a real control socket; a leg the port refuses fails the whole connect, naming the request.
 */
public class ConnectLegsTogetherTest {

    @Test(timeout = 60_000)
    public void bothLegsAreAskedForBeforeEitherIsAnswered() throws Exception {
        try (PortStandIns ports = new PortStandIns("127.0.0.1:5061");
             ControlSatoPorts satoPorts = ControlSatoPorts.builder().rtpPort(ports.rtp.path()).connect()) {
            PortSession s = satoPorts.start(PortKind.RTP_PORT, "sato-1", "owner", Map.of());
            // the stand-in answers neither rtp.connect until both have arrived: asked one after the other's
            // answer, the first would fail after 5 s
            ports.connectsTogether = new java.util.concurrent.CountDownLatch(2);
            satoPorts.connect(s, List.of(
                    new SatoPorts.LegTarget(PortSession.LEG_UA, Address.parse("127.0.0.1:30000"), SatoPorts.LegStart.CHAIN),
                    new SatoPorts.LegTarget(PortSession.LEG_CALLEE, Address.parse("127.0.0.1:40100"), SatoPorts.LegStart.CHAIN)));
            assertEquals(2, ports.count("rtp.connect " + s.sessionId()));
            assertTrue(ports.log.toString(), ports.log.contains("rtp.connect " + s.sessionId() + " ua->127.0.0.1:30000"));
        }
    }

    @Test(timeout = 60_000)
    public void aLegThePortRefusesFailsTheConnectNamingTheRequest() throws Exception {
        try (PortStandIns ports = new PortStandIns("127.0.0.1:5061");
             ControlSatoPorts satoPorts = ControlSatoPorts.builder().rtpPort(ports.rtp.path()).connect()) {
            PortSession s = satoPorts.start(PortKind.RTP_PORT, "sato-1", "owner", Map.of());
            ports.sessions.remove(s.sessionId()); // the port no longer knows the session
            try {
                satoPorts.connect(s, List.of(
                        new SatoPorts.LegTarget(PortSession.LEG_UA, Address.parse("127.0.0.1:30000"), SatoPorts.LegStart.CHAIN),
                        new SatoPorts.LegTarget(PortSession.LEG_CALLER, Address.parse("127.0.0.1:40100"), SatoPorts.LegStart.CHAIN)));
                fail("connected legs of a session the RTP-Port does not have");
            } catch (OmException e) {
                assertEquals(OmException.Kind.UNKNOWN_SESSION, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("rtp.connect") && e.getMessage().contains("no session " + s.sessionId()));
            }
            // the connection stays usable
            satoPorts.connect(satoPorts.start(PortKind.RTP_PORT, "sato-2", "owner", Map.of()), List.of(
                    new SatoPorts.LegTarget(PortSession.LEG_UA, Address.parse("127.0.0.1:30002"), SatoPorts.LegStart.CHAIN)));
        }
    }
}
