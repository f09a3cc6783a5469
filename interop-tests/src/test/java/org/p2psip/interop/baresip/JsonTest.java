package org.p2psip.interop.baresip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class JsonTest {

    @Test
    public void parsesBaresipEventsAndResponses() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse("{\"event\":true,\"type\":\"CALL_RTCP\","
                + "\"rtcp_stats\":{\"tx\":{\"sent\":12,\"jit\":0.5}},\"l\":[1,null,false],"
                + "\"data\":\"a\\/b\\n\\u001B[32mOK\"}");
        assertEquals(Boolean.TRUE, m.get("event"));
        assertEquals(12L, ((Map<?, ?>) ((Map<?, ?>) m.get("rtcp_stats")).get("tx")).get("sent"));
        assertEquals(0.5, ((Map<?, ?>) ((Map<?, ?>) m.get("rtcp_stats")).get("tx")).get("jit"));
        assertEquals(java.util.Arrays.asList(1L, null, false), m.get("l"));
        assertEquals("a/b\n\u001B[32mOK", m.get("data"));
        assertEquals(List.of(), Json.parse(" [ ] "));
    }

    @Test
    public void quotesAndRejectsGarbage() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
        assertEquals("x\"y", Json.parse(Json.quote("x\"y")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    }
}
