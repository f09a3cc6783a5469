package org.p2psip.om.bench;

import java.util.Arrays;
import java.util.Locale;
import org.p2psip.interop.gsoap.GsoapBuild;
import org.p2psip.interop.gsoap.GsoapServer;
import org.p2psip.interop.gsoap.JavaNode;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.types.Address;

/**
 * OM IF round-trip latency over loopback HTTP, median and p99 over COUNT calls after WARMUP calls:
 * Java OM -> Java OM (with the URLConnection conduit the OM uses, and with CXF 4's default
 * HttpClient conduit for comparison), gSOAP C client -> Java OM, Java OM -> gSOAP C server; and the
 * same over HTTPS with client certificates (a secured overlay's OM IF, peers enrolled by a
 * {@link org.p2psip.enrollment.RunCa} for the run; gSOAP built with OpenSSL).
 * Every leg uses one kept-alive connection and sequential calls.
 *
 * <pre>scripts/bench om [COUNT [WARMUP]]     (defaults 5000 and 3000)</pre>
 */
public final class OmIfBenchmark {
    private OmIfBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        if (count < 2000) {
            System.err.println("OmIfBenchmark: COUNT must be at least 2000");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "OM IF round trips over loopback, %d calls after %d warm-up calls per leg%n", count, warmup);
        System.out.printf(Locale.ROOT, "%-52s %9s %9s %9s %9s%n", "leg", "median", "p99", "mean", "min");
        GsoapBuild.build();
        String loadBefore = loadAverage();
        try (JavaNode server = JavaNode.start(100, ConduitChoice.URL_CONNECTION);
             JavaNode urlClient = JavaNode.start(100, ConduitChoice.URL_CONNECTION);
             JavaNode httpClient = JavaNode.start(100, ConduitChoice.HTTP_CLIENT)) {
            Address target = server.om.address();
            javaLeg("Java OM -> Java OM  Ping (URLConnection conduit)", urlClient.om.remote(), target, count, warmup, false);
            javaLeg("Java OM -> Java OM  Ping (HttpClient conduit)", httpClient.om.remote(), target, count, warmup, false);
            javaLeg("Java OM -> Java OM  GetNodeStatus (URLConnection)", urlClient.om.remote(), target, count, warmup, true);

            GsoapBuild.Result r = GsoapBuild.runProgram(GsoapBuild.client(), 600, "bench", server.url(),
                    JavaNode.randomNodeId(), Integer.toString(warmup), Integer.toString(count));
            if (r.exit() != 0) {
                throw new IllegalStateException("om_client bench failed: " + r.output());
            }
            String line = r.output().lines().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "%-52s %9s %9s %9s %9s%n", "gSOAP client -> Java OM  Ping",
                    field(line, "median_ms"), field(line, "p99_ms"), field(line, "mean_ms"), field(line, "min_ms"));

            try (GsoapServer legacy = GsoapServer.start(JavaNode.randomNodeId(), 5070)) {
                javaLeg("Java OM -> gSOAP server  Ping (URLConnection)", urlClient.om.remote(), legacy.address, count, warmup, false);
                javaLeg("Java OM -> gSOAP server  Ping (HttpClient)", httpClient.om.remote(), legacy.address, count, warmup, false);
            }
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("om-bench-tls-");
        org.p2psip.enrollment.RunCa ca = org.p2psip.enrollment.RunCa.in(dir);
        try (JavaNode server = JavaNode.start(100, ConduitChoice.URL_CONNECTION, ca.peer("server"));
             JavaNode client = JavaNode.start(100, ConduitChoice.URL_CONNECTION, ca.peer("client"))) {
            Address target = server.om.address();
            javaLeg("Java OM -> Java OM  Ping, HTTPS + client cert", client.om.remote(), target, count, warmup, false);
            javaLeg("Java OM -> Java OM  GetNodeStatus, HTTPS + cert", client.om.remote(), target, count, warmup, true);
            java.nio.file.Path gsoap = ca.peer("gsoap-client");
            GsoapBuild.Result r = GsoapBuild.runProgram(GsoapBuild.tls("om_client"), GsoapBuild.tlsEnv(gsoap), 600, "bench",
                    server.url(), org.p2psip.enrollment.NodeIdentity.load(gsoap).nodeId(), Integer.toString(warmup),
                    Integer.toString(count));
            if (r.exit() != 0) {
                throw new IllegalStateException("om_client_tls bench failed: " + r.output());
            }
            String line = r.output().lines().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "%-52s %9s %9s %9s %9s%n", "gSOAP client -> Java OM  Ping, HTTPS + cert",
                    field(line, "median_ms"), field(line, "p99_ms"), field(line, "mean_ms"), field(line, "min_ms"));
        }
        System.out.println("(milliseconds; " + Runtime.getRuntime().availableProcessors() + " cores; load average before/after: "
                + loadBefore + " / " + loadAverage() + ")");
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Paths.get("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return String.format(Locale.ROOT, "%.3f", Double.parseDouble(part.substring(name.length() + 1)));
            }
        }
        return "?";
    }

    private static void javaLeg(String name, RemoteOverlayManager remote, Address target, int count, int warmup, boolean status)
            throws Exception {
        long[] ns = new long[count];
        for (int i = 0; i < warmup + count; i++) {
            long t0 = System.nanoTime();
            if (status) {
                remote.status(target);
            } else {
                remote.ping(target, i, 0);
            }
            long t = System.nanoTime() - t0;
            if (i >= warmup) {
                ns[i - warmup] = t;
            }
        }
        Arrays.sort(ns);
        double sum = 0;
        for (long v : ns) {
            sum += v;
        }
        System.out.printf(Locale.ROOT, "%-52s %9.3f %9.3f %9.3f %9.3f%n", name, ns[count / 2] / 1e6,
                ns[(int) (count * 0.99)] / 1e6, sum / count / 1e6, ns[0] / 1e6);
    }
}
