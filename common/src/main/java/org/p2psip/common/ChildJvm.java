package org.p2psip.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Options a JVM passes on to the JVMs it starts with its own classpath (a peer's SATO-Port processes,
 * an experiment's peers): the class-data sharing archive that {@code ./p2psip} prepared for this
 * build, named by the system property {@value #CDS_PROPERTY}. Every JVM that maps the same archive
 * shares its pages (less memory per peer) and loads its classes from it (a faster first call).
 */
public final class ChildJvm {
    /** System property naming the class-data sharing archive of this build (set by the launcher). */
    public static final String CDS_PROPERTY = "p2psip.cds";

    private ChildJvm() {
    }

    /** The options that give a child JVM this JVM's class-data sharing archive, or none. */
    public static List<String> sharedArchiveOptions() {
        String archive = System.getProperty(CDS_PROPERTY);
        if (archive == null || archive.isBlank() || !Files.isRegularFile(Path.of(archive))) {
            return List.of();
        }
        // -Xshare:auto: a child whose classpath does not match the archive simply runs without it
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-D" + CDS_PROPERTY + "=" + archive);
    }
}
