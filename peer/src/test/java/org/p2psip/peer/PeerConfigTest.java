package org.p2psip.peer;

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
}
