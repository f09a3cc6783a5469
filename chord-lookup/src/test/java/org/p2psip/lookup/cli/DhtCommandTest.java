package org.p2psip.lookup.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.TestRing;

/** {@code ./p2psip dht put|get|remove|lookup|ring --via} against a real ring, and its error handling. */
public class DhtCommandTest {
    private final TestRing ring = new TestRing();
    private String via;

    @Before
    public void setUp() throws Exception {
        ring.grow(4);
        ring.awaitStable(Duration.ofSeconds(30));
        via = ring.live().get(1).address();
    }

    @After
    public void tearDown() {
        ring.close();
    }

    private static final class Run {
        int status;
        String out;
        String err;
    }

    private static Run dht(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Run r = new Run();
        r.status = DhtCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        r.out = o.toString(StandardCharsets.UTF_8);
        r.err = e.toString(StandardCharsets.UTF_8);
        return r;
    }

    @Test(timeout = 60_000)
    public void putGetRemoveLookupRing() throws Exception {
        assertEquals(0, dht("put", "sip:bob@p2psip.test", "10.0.0.2:5060", "--ttl", "600", "--via", via).status);
        assertEquals(0, dht("put", "sip:bob@p2psip.test", "10.0.0.3:5060", "--ttl", "600", "--via", via).status);
        Run get = dht("get", "sip:bob@p2psip.test", "--via", ring.live().get(3).address());
        assertEquals(get.err, 0, get.status);
        assertEquals(java.util.Set.of("10.0.0.2:5060", "10.0.0.3:5060"), java.util.Set.of(get.out.trim().split("\n")));
        assertTrue(get.err, get.err.contains("2 value(s)") && get.err.contains("hops"));

        assertEquals(0, dht("remove", "sip:bob@p2psip.test", "10.0.0.2:5060", "--via", via).status);
        assertEquals("10.0.0.3:5060\n", dht("get", "sip:bob@p2psip.test", "--via", via).out);

        Run lookup = dht("lookup", "sip:bob@p2psip.test", "--via", via);
        assertEquals(0, lookup.status);
        String owner = ring.expectedHolders("sip:bob@p2psip.test").get(0).address();
        assertTrue(lookup.out, lookup.out.contains(owner));

        Run r = dht("ring", "--via", via);
        assertEquals(r.err, 0, r.status);
        assertTrue(r.out, r.out.contains("4 node(s)"));
        for (ChordNode n : ring.live()) {
            assertTrue(r.out, r.out.contains(n.id().toHex() + "  " + n.address()));
        }
        assertTrue(r.out, r.out.contains("last merge"));
        Run json = dht("ring", "--via", via, "--json");
        assertEquals(json.err, 0, json.status);
        assertTrue(json.out, json.out.startsWith("{\"nodes\":[{\"id\":\"") && json.out.strip().endsWith("],\"count\":4}"));
        for (ChordNode n : ring.live()) {
            assertTrue(json.out, json.out.contains("{\"id\":\"" + n.id().toHex() + "\",\"address\":\"" + n.address() + "\","));
        }

        ChordNode v = ring.live().get(1);
        TestRing.await("the node to count its ring", Duration.ofSeconds(20), () -> v.status().ringSize() == 4);
        Run st = dht("status", "--via", via);
        assertEquals(st.err, 0, st.status);
        assertTrue(st.out, st.out.contains("ring size:   4 (counted along successor lists)"));
        assertTrue(st.out, st.out.contains("last merge:  never"));
    }

    @Test(timeout = 60_000)
    public void errorsAreOneClearLine() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Run unreachable = dht("get", "k", "--via", "127.0.0.1:" + free, "--timeout-ms", "2000");
        assertEquals(1, unreachable.status);
        assertOneLine(unreachable.err, "cannot connect to 127.0.0.1:" + free);

        assertBad(dht("put", "k", "v", "--via", via), "missing --ttl");
        assertBad(dht("put", "k", "v", "--ttl", "604801", "--via", via), "one week");
        assertBad(dht("put", "k", "x".repeat(1025), "--ttl", "60", "--via", via), "1024");
        assertBad(dht("get", "k"), "missing --via");
        assertBad(dht("get", "k", "--via", "nonsense"), "HOST:PORT");
        assertBad(dht("get", "--via", via), "expected 1 argument");
        assertBad(dht("frobnicate"), "unknown command");
        assertBad(dht("get", "k", "--via", via, "--colour", "red"), "unknown option: --colour");
        assertEquals(0, dht("--help").status);
        Run node = dht("node", "--listen", "127.0.0.1:0", "--bootstrap", "127.0.0.1:" + free, "--rpc-timeout-ms", "1000");
        assertEquals(1, node.status);
        assertOneLine(node.err, "cannot join the ring via 127.0.0.1:" + free);
    }

    private static void assertBad(Run r, String text) {
        assertEquals(r.err, 2, r.status);
        assertOneLine(r.err, text);
    }

    private static void assertOneLine(String err, String text) {
        assertTrue("expected '" + text + "' in: " + err, err.contains(text));
        assertEquals("one line: " + err, 1, err.trim().split("\n").length);
        assertTrue(err.startsWith("p2psip dht: "));
    }
}
