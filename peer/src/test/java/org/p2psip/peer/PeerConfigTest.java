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
    public void theOperatorListenerOfViewAndMetricsIsOnLoopbackByDefault() throws Exception {
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 0), PeerConfig.of(Map.of("security", "off")).httpAddress());
        assertEquals(null, PeerConfig.of(Map.of("security", "off", "http", "off")).httpAddress());
        assertEquals(new java.net.InetSocketAddress("10.0.0.1", 9000), PeerConfig.of(Map.of("security", "off", "http", "10.0.0.1:9000")).httpAddress());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.of(Map.of("security", "off", "http", "on")));
        assertTrue(e.getMessage(), e.getMessage().startsWith("--http must be HOST:PORT (e.g. 127.0.0.1:9470) or off, not 'on'"));
        // the web view has no listener of its own any more
        e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.of(Map.of("security", "off", "view", "8080")));
        assertTrue(e.getMessage(), e.getMessage().contains("unknown option: --view"));
    }

    @Test
    public void theAdmissionLimitIsAPositiveNumberOfCallsInSetUp() throws Exception {
        assertEquals(org.p2psip.sip.proxy.ProxySettings.DEFAULT_MAX_CALLS_IN_SETUP, PeerConfig.of(Map.of("security", "off")).maxCallsInSetup());
        assertEquals(8, PeerConfig.of(Map.of("security", "off", "max-calls-in-setup", "8")).maxCallsInSetup());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerConfig.of(Map.of("security", "off", "max-calls-in-setup", "0")));
        assertTrue(e.getMessage(), e.getMessage().contains("--max-calls-in-setup must be 1 .. 1000000, not 0"));
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
