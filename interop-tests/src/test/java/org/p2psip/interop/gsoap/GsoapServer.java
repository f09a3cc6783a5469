package org.p2psip.interop.gsoap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.p2psip.om.types.Address;

/**
 * A running {@code om_server} process (the legacy gSOAP OM) on 127.0.0.1 and an ephemeral port.
 * Its request log lines are collected; {@link #close()} ends it (closing its stdin, then killing it).
 */
public final class GsoapServer implements AutoCloseable {
    public final String nodeId;
    public final Address address;
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Process process;

    private GsoapServer(String nodeId, Process process, Address address) {
        this.nodeId = nodeId;
        this.process = process;
        this.address = address;
    }

    public static GsoapServer start(String nodeId, int sipOverlayPort) throws IOException, InterruptedException {
        return start(nodeId, sipOverlayPort, null);
    }

    /**
     * With {@code securityDir} (a peer enrolled by the overlay CA, Node-ID {@code nodeId}): {@code
     * om_server_tls}, the OM IF over HTTPS with client certificates; null: the plain-HTTP legacy OM.
     */
    public static GsoapServer start(String nodeId, int sipOverlayPort, java.nio.file.Path securityDir)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder((securityDir == null ? GsoapBuild.server() : GsoapBuild.tls("om_server")).toString(),
                nodeId, Integer.toString(sipOverlayPort)).redirectErrorStream(true);
        if (securityDir != null) {
            pb.environment().putAll(GsoapBuild.tlsEnv(securityDir));
        }
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (first == null || !first.startsWith("LISTENING ")) {
            p.destroyForcibly();
            throw new AssertionError("om_server did not start: " + first);
        }
        GsoapServer s = new GsoapServer(nodeId, p, new Address("127.0.0.1", Integer.parseInt(first.substring(10).trim().split(" ")[0])));
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    s.lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "om_server-output");
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** Whether om_server logged a line starting with {@code prefix} (waits up to 10 s for its output to arrive). */
    public boolean logged(String prefix) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
