package org.p2psip.om.records;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.p2psip.om.types.Address;

/** The values the lookup service holds about peers, with the NAT and TCP relay parameters. */
public class PeerRecordTest {
    private static final String ID = "f3ab6e2a84960f17272a9f1faa5ccddfe6afc549";

    @Test
    public void aPlainUserRecordRoundTrips() {
        PeerRecord p = PeerRecord.parse(ID + "@203.0.113.10:7070");
        assertEquals(new Address("203.0.113.10", 7070), p.om());
        assertFalse(p.nat());
        assertNull(p.tcpRelay());
        assertEquals(ID + "@203.0.113.10:7070", p.value());
    }

    @Test
    public void aNatedPeersRecordSaysSo() {
        PeerRecord p = new PeerRecord(ID, new Address("203.0.113.10", 40001), -1, true, null);
        assertEquals(ID + "@203.0.113.10:40001;nat", p.value());
        assertTrue(PeerRecord.parse(p.value()).nat());
    }

    @Test
    public void relayRecordsCarryCapacityAndTheTcpRelay() {
        PeerRecord tcp = new PeerRecord(ID, new Address("203.0.113.10", 7070), -1, false, new Address("203.0.113.10", 7080));
        assertEquals(new Address("203.0.113.10", 7080), PeerRecord.parse(tcp.tcpRelayValue()).tcpRelay());
        assertEquals(12, PeerRecord.parse(ID + "@203.0.113.10:7070;free=12").free());
        // unknown parameters from newer peers are ignored
        assertEquals(3, PeerRecord.parse(ID + "@h:1;future=x;free=3").free());
    }

    @Test
    public void badRecordsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PeerRecord.parse("nobody@h:1"));
        assertThrows(IllegalArgumentException.class, () -> PeerRecord.parse(ID + "@h:1;free=many"));
        assertThrows(IllegalArgumentException.class, () -> PeerRecord.parse(ID + "@h:1;tcp=nohostport"));
    }
}
