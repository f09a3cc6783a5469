package org.p2psip.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.p2psip.common.Options.Option;

public class OptionsTest {
    enum Policy { AUTO, ALWAYS, NEVER, IN_PROCESS }

    static final List<Option> OPTS = List.of(
            Option.value("config", null, "file"),
            Option.value("port", "5060", "a port"),
            Option.value("policy", "auto", "a policy"),
            Option.value("peer", null, "HOST:PORT"),
            Option.value("sdp", "on", "on | off"),
            Option.flag("answer", "answer calls"));

    @Test
    public void defaultsValuesFlagsAndEqualsForm() {
        Options o = Options.parse("./p2psip x", OPTS, "--port=6000", "--answer", "--policy", "in-process");
        assertEquals(6000, o.port("port"));
        assertTrue(o.flag("answer"));
        assertEquals(Policy.IN_PROCESS, o.choice(Policy.class, "policy"));
        assertTrue(o.onOff("sdp"));
        assertNull(o.get("peer"));
        assertFalse(o.help());
    }

    @Test
    public void helpIsAFlagEverywhere() {
        assertTrue(Options.parse("x", OPTS, "-h").help());
        assertTrue(Options.parse("x", OPTS, "--port", "1", "--help").help());
    }

    @Test
    public void errorsNameTheOption() {
        assertMessage("unknown option: --nope (see ./p2psip x --help)", () -> Options.parse("./p2psip x", OPTS, "--nope", "1"));
        assertMessage("--port needs a value", () -> Options.parse("x", OPTS, "--port"));
        assertMessage("--answer takes no value", () -> Options.parse("x", OPTS, "--answer=yes"));
        assertMessage("unexpected argument 'stray'", () -> Options.parse("x", OPTS, "stray"));
        assertMessage("--port needs a port number", () -> Options.parse("x", OPTS, "--port", "99999").port("port"));
        assertMessage("--sdp must be on or off", () -> Options.parse("x", OPTS, "--sdp", "yes").onOff("sdp"));
        assertMessage("--policy must be one of [auto, always, never, in-process]",
                () -> Options.parse("x", OPTS, "--policy", "sometimes").choice(Policy.class, "policy"));
        assertMessage("--peer needs HOST:PORT, not 'nohost'", () -> Options.parse("x", OPTS, "--peer", "nohost").hostPort("peer"));
        assertMessage("--peer is required", () -> Options.parse("x", OPTS).require("peer"));
    }

    @Test
    public void operandsAreKeptWhenAsked() {
        Options o = Options.parseWithOperands("dht", OPTS, "put", "--port", "7", "key", "value");
        assertEquals(List.of("put", "key", "value"), o.operands());
        assertEquals(7, o.port("port"));
    }

    @Test
    public void configFileSitsBetweenDefaultsAndFlags() throws Exception {
        Path f = Files.createTempFile("options", ".conf");
        try {
            Files.writeString(f, "port = 7000\npolicy=never\n");
            Options o = Options.parse("x", OPTS, "--config", f.toString(), "--policy", "always");
            assertEquals(7000, o.port("port"));
            assertEquals(Policy.ALWAYS, o.choice(Policy.class, "policy"));
            Files.writeString(f, "bogus=1\n");
            assertMessage("unknown option: bogus in " + f, () -> Options.parse("x", OPTS, "--config", f.toString()));
        } finally {
            Files.deleteIfExists(f);
        }
        assertMessage("cannot read configuration file /nonexistent/p2psip.conf",
                () -> Options.parse("x", OPTS, "--config", "/nonexistent/p2psip.conf"));
    }

    private static void assertMessage(String expected, org.junit.function.ThrowingRunnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r);
        assertTrue("'" + e.getMessage() + "' should contain '" + expected + "'", e.getMessage().contains(expected));
    }
}
