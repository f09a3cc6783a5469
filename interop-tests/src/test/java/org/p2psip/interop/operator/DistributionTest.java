package org.p2psip.interop.operator;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The release (issue 21): {@code scripts/dist --no-build} assembles {@code p2psip-VERSION.tar.gz}
 * from the jars this build made; unpacked into an empty directory, its {@code bin/p2psip} runs a
 * peer and {@code status} (text and JSON) against it with nothing on the PATH but Java and the few
 * shell tools the launcher uses (no Maven, no source tree), and prints its version. The example
 * configuration it ships starts that peer.
 */
public class DistributionTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final Pattern UP = Pattern.compile("peer dist up: SIP \\S+, OM IF https?://([0-9.:]+)/om/v1");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theTarballRunsAPeerAndStatusWithNothingButJava() throws Exception {
        Result dist = run(List.of("scripts/dist", "--no-build"), ROOT, Map.of(), 300);
        assertEquals("scripts/dist --no-build:\n" + dist.out, 0, dist.exit);
        Matcher tar = Pattern.compile("target/(p2psip-[^ ]+)\\.tar\\.gz").matcher(dist.out);
        assertTrue(dist.out, tar.find());
        Path tarball = ROOT.resolve("target").resolve(tar.group(1) + ".tar.gz");

        Path empty = tmp.newFolder("install").toPath();
        Result untar = run(List.of("tar", "-xzf", tarball.toString(), "-C", empty.toString()), empty, Map.of(), 60);
        assertEquals(untar.out, 0, untar.exit);
        Path home = empty.resolve(tar.group(1));
        for (String f : List.of("bin/p2psip", "etc/peer.conf.example", "README.md")) {
            assertTrue(f + " in the tarball", Files.exists(home.resolve(f)));
        }
        assertTrue("jars in lib/", Files.list(home.resolve("lib")).anyMatch(p -> p.getFileName().toString().startsWith("peer-")));

        Map<String, String> onlyJava = Map.of("PATH", onlyJavaPath().toString(), "HOME", tmp.newFolder("home").toString());
        Result version = run(List.of("bin/p2psip", "--version"), home, onlyJava, 60);
        assertEquals(version.out, 0, version.exit);
        assertTrue(version.out, version.out.startsWith("p2psip " + tar.group(1).substring("p2psip-".length())));
        Result mvn = run(List.of("bash", "-c", "command -v mvn || echo no-maven"), home, onlyJava, 10);
        assertTrue("Maven must not be on the test's PATH: " + mvn.out, mvn.out.contains("no-maven"));

        // the release enrolls its peer (a CA of its own) ...
        Path ca = tmp.getRoot().toPath().resolve("ca");
        Path sec = tmp.getRoot().toPath().resolve("dist-sec");
        Result init = run(List.of("bin/p2psip", "ca", "init", ca.toString()), home, onlyJava, 60);
        assertEquals(init.out, 0, init.exit);
        Result enroll = run(List.of("bin/p2psip", "ca", "enroll-peer", sec.toString(), "--ca", ca.toString()), home, onlyJava, 60);
        assertEquals(enroll.out, 0, enroll.exit);
        // ... and runs it, secured, from the shipped example configuration, with free ports and no operator listener
        Path conf = tmp.newFile("peer.conf").toPath();
        Files.writeString(conf, Files.readString(home.resolve("etc/peer.conf.example"))
                + "\nname=dist\nsip-port=0\nom-port=0\ndht-port=0\nhttp=off\nsecurity=" + sec + "\nstate-dir=" + tmp.newFolder("state") + "\n");
        Path log = tmp.getRoot().toPath().resolve("peer.log");
        ProcessBuilder pb = new ProcessBuilder("bin/p2psip", "peer", "--config", conf.toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(onlyJava);
        long t0 = System.nanoTime();
        Process peer = pb.start();
        try {
            String om = awaitUp(peer, log);
            System.out.printf("DistributionTest: %s is %d kB; the peer was up %.1f s after bin/p2psip peer%n", tarball.getFileName(),
                    Files.size(tarball) / 1024, (System.nanoTime() - t0) / 1e9);
            Result status = run(List.of("bin/p2psip", "status", om), home, onlyJava, 60);
            assertEquals(status.out, 0, status.exit);
            assertTrue(status.out, status.out.contains("ports       2"));
            Result json = run(List.of("bin/p2psip", "status", om, "--json"), home, onlyJava, 60);
            assertEquals(json.out, 0, json.exit);
            assertTrue(json.out, json.out.trim().startsWith("{\"node\":\"") && json.out.contains("\"ports\":[{\"type\":"));
        } finally {
            peer.destroy();
            if (!peer.waitFor(20, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    /** A directory holding only java and the shell tools bin/p2psip and this test use. */
    private Path onlyJavaPath() throws Exception {
        Path bin = tmp.newFolder("path").toPath();
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        for (String tool : List.of("bash", "dirname")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), Path.of(dir, tool));
                    break;
                }
            }
        }
        return bin;
    }

    private static String awaitUp(Process peer, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = UP.matcher(Files.readString(log));
            if (m.find()) {
                return m.group(1);
            }
            if (!peer.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the peer from the tarball did not come up:\n" + Files.readString(log));
    }

    private record Result(int exit, String out) {
    }

    private static Result run(List<String> cmd, Path dir, Map<String, String> env, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(still running after " + seconds + " s)");
        }
        return new Result(p.exitValue(), out);
    }
}
