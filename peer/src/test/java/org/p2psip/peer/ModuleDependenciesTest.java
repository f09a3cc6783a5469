package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The module picture in {@code docs/architecture.md} ("Modules and what each depends on") is the
 * truth about the build: every module of the root POM is in it, and each module's compile-scope
 * dependencies on project modules are exactly the ones the table names.
 */
public class ModuleDependenciesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @Test
    public void pomDependenciesMatchTheArchitecturePicture() throws IOException {
        Map<String, Set<String>> documented = documented();
        assertFalse("no module table found in docs/architecture.md", documented.isEmpty());
        Map<String, Set<String>> built = new TreeMap<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            built.put(m.group(1), projectDependencies(ROOT.resolve(m.group(1)).resolve("pom.xml")));
        }
        assertEquals(built, documented);
    }

    /** Rows {@code | `module` | `dep`, `dep` |} of the table after the heading naming the picture. */
    private static Map<String, Set<String>> documented() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        int at = doc.indexOf("## Modules and what each depends on");
        Map<String, Set<String>> out = new TreeMap<>();
        if (at < 0) {
            return out;
        }
        Pattern row = Pattern.compile("^\\| `([a-z-]+)` \\|[^|]*\\| ([^|]*) \\|\\s*$");
        boolean inTable = false;
        for (String line : doc.substring(at).split("\n")) {
            Matcher r = row.matcher(line);
            if (r.matches()) {
                inTable = true;
                Set<String> deps = new TreeSet<>();
                Matcher d = Pattern.compile("`([a-z-]+)`").matcher(r.group(2));
                while (d.find()) {
                    deps.add(d.group(1));
                }
                out.put(r.group(1), deps);
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        return out;
    }

    /** Artifact ids of org.p2psip dependencies that are not test-scoped. */
    private static Set<String> projectDependencies(Path pom) throws IOException {
        String text = Files.readString(pom);
        int deps = text.indexOf("<dependencies>");
        Set<String> out = new TreeSet<>();
        if (deps < 0) {
            return out;
        }
        Matcher m = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(text.substring(deps));
        while (m.find()) {
            String d = m.group(1);
            if (d.contains("<groupId>org.p2psip</groupId>") && !d.contains("<scope>test</scope>")) {
                Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(d);
                if (a.find()) {
                    out.add(a.group(1));
                }
            }
        }
        return out;
    }
}
