package org.p2psip.rtp.bench;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class BencodeTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String enc(Object v) {
        return new String(Bencode.encode(v), StandardCharsets.UTF_8);
    }

    @Test
    public void encodesTheFourTypes() {
        assertEquals("4:spam", enc("spam"));
        assertEquals("0:", enc(""));
        assertEquals("i42e", enc(42L));
        assertEquals("i-7e", enc(-7));
        assertEquals("i0e", enc(0));
        assertEquals("l4:spami3ee", enc(List.of("spam", 3L)));
        assertEquals("le", enc(List.of()));
        assertEquals("de", enc(Map.of()));
        // multi-byte UTF-8: the length counts bytes
        assertEquals("2:\u00e9", enc("\u00e9"));
    }

    @Test
    public void dictionaryKeysAreWrittenSorted() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sdp", "v=0\r\n");
        m.put("command", "offer");
        m.put("call-id", "c1");
        m.put("flags", List.of("trust-address"));
        assertEquals("d7:call-id2:c17:command5:offer5:flagsl13:trust-addresse3:sdp5:v=0\r\ne", enc(m));
    }

    @Test
    public void decodesAnNgReply() {
        Object v = Bencode.decode(ascii("d6:result2:ok3:sdp12:v=0\r\nm=audio7:warning0:6:totalsd3:RTPd7:packetsi1500eeee"));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertEquals("ok", m.get("result"));
        assertEquals("v=0\r\nm=audio", m.get("sdp"));
        assertEquals("", m.get("warning"));
        assertEquals(Map.of("RTP", Map.of("packets", 1500L)), m.get("totals"));
        assertEquals(List.of("result", "sdp", "warning", "totals"), List.copyOf(m.keySet()));
    }

    @Test
    public void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1L, "x", List.of(), Map.of("k", -123456789012L)));
        m.put("b", "with:colon and e and i0e inside");
        byte[] wire = Bencode.encode(m);
        assertEquals(m, Bencode.decode(wire));
        assertArrayEquals(wire, Bencode.encode(Bencode.decode(wire)));
    }

    @Test
    public void decodesASlice() {
        byte[] packet = ascii("cookie42 d6:result2:oke");
        assertEquals(Map.of("result", "ok"), Bencode.decode(packet, 9, packet.length - 9));
    }

    @Test
    public void rejectsMalformedInput() {
        for (String bad : new String[] {"", "4:spa", "i42", "ie", "i-e", "i03e", "i-0e", "i4x2e", "l4:spam", "d3:key", "di1e1:ve",
            "d1:ai1e1:ai2ee", "x", "4:spamX", "-1:a", "99999999999999999999:a", "i99999999999999999999e"}) {
            try {
                Object v = Bencode.decode(ascii(bad));
                fail("accepted '" + bad + "' as " + v);
            } catch (IllegalArgumentException | ArithmeticException e) {
                assertTrue(bad + ": " + e.getMessage(), e.getMessage() != null);
            }
        }
    }

    @Test
    public void refusesValuesItCannotEncode() {
        for (Object bad : new Object[] {null, 1.5, Map.of(1, "x"), List.of(new Object())}) {
            try {
                Bencode.encode(bad);
                fail("encoded " + bad);
            } catch (IllegalArgumentException expected) {
                // as documented
            }
        }
    }
}
