package org.p2psip.peer.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    public void everyCommandAnswersHelp() {
        for (String name : P2psip.COMMANDS.keySet()) {
            assertEquals("./p2psip " + name + " --help", 0, P2psip.run(new String[] {name, "--help"}));
        }
    }

    @Test
    public void theLauncherUsageListsExactlyTheDispatchedCommands() throws IOException {
        // './p2psip --help' is printed by the shell script: a command listed there must have its class,
        // and a command with a class must be listed
        String script = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../p2psip").normalize());
        String usage = script.substring(script.indexOf("commands:"), script.indexOf("USAGE\n}"));
        Matcher m = Pattern.compile("(?m)^  ([a-z][a-z-]+)  ").matcher(usage);
        Set<String> listed = new LinkedHashSet<>();
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertEquals(P2psip.COMMANDS.keySet(), listed);
    }

    @Test
    public void versionIsPrinted() {
        assertEquals(0, P2psip.run(new String[] {"--version"}));
        assertTrue(P2psip.version(), P2psip.version().matches("\\d+\\.\\d+\\.\\d+.*"));
    }

    @Test
    public void theLauncherScriptAcceptsExactlyTheDispatchedCommands() throws IOException {
        // the shell script checks the command name before it builds; it must agree with the dispatcher
        Path script = Path.of(System.getProperty("user.dir")).resolve("../p2psip").normalize();
        Matcher m = Pattern.compile("(?m)^\\s*([a-z|-]+)\\) ;;\\s*$").matcher(Files.readString(script));
        assertTrue("no command list found in " + script, m.find());
        Set<String> listed = new LinkedHashSet<>(List.of(m.group(1).split("\\|")));
        assertEquals(P2psip.COMMANDS.keySet(), listed);
    }
}
