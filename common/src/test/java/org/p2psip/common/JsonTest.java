package org.p2psip.common;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The JSON the --json forms write: RFC 8259 escapes, numbers, nesting, order kept. */
public class JsonTest {
    @Test
    public void writesNestedValuesInOrderWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001");
        m.put("n", 42L);
        m.put("d", 1.5);
        m.put("whole", 3.0);
        m.put("nan", Double.NaN);
        m.put("t", true);
        m.put("null", null);
        m.put("list", Arrays.asList(1, "x", null, List.of()));
        m.put("empty", Map.of());
        assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":42,\"d\":1.5,\"whole\":3,\"nan\":null,\"t\":true,\"null\":null,"
                + "\"list\":[1,\"x\",null,[]],\"empty\":{}}", Json.write(m));
    }

    @Test(expected = IllegalArgumentException.class)
    public void refusesWhatItCannotWrite() {
        Json.write(new Object());
    }
}
