package org.p2psip.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class HostPortTest {
    @Test
    public void parsesNamesV4AndBracketedV6() {
        assertEquals(new HostPort("peer1.example", 5060), HostPort.parse("peer1.example:5060"));
        assertEquals(new HostPort("127.0.0.1", 0), HostPort.parse(" 127.0.0.1:0 "));
        HostPort v6 = HostPort.parse("[::1]:7070");
        assertEquals("::1", v6.host());
        assertEquals(7070, v6.port());
        assertEquals("[::1]:7070", v6.toString());
    }

    @Test
    public void roundTripsThroughToString() {
        for (String s : new String[] {"a:1", "10.0.0.1:65535", "[fe80::1]:5060"}) {
            assertEquals(s, HostPort.parse(s).toString());
        }
    }

    @Test
    public void refusesWhatIsNotHostPortQuotingTheText() {
        for (String bad : new String[] {"", "host", ":5060", "host:", "::1:5060", "[::1]5060", "[::1", "h:port", "h:70000", "h:-1"}) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> HostPort.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().contains("'"));
        }
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
    }

    @Test
    public void aRemoteAddressNeedsARealPort() {
        assertThrows(IllegalArgumentException.class, () -> HostPort.parseRemote("127.0.0.1:0"));
        assertEquals(5060, HostPort.parseRemote("127.0.0.1:5060").port());
    }
}
