package org.p2psip.lookup.chord;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.Test;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Address;
import org.p2psip.lookup.ring.Id;

public class IdTest {
    private static Id id(long v) {
        return Id.of(BigInteger.valueOf(v));
    }

    @Test
    public void sha1OfKeysAndAddresses() {
        // SHA-1("abc") from FIPS 180-1
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", Id.hash("abc").toHex());
        assertEquals(Id.hash("127.0.0.1:4000"), NodeRef.idOf("127.0.0.1", 4000));
        assertEquals(Id.hash("[::1]:4000"), NodeRef.idOf("::1", 4000));
        Id x = Id.hash("x");
        assertEquals(x, Id.fromBytes(x.toBytes()));
        assertEquals(x, Id.fromHex(x.toHex()));
        assertEquals(20, id(1).toBytes().length);
    }

    @Test
    public void circularIntervals() {
        assertTrue(id(5).inHalfOpen(id(3), id(5)));
        assertFalse(id(3).inHalfOpen(id(3), id(5)));
        assertTrue(id(1).inHalfOpen(id(250), id(3))); // wraps
        assertTrue(id(251).inHalfOpen(id(250), id(3)));
        assertFalse(id(100).inHalfOpen(id(250), id(3)));
        assertTrue(id(7).inHalfOpen(id(7), id(7))); // whole circle
        assertTrue(id(4).inOpen(id(3), id(5)));
        assertFalse(id(5).inOpen(id(3), id(5)));
        assertFalse(id(7).inOpen(id(7), id(7)));
        assertTrue(id(8).inOpen(id(7), id(7)));
        Id top = Id.of(BigInteger.ONE.shiftLeft(160).subtract(BigInteger.ONE));
        assertEquals(id(0), top.plusPowerOfTwo(0));
        assertEquals(BigInteger.ONE, top.distanceTo(id(0)));
    }

    @Test
    public void orderAndEqualityAreThoseOfThe160BitNumbers() {
        java.util.Random rnd = new java.util.Random(7);
        List<Id> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(Id.hash("k" + i));
        }
        BigInteger top = BigInteger.ONE.shiftLeft(160);
        for (int bit : new int[] {0, 31, 32, 63, 64, 95, 96, 127, 128, 159}) {
            ids.add(Id.of(BigInteger.ONE.shiftLeft(bit)));
            ids.add(Id.of(BigInteger.ONE.shiftLeft(bit).subtract(BigInteger.ONE)));
            ids.add(Id.of(top.subtract(BigInteger.ONE.shiftLeft(bit))));
        }
        ids.add(Id.of(new BigInteger(160, rnd)));
        for (Id a : ids) {
            for (Id b : ids) {
                assertEquals(a + " vs " + b, Integer.signum(a.toBigInteger().compareTo(b.toBigInteger())),
                        Integer.signum(a.compareTo(b)));
                assertEquals(a.toBigInteger().equals(b.toBigInteger()), a.equals(b));
                if (a.equals(b)) {
                    assertEquals(a.hashCode(), b.hashCode());
                }
            }
        }
        assertEquals(Id.hash("x"), Id.fromHex(Id.hash("x").toHex()));
    }

    @Test
    public void addresses() {
        assertEquals(new Address("127.0.0.1", 4000), Address.parse("127.0.0.1:4000"));
        assertEquals(new Address("::1", 4000), Address.parse("[::1]:4000"));
        assertEquals("[::1]:4000", new Address("::1", 4000).toString());
        for (String bad : new String[] {"", "host", "host:", ":80", "h:99999", "h:x", "::1:80", "[::1]80"}) {
            try {
                Address.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (LookupException e) {
                assertEquals(LookupException.Reason.BAD_ARGUMENT, e.reason());
            }
        }
    }
}
