package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
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
        assertEquals(null, PeerConfig.of(Map.of()).view());
        assertEquals(null, PeerConfig.of(Map.of("view", "off")).view());
        assertEquals(org.p2psip.common.HostPort.parse("127.0.0.1:8080"), PeerConfig.of(Map.of("view", "8080")).view());
        assertEquals(org.p2psip.common.HostPort.parse("10.0.0.1:9000"), PeerConfig.of(Map.of("view", "10.0.0.1:9000")).view());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerConfig.of(Map.of("view", "on")));
        assertTrue(e.getMessage(), e.getMessage().startsWith("--view must be off, PORT or HOST:PORT, not 'on'"));
    }
}
