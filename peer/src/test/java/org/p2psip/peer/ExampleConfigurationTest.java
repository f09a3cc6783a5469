package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.common.Options.Option;

/** The release's example configuration file documents every option, and a peer reads it back. */
public class ExampleConfigurationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void everyOptionIsDocumentedWithItsDefault() {
        String text = ExampleConfiguration.text();
        for (Option o : PeerConfig.OPTIONS) {
            if (!o.name().equals("config")) {
                assertTrue("option " + o.name() + " missing from the example configuration",
                        text.contains("\n#" + o.name() + "=" + (o.defaultValue() == null ? "" : o.defaultValue()) + "\n"));
            }
        }
    }

    @Test
    public void theFileUncommentedIsAValidConfigurationGivingTheDefaults() throws Exception {
        StringBuilder uncommented = new StringBuilder();
        for (String line : ExampleConfiguration.text().split("\n")) {
            // only the option lines, with a value (an option without default stays out)
            if (line.matches("#[a-z-]+=.+")) {
                uncommented.append(line.substring(1)).append('\n');
            }
        }
        Path file = tmp.getRoot().toPath().resolve("peer.conf");
        Files.writeString(file, uncommented.toString() + "sip-port=5099\nsecurity=off\n"); // security has no default: it is chosen
        PeerConfig c = PeerConfig.parse(new String[] {"--config", file.toString()});
        assertEquals(5099, c.sipPort());
        assertEquals(PeerConfig.parse(new String[] {"--security", "off"}).omPort(), c.omPort());
        assertEquals("127.0.0.1:0", c.get("http"));
    }

    @Test
    public void aMissingConfigurationFileIsNamedWithWhatIsWrong() {
        String missing = tmp.getRoot().toPath().resolve("nope.conf").toString();
        try {
            PeerConfig.parse(new String[] {"--config", missing});
            throw new AssertionError("a missing file was accepted");
        } catch (IllegalArgumentException | java.io.IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(missing) && e.getMessage().contains("does not exist")
                    && e.getMessage().contains("--config"));
        }
    }
}
