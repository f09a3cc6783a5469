package org.p2psip.control;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** Messages are immutable although a chain of {@code with} shares one field array (appending in place). */
public class ControlMessageTest {

    private static List<String> keys(ControlMessage m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> f : m.fields()) {
            out.add(f.getKey() + "=" + f.getValue());
        }
        return out;
    }

    @Test
    public void aMessageExtendedTwiceGivesTwoIndependentMessages() {
        ControlMessage base = ControlMessage.request("x.y").with("a", 1).with("b", 2);
        List<Map.Entry<String, String>> viewBefore = base.fields();
        ControlMessage left = base.with("c", "left");
        ControlMessage right = base.with("c", "right").with("d", 4);
        ControlMessage leftMore = left.with("e", 5);
        assertEquals(List.of("a=1", "b=2"), keys(base));
        assertEquals(2, viewBefore.size());
        assertEquals(List.of("a=1", "b=2", "c=left"), keys(left));
        assertEquals(List.of("a=1", "b=2", "c=right", "d=4"), keys(right));
        assertEquals(List.of("a=1", "b=2", "c=left", "e=5"), keys(leftMore));
        assertEquals("left", left.get("c"));
        assertEquals("right", right.get("c"));
        assertNull(base.get("c"));
        assertEquals(ControlMessage.request("x.y").with("a", 1).with("b", 2).with("c", "right").with("d", 4), right);
        assertEquals(List.of("1"), base.withAll("a", List.of()).getAll("a"));
        assertEquals(List.of("1", "7", "8"), base.withAll("a", List.of(7, 8)).getAll("a"));
        assertEquals(List.of("a=1", "b=2"), keys(base));
    }

    @Test
    public void aLongChainKeepsEveryField() {
        ControlMessage m = ControlMessage.event("big");
        List<ControlMessage> steps = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            m = m.with("k" + i, i);
            if (i % 1000 == 0) {
                steps.add(m);
            }
        }
        assertEquals(20_000, m.fields().size());
        assertEquals("19999", m.get("k19999"));
        for (int s = 0; s < steps.size(); s++) {
            assertEquals(s * 1000 + 1, steps.get(s).fields().size());
            assertNull(steps.get(s).get("k" + (s * 1000 + 1)));
        }
    }

    @Test
    public void threadsExtendingOneMessageDoNotSeeEachOthersFields() throws Exception {
        ControlMessage base = ControlMessage.request("x.y").with("shared", 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ControlMessage>> out = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int me = t;
                out.add(pool.submit(() -> {
                    go.await();
                    ControlMessage m = base;
                    for (int i = 0; i < 500; i++) {
                        m = m.with("t" + me, i);
                    }
                    return m;
                }));
            }
            go.countDown();
            for (int t = 0; t < 4; t++) {
                ControlMessage m = out.get(t).get(10, TimeUnit.SECONDS);
                assertEquals(501, m.fields().size());
                assertEquals("0", m.get("shared"));
                assertEquals(500, m.getAll("t" + t).size());
                for (int other = 0; other < 4; other++) {
                    if (other != t) {
                        assertEquals(0, m.getAll("t" + other).size());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
