package org.p2psip.interop.operator;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What {@code ./p2psip} prints when it has to build (first use, or sources changed), with the real
 * launcher script in a copy of the project's layout and a stand-in {@code mvn} on the PATH that
 * writes what Maven 3.8 writes in batch mode (terminal escape codes included): no escape code reaches
 * the terminal, it says what it builds, where the log is and how long it took; a failed build shows
 * the errors and where the full log is, and exits 1.
 */
public class LauncherBuildTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final String ESC = "\u001b";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aSuccessfulFirstBuildSaysWhatAndHowLongWithoutEscapeCodes() throws Exception {
        Path project = project("""
                printf '\\033[0m\\033[0m[INFO] Scanning for projects...\\n[INFO] \\033[1mBUILD SUCCESS\\033[m\\n'
                mkdir -p peer/target
                cp "$REAL_JAR" peer/target/
                cp "$REAL_CP" peer/target/classpath.txt
                """);
        Run r = launcher(project);
        assertEquals(r.out, 0, r.exit);
        assertFalse("escape codes on the terminal: " + r.out.replace(ESC, "<ESC>"), r.out.contains(ESC));
        assertTrue(r.out, r.out.contains("p2psip: building the peer and the modules it uses (first use"));
        assertTrue(r.out, r.out.contains("log: " + project.resolve("target/p2psip-build.log")));
        assertTrue(r.out, r.out.matches("(?s).*p2psip: built in \\d+ s.*"));
        assertTrue(r.out, r.out.contains("p2psip 0."));
        String log = Files.readString(project.resolve("target/p2psip-build.log"));
        assertTrue(log, log.contains("[INFO] BUILD SUCCESS") && !log.contains(ESC));
    }

    @Test
    public void aFailedBuildShowsTheErrorsAndWhereTheLogIs() throws Exception {
        Path project = project("""
                printf '\\033[0m\\033[0m[INFO] Scanning for projects...\\n'
                printf '[ERROR] /src/Foo.java:[3,5] cannot find symbol\\n[ERROR] \\n[ERROR] Re-run Maven using the -X switch\\n'
                exit 1
                """);
        Run r = launcher(project);
        assertEquals(r.out, 1, r.exit);
        assertFalse(r.out.replace(ESC, "<ESC>"), r.out.contains(ESC));
        assertTrue(r.out, r.out.matches("(?s).*p2psip: the build failed after \\d+ s; the errors:.*"));
        assertTrue(r.out, r.out.contains("[ERROR] /src/Foo.java:[3,5] cannot find symbol"));
        assertFalse("Maven's boilerplate is left in the log: " + r.out, r.out.contains("Re-run Maven"));
        assertTrue(r.out, r.out.contains("p2psip: the full Maven output is in " + project.resolve("target/p2psip-build.log")));
    }

    /** A copy of the launcher in an otherwise empty project, and a stand-in mvn running {@code body}. */
    private Path project(String body) throws Exception {
        Path project = tmp.newFolder("project").toPath();
        Files.copy(ROOT.resolve("p2psip"), project.resolve("p2psip"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        Path bin = tmp.newFolder("bin").toPath();
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\nset -e\n" + body);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        return project;
    }

    private record Run(int exit, String out) {
    }

    private Run launcher(Path project) throws Exception {
        Path jar = Files.list(ROOT.resolve("peer/target"))
                .filter(p -> p.getFileName().toString().matches("peer-.*\\.jar") && !p.toString().endsWith("-tests.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("peer/target/peer-*.jar is missing: mvn package -pl peer -am"));
        ProcessBuilder pb = new ProcessBuilder("./p2psip", "--version").directory(project.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PATH", tmp.getRoot().toPath().resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("REAL_JAR", jar.toString());
        pb.environment().put("REAL_CP", ROOT.resolve("peer/target/classpath.txt").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the launcher did not finish", p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
