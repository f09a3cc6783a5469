package org.p2psip.interop.gsoap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the gSOAP peers of the OM IF from the very WSDL the Java OM is generated from
 * ({@code wsdl/om-if-v1.wsdl}): {@code wsdl2h -c} and {@code soapcpp2 -c} generate the C stubs and
 * skeletons, gcc links {@code om_client}, {@code om_server} and {@code relay_peer} (sources in src/test/c/omif) against
 * Debian's libgsoap. The {@code *_tls} programs are the same sources built with {@code -DWITH_OPENSSL}
 * against libgsoapssl and OpenSSL: the OM IF of a secured overlay, HTTPS with client certificates
 * ({@code omif_tls.h}, configured by {@code OMIF_TLS_CA} and {@code OMIF_TLS_KEY}). Output in
 * {@code target/gsoap-omif}. A missing tool fails with a message that names the Debian package.
 */
public final class GsoapBuild {
    private static Path built;

    private GsoapBuild() {
    }

    /** The directory with {@code om_client} and {@code om_server}, built on first use in this JVM. */
    public static synchronized Path build() throws IOException, InterruptedException {
        if (built != null) {
            return built;
        }
        requireTool("wsdl2h", "gsoap");
        requireTool("soapcpp2", "gsoap");
        requireTool("gcc", "gcc");
        if (!Files.exists(Paths.get("/usr/include/stdsoap2.h"))) {
            throw new AssertionError("gSOAP interop: /usr/include/stdsoap2.h is missing; install the Debian package libgsoap-dev");
        }
        Path root = repoRoot();
        Path module = root.resolve("interop-tests");
        Path src = module.resolve("src/test/c/omif");
        Path wsdl = root.resolve("wsdl/om-if-v1.wsdl");
        Path out = module.resolve("target/gsoap-omif");
        Files.createDirectories(out);
        if (!Files.exists(Paths.get("/usr/include/openssl/ssl.h"))) {
            throw new AssertionError("gSOAP interop: /usr/include/openssl/ssl.h is missing; install the Debian package libssl-dev");
        }
        if (!Files.exists(Paths.get("/usr/include/zlib.h"))) {
            throw new AssertionError("gSOAP interop: /usr/include/zlib.h is missing (libgsoapssl needs zlib); install the Debian"
                    + " package zlib1g-dev");
        }
        for (String f : List.of("om_client.c", "om_server.c", "relay_peer.c", "omif_tls.h", "typemap.dat")) {
            Files.copy(src.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        run(out, "wsdl2h", "-c", "-t", "typemap.dat", "-o", "om.h", wsdl.toString());
        run(out, "soapcpp2", "-c", "-x", "-L", "-I/usr/share/gsoap/import", "om.h");
        run(out, "gcc", "-O2", "-c", "soapC.c", "-o", "soapC.o");
        run(out, "gcc", "-O2", "-Wall", "-o", "om_client", "om_client.c", "soapC.o", "soapClient.c", "-lgsoap", "-lpthread");
        run(out, "gcc", "-O2", "-Wall", "-o", "om_server", "om_server.c", "soapC.o", "soapServer.c", "-lgsoap", "-lpthread");
        run(out, "gcc", "-O2", "-Wall", "-o", "relay_peer", "relay_peer.c", "soapC.o", "soapServer.c", "-lgsoap", "-lpthread");
        // the same with OpenSSL: struct soap differs with WITH_OPENSSL, so everything is compiled again
        run(out, "gcc", "-O2", "-DWITH_OPENSSL", "-c", "soapC.c", "-o", "soapC_tls.o");
        for (String[] prog : List.of(new String[] {"om_client", "soapClient.c"}, new String[] {"om_server", "soapServer.c"},
                new String[] {"relay_peer", "soapServer.c"})) {
            run(out, "gcc", "-O2", "-Wall", "-DWITH_OPENSSL", "-o", prog[0] + "_tls", prog[0] + ".c", "soapC_tls.o", prog[1],
                    "-lgsoapssl", "-lssl", "-lcrypto", "-lz", "-lpthread");
        }
        built = out;
        return out;
    }

    public static Path client() throws IOException, InterruptedException {
        return build().resolve("om_client");
    }

    public static Path server() throws IOException, InterruptedException {
        return build().resolve("om_server");
    }

    /** The legacy relay peer: OM IF for a relay plus a real UDP relay ({@code relay_peer.c}). */
    public static Path relayPeer() throws IOException, InterruptedException {
        return build().resolve("relay_peer");
    }

    /** {@code program} (om_client, om_server, relay_peer) built with OpenSSL: HTTPS with client certificates when configured. */
    public static Path tls(String program) throws IOException, InterruptedException {
        return build().resolve(program + "_tls");
    }

    /**
     * The environment that makes a {@code *_tls} program speak the OM IF of a secured overlay with
     * the peer enrolled in {@code securityDir}: the overlay CA, and its key and certificate in one
     * PEM file (written next to them, {@code gsoap-key.pem}), as gSOAP reads them.
     */
    public static java.util.Map<String, String> tlsEnv(Path securityDir) throws IOException {
        Path combined = securityDir.resolve("gsoap-key.pem");
        Files.writeString(combined, Files.readString(securityDir.resolve(org.p2psip.enrollment.SecurityDir.NODE_KEY))
                + Files.readString(securityDir.resolve(org.p2psip.enrollment.SecurityDir.NODE_CERT)));
        return java.util.Map.of("OMIF_TLS_CA", securityDir.resolve(org.p2psip.enrollment.SecurityDir.CA_CERT).toString(),
                "OMIF_TLS_KEY", combined.toString());
    }

    /** The checkout root: the first directory upwards from the working directory that holds wsdl/om-if-v1.wsdl. */
    public static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            if (Files.exists(p.resolve("wsdl/om-if-v1.wsdl"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new AssertionError("cannot find wsdl/om-if-v1.wsdl above " + Paths.get("").toAbsolutePath());
    }

    private static void requireTool(String tool, String pkg) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Paths.get(dir, tool))) {
                return;
            }
        }
        throw new AssertionError("gSOAP interop: '" + tool + "' is not installed; install the Debian package " + pkg
                + " (scripts/test installs it)");
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within 180 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("gSOAP interop build step failed (exit " + p.exitValue() + "): " + String.join(" ", cmd)
                    + "\n" + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** Runs a built program to completion; returns exit status and output. */
    public static Result runProgram(Path program, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return runProgram(program, java.util.Map.of(), timeoutSeconds, args);
    }

    /** As {@link #runProgram(Path, long, String...)} with {@code env} added to its environment. */
    public static Result runProgram(Path program, java.util.Map<String, String> env, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            p.getOutputStream().close();
            Thread reader = null;
            StringBuilder sb = new StringBuilder();
            reader = new Thread(() -> {
                try {
                    sb.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    sb.append("[output lost: ").append(e.getMessage()).append(']');
                }
            }, "gsoap-output");
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(program.getFileName() + " did not finish within " + timeoutSeconds + " s");
            }
            reader.join(5000);
            return new Result(p.exitValue(), sb.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Exit status and combined output of a finished program. */
    public record Result(int exit, String output) {
    }
}
