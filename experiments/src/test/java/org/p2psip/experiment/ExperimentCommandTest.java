package org.p2psip.experiment;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** Usage errors of {@code ./p2psip experiment} (the experiment itself runs in interop-tests' NatExperimentTest). */
public class ExperimentCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ExperimentCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    public void helpAndUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("experiment nat"));
        assertEquals(2, run());
    }

    @Test
    public void unknownExperimentsAndOptionsAreUsageErrors() {
        assertEquals(2, run("wormhole"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown experiment 'wormhole'"));
        assertEquals(2, run("nat", "--udp-timeout", "zero"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--udp-timeout needs a number"));
        assertEquals(2, run("nat", "--bogus"));
        assertEquals(2, run("nat", "--call-seconds"));
    }
}
