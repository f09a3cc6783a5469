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
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--churn-seconds S"));
    }

    @Test
    public void withoutAnArgumentTheExperimentsAreListedOneLineEach() {
        assertEquals(0, run());
        String list = out.toString(StandardCharsets.UTF_8);
        for (String name : new String[] {"nat", "congestion", "adapt", "partition", "scale"}) {
            long lines = list.lines().filter(l -> l.startsWith("  " + name + " ")).count();
            assertEquals(name + " listed once:\n" + list, 1, lines);
        }
        assertTrue(list, list.lines().count() < 12);
    }

    @Test
    public void scaleQuickOptionsAreOverriddenByTheOnesGiven() {
        org.p2psip.experiment.scale.ScaleExperiment.Settings s = ScaleCommand.settings(org.p2psip.common.Options.parse(
                "./p2psip experiment scale", ScaleCommand.OPTIONS, "--quick", "--max-nodes", "512", "--medians", "none",
                "--register-rate", "2000"));
        assertEquals(512, s.maxNodes());
        assertEquals(16, s.tcpMax());
        assertEquals(java.util.List.of(), s.medians());
        assertEquals(2000, s.registerRate(), 0);
        assertEquals(java.util.List.of(10, 30, 100), ScaleCommand.settings(org.p2psip.common.Options.parse(
                "./p2psip experiment scale", ScaleCommand.OPTIONS)).medians());
    }

    @Test
    public void scaleOptionErrorsNameTheOption() {
        assertEquals(2, run("scale", "--max-nodes", "100"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--max-nodes must be a power of two"));
        assertEquals(2, run("scale", "--medians", "10,ten"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'ten' is not one"));
        assertEquals(2, run("scale", "--churn-seconds", "0"));
        assertEquals(2, run("scale", "--bogus"));
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
