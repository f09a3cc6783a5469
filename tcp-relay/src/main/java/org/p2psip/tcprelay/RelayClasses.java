package org.p2psip.tcprelay;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every class of this package when the relay starts. The JVM loads a class the first time it is
 * used, reading its class file: a relay whose first connection arrives while the process is out of
 * file descriptors would fail to load the classes that serve it (NoClassDefFoundError), and the JVM
 * remembers that failure, so the relay would never serve again. Loaded up front, nothing on the
 * connection path needs a file.
 */
final class RelayClasses {
    private static final Logger LOG = LoggerFactory.getLogger(RelayClasses.class);
    private static final String PACKAGE = RelayClasses.class.getPackageName();
    private static volatile boolean loaded;

    private RelayClasses() {
    }

    /** Loads and initializes the package's classes (once per JVM); how many. */
    static int preload() {
        if (loaded) {
            return 0;
        }
        List<String> names = new ArrayList<>();
        try {
            Path where = Path.of(RelayClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String dir = PACKAGE.replace('.', '/');
            if (Files.isDirectory(where)) {
                try (Stream<Path> files = Files.list(where.resolve(dir))) {
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".class"))
                            .forEach(f -> names.add(PACKAGE + "." + f.substring(0, f.length() - 6)));
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    for (JarEntry e : java.util.Collections.list(jar.entries())) {
                        String n = e.getName();
                        if (n.startsWith(dir + "/") && n.endsWith(".class") && n.indexOf('/', dir.length() + 1) < 0) {
                            names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.debug("cannot list the relay's classes to load them up front: {}", e.toString());
            return 0;
        }
        int n = 0;
        for (String name : names) {
            if (name.endsWith("package-info")) {
                continue;
            }
            try {
                Class.forName(name, true, RelayClasses.class.getClassLoader());
                n++;
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("cannot load {} up front: {}", name, e.toString());
            }
        }
        loaded = true;
        return n;
    }
}
