package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** Command-line handling of ./p2psip phone (no network needed for these). */
public class PhoneCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PhoneCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void helpDocumentsTheFlags() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--user", "--proxy", "--listen", "--answer", "--call", "--seconds", "--wait",
            "--expires", "--domain", "--media-host", "--no-register", "--report-every", "--report-every-ms", "interval: t=", "max_gap="}) {
            assertTrue(flag, help.contains(flag));
        }
    }

    @Test
    public void badUsageIsExitTwoWithAReason() {
        assertEquals(2, run("--user", "alice", "--call", "bob"));
        assertTrue(err(), err().contains("--proxy HOST:PORT is required"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060"));
        assertTrue(err(), err().contains("exactly one of --answer and --call USER"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1", "--answer"));
        assertTrue(err(), err().contains("--proxy needs HOST:PORT"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--seconds", "zero"));
        assertTrue(err(), err().contains("--seconds needs a number"));
        assertEquals(2, run("--user", "al ice", "--proxy", "127.0.0.1:5060", "--answer"));
        assertTrue(err(), err().contains("not a valid SIP user name"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--frobnicate"));
        assertTrue(err(), err().contains("unknown option: --frobnicate"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--listen", "0.0.0.0:0"));
        assertTrue(err(), err().contains("concrete address"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--report-every", "0"));
        assertTrue(err(), err().contains("--report-every needs a number from 1 to 3600"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--report-every-ms", "50"));
        assertTrue(err(), err().contains("--report-every-ms needs a number from 100 to 3600000"));
        assertEquals(2, run("--user", "alice", "--proxy", "127.0.0.1:5060", "--answer", "--report-every", "1",
                "--report-every-ms", "100"));
        assertTrue(err(), err().contains("--report-every N (seconds) or --report-every-ms N, not both"));
    }

    @Test
    public void reportIntervalsAreSecondsOrMilliseconds() {
        assertEquals(Long.valueOf(2000), PhoneCommand.Options.parse(new String[] {"--user", "alice", "--proxy",
            "127.0.0.1:5060", "--answer", "--report-every", "2"}).reportEveryMillis);
        assertEquals(Long.valueOf(100), PhoneCommand.Options.parse(new String[] {"--user", "alice", "--proxy",
            "127.0.0.1:5060", "--answer", "--report-every-ms", "100"}).reportEveryMillis);
        assertEquals(null, PhoneCommand.Options.parse(new String[] {"--user", "alice", "--proxy",
            "127.0.0.1:5060", "--answer"}).reportEveryMillis);
    }
}
