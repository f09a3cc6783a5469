package org.p2psip.om;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The package layering of om-ws (README "Layering"): each package of {@code src/main/java} uses
 * only packages of lower layers, so the package graph has no cycles. Read from the import lines
 * and fully qualified names in the sources.
 */
public class PackageLayersTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final String OM = "org.p2psip.om";

    /** Bottom first; a package may use the packages of the layers before its own. */
    private static final List<Set<String>> LAYERS = List.of(
            Set.of(OM + ".types", OM + ".omif.v1"),
            Set.of(OM + ".ports", OM + ".path", OM + ".records"),
            Set.of(OM + ".table", OM + ".omif"),
            Set.of(OM + ".ws", OM + ".client"),
            Set.of(OM),
            Set.of(OM + ".sato"));

    private static final Pattern USE = Pattern.compile("\\b(org\\.p2psip\\.om(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    @Test
    public void everyPackageUsesOnlyLowerLayers() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertTrue("no sources found under " + SOURCES.toAbsolutePath(), !uses.isEmpty());
        Map<String, Set<String>> upward = new TreeMap<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            int layer = layer(e.getKey());
            for (String used : e.getValue()) {
                if (!used.equals(e.getKey()) && layer(used) >= layer) {
                    upward.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(used);
                }
            }
        }
        assertEquals("packages using their own layer or one above (a cycle in the making)", Map.of(), upward);
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package " + pkg + " is in no layer: add it to LAYERS and to the README");
    }

    /** Package -> the org.p2psip.om packages its sources name. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> used = out.computeIfAbsent(pkg, k -> new TreeSet<>());
                try {
                    for (String line : Files.readAllLines(f)) {
                        if (line.startsWith("package ")) {
                            continue;
                        }
                        Matcher m = USE.matcher(line);
                        while (m.find()) {
                            used.add(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return out;
    }
}
