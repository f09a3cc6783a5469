package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

/** Settings a peer refuses to start with. */
public class PeerConfigTest {

    @Test
    public void aPeerBehindANatNeedsABootstrap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerConfig.of(Map.of("nat", "on")));
        assertTrue(e.getMessage(), e.getMessage().contains("--bootstrap"));
    }

    @Test
    public void theWebViewIsOffByDefaultAndOnLoopbackWhenOnlyAPortIsGiven() throws Exception {
        assertEquals(null, PeerConfig.of(Map.of("security", "off")).view());
        assertEquals(null, PeerConfig.of(Map.of("security", "off", "view", "off")).view());
        assertEquals(org.p2psip.common.HostPort.parse("127.0.0.1:8080"), PeerConfig.of(Map.of("security", "off", "view", "8080")).view());
        assertEquals(org.p2psip.common.HostPort.parse("10.0.0.1:9000"), PeerConfig.of(Map.of("security", "off", "view", "10.0.0.1:9000")).view());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.of(Map.of("security", "off", "view", "on")));
        assertTrue(e.getMessage(), e.getMessage().startsWith("--view must be off, PORT or HOST:PORT, not 'on'"));
    }

    @Test
    public void aPeerWithoutCertificatesRefusesAndSaysTheCommandThatEnrollsIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.of(Map.of("name", "p")));
        assertTrue(e.getMessage(), e.getMessage().contains("./p2psip ca enroll-peer DIR --ca CA_DIR"));
        assertTrue(e.getMessage(), e.getMessage().contains("--security off"));
    }

    @Test
    public void anUnsecuredOverlayIsChosenExplicitly() throws Exception {
        PeerConfig off = PeerConfig.of(Map.of("security", "off"));
        assertFalse(off.secured());
        PeerConfig on = PeerConfig.of(Map.of("security", "/tmp/some-peer-security"));
        assertTrue(on.secured());
        assertEquals(java.nio.file.Path.of("/tmp/some-peer-security"), on.securityDir());
    }
}
