package org.p2psip.cli;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** The dispatcher behind ./p2psip: unknown and missing subcommands are usage errors (exit 2). */
public class P2psipTest {
    @Test
    public void unknownCommandIsAUsageError() {
        assertEquals(2, P2psip.run(new String[] {"frobnicate"}));
    }

    @Test
    public void missingCommandIsAUsageError() {
        assertEquals(2, P2psip.run(new String[0]));
    }

    @Test
    public void everyCommandNamesAClassWithRun() {
        // Each entry points at org.p2psip.<module>...; the class either exists with run(String[])
        // or the dispatcher says it is not in this build (exit 2), never a crash.
        for (String name : P2psip.COMMANDS.keySet()) {
            String cls = P2psip.COMMANDS.get(name);
            try {
                Class.forName(cls).getMethod("run", String[].class);
            } catch (ClassNotFoundException e) {
                continue; // arrives with a later issue
            } catch (NoSuchMethodException e) {
                throw new AssertionError(cls + " lacks public static int run(String[])");
            }
        }
    }
}
